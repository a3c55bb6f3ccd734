import { AudioDecodeError } from './errors.js';
import type { FileSource } from './file-source.js';
import { deinterleavePcm } from './pcm.js';
import type { AudioReader, ChunkOptions } from './reader.js';
import type { AudioInfo } from './types.js';
import type { PcmLayout } from './wav.js';

/**
 * Streams WAV/AIFF sample data in fixed-size reads, so memory stays constant whatever the file size.
 * The next read is issued before the current chunk is converted and handed out (I/O overlaps compute).
 */
export class PcmReader implements AudioReader {
  readonly info: AudioInfo;

  constructor(
    private readonly src: FileSource,
    private readonly layout: PcmLayout,
    private readonly chunkFrames: number,
  ) {
    this.info = layout.info;
  }

  async *chunks(options: ChunkOptions = {}): AsyncGenerator<Float32Array[], void, undefined> {
    const { blockAlign, dataOffset, encoding } = this.layout;
    const { frames, channels } = this.info;
    const per = this.chunkFrames;
    const bufs = [new Uint8Array(per * blockAlign), new Uint8Array(per * blockAlign)];
    const reused = options.reuseBuffers
      ? Array.from({ length: channels }, () => new Float32Array(per))
      : null;
    const readAt = (frame: number, buf: Uint8Array) =>
      this.src.read(dataOffset + frame * blockAlign, Math.min(per, frames - frame) * blockAlign, buf);
    let which = 0;
    let pending: Promise<Uint8Array> | null = frames > 0 ? readAt(0, bufs[0]!) : null;
    let done = 0;
    try {
      while (done < frames && pending) {
        const bytes = await pending;
        pending = null;
        const n = Math.floor(bytes.length / blockAlign);
        if (n === 0) {
          throw new AudioDecodeError(
            'truncated',
            `audio data ends at frame ${done} of ${frames} (the file shrank while it was read)`,
          );
        }
        const next = done + n;
        which ^= 1;
        if (next < frames) pending = readAt(next, bufs[which]!);
        const out = reused
          ? reused.map((a) => (n === per ? a : a.subarray(0, n)))
          : Array.from({ length: channels }, () => new Float32Array(n));
        deinterleavePcm(bytes, n, channels, encoding, out);
        if (this.info.encoding === 'pcm_float') rejectNonFinite(out, done);
        done = next;
        yield out;
      }
    } finally {
      // A consumer that stops early must not leave a read rejecting unobserved after close().
      pending?.catch(() => {});
    }
  }

  close(): Promise<void> {
    return this.src.close();
  }
}

/**
 * A NaN or infinite float sample (a broken bounce) would turn every loudness figure into NaN; such a file is
 * refused with the position rather than measured with the samples silently changed.
 */
function rejectNonFinite(channels: Float32Array[], firstFrame: number): void {
  for (let c = 0; c < channels.length; c++) {
    const x = channels[c]!;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v - v !== 0) {
        throw new AudioDecodeError(
          'unreadable',
          `float sample at frame ${firstFrame + i}, channel ${c + 1} is ${v}`,
        );
      }
    }
  }
}
