import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A byte range, both ends inclusive (as in HTTP Range). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where audio bytes live, addressed by their SHA-256 (lower-case hex). Implementations: the local disk
 * ({@link FsBlobStore}); an object store (S3) fits the same shape — `putFile` uploads and deletes the local
 * file, `createReadStream` maps to a ranged GET, `withLocalFile` downloads to a temporary file.
 * Which blobs exist is recorded in the database (`blobs` table); the store only holds bytes.
 */
export interface BlobStore {
  /**
   * Stores a finished local file that hashes to `sha256`. The source file is left in place for the caller to
   * remove. Storing content that is already there keeps the one copy.
   */
  putFile(sourcePath: string, sha256: string): Promise<void>;
  /** Size in bytes, or undefined when the blob is not stored. */
  size(sha256: string): Promise<number | undefined>;
  /** The blob's bytes, or a range of them. */
  createReadStream(sha256: string, range?: ByteRange): Readable;
  /** Runs `fn` with a path to a local copy of the blob (the stored file itself on local disk). */
  withLocalFile<T>(sha256: string, fn: (path: string) => Promise<T>): Promise<T>;
  /** Removes the blob; removing one that is not there is not an error. */
  delete(sha256: string): Promise<void>;
  /** Every stored SHA-256 (for maintenance and tests). */
  list(): AsyncIterable<string>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${JSON.stringify(sha256)}`);
}

/** Streams a file through SHA-256 (constant memory whatever the size). */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), async (source) => {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
  });
  return { sha256: hash.digest('hex'), size };
}

/** Blobs as files under `root`, fanned out by the first two bytes of the hash: `ab/cd/abcd…`. */
export class FsBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    assertSha256(sha256);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async putFile(sourcePath: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    if ((await this.size(sha256)) !== undefined) return;
    await mkdir(dirname(target), { recursive: true });
    try {
      // Same file system (DATA_DIR): a hard link stores the bytes without copying them.
      await link(sourcePath, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
      // No hard links here: copy next to the target, then move it into place atomically.
      const temp = join(dirname(target), `.${randomUUID()}.tmp`);
      try {
        await copyFile(sourcePath, temp);
        await rename(temp, target);
      } finally {
        await rm(temp, { force: true });
      }
    }
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      const s = await stat(this.pathOf(sha256));
      return s.isFile() ? s.size : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  createReadStream(sha256: string, range?: ByteRange): Readable {
    return createReadStream(this.pathOf(sha256), range ? { start: range.start, end: range.end } : {});
  }

  async withLocalFile<T>(sha256: string, fn: (path: string) => Promise<T>): Promise<T> {
    return fn(this.pathOf(sha256));
  }

  async delete(sha256: string): Promise<void> {
    try {
      await unlink(this.pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async *list(): AsyncIterable<string> {
    const entries = async (dir: string) => {
      try {
        return await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    };
    for (const a of await entries(this.root)) {
      if (!a.isDirectory()) continue;
      for (const b of await entries(join(this.root, a.name))) {
        if (!b.isDirectory()) continue;
        for (const f of await entries(join(this.root, a.name, b.name))) {
          if (f.isFile() && SHA256_HEX.test(f.name)) yield f.name;
        }
      }
    }
  }
}
