import { open, type FileHandle } from 'node:fs/promises';
import { AudioDecodeError } from './errors.js';

/** Random-access reads over a file handle; every read error becomes an `unreadable` AudioDecodeError. */
export class FileSource {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      throw new AudioDecodeError('unreadable', `cannot open file: ${describeFsError(err)}`, { cause: err });
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new AudioDecodeError('unreadable', 'not a regular file');
      return new FileSource(handle, path, stat.size);
    } catch (err) {
      await handle.close().catch(() => {});
      if (err instanceof AudioDecodeError) throw err;
      throw new AudioDecodeError('unreadable', `cannot read file: ${describeFsError(err)}`, { cause: err });
    }
  }

  /** Reads up to `length` bytes at `position` into `target` (or a new buffer); shorter only at end of file. */
  async read(position: number, length: number, target?: Uint8Array): Promise<Uint8Array> {
    const want = Math.max(0, Math.min(length, this.size - position));
    const buf = target && target.length >= want ? target : new Uint8Array(want);
    let got = 0;
    try {
      while (got < want) {
        const { bytesRead } = await this.handle.read(buf, got, want - got, position + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } catch (err) {
      throw new AudioDecodeError(
        'unreadable',
        `read failed at byte ${position + got}: ${describeFsError(err)}`,
        {
          cause: err,
        },
      );
    }
    return buf.subarray(0, got);
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
  }
}

function describeFsError(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) {
    const code = String((err as { code: unknown }).code);
    const known: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EISDIR: 'is a directory',
      EMFILE: 'too many open files',
    };
    return known[code] ?? code;
  }
  return err instanceof Error ? err.message : String(err);
}
