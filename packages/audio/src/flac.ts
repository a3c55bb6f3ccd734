import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { AudioDecodeError } from './errors.js';
import type { FileSource } from './file-source.js';
import type { AudioReader } from './reader.js';
import type { AudioInfo } from './types.js';

/** Reads STREAMINFO (the mandatory first metadata block) for rate, channels, depth and length. */
export async function probeFlac(src: FileSource, start: number): Promise<AudioInfo> {
  const b = await src.read(start, 4 + 4 + 34);
  if (b.length < 42)
    throw new AudioDecodeError('truncated', `FLAC file is only ${src.size} bytes; STREAMINFO is incomplete`);
  if ((b[4]! & 0x7f) !== 0)
    throw new AudioDecodeError('unreadable', 'FLAC stream does not start with STREAMINFO');
  const s = 8;
  const sampleRate = (b[s + 10]! << 12) | (b[s + 11]! << 4) | (b[s + 12]! >> 4);
  const channels = ((b[s + 12]! >> 1) & 7) + 1;
  const bitsPerSample = (((b[s + 12]! & 1) << 4) | (b[s + 13]! >> 4)) + 1;
  const frames =
    (b[s + 13]! & 0x0f) * 2 ** 32 +
    ((b[s + 14]! << 24) >>> 0) +
    (b[s + 15]! << 16) +
    (b[s + 16]! << 8) +
    b[s + 17]!;
  if (sampleRate === 0)
    throw new AudioDecodeError('unreadable', 'FLAC STREAMINFO declares a sample rate of 0 Hz');
  return {
    format: 'flac',
    encoding: 'flac',
    sampleRate,
    channels,
    bitsPerSample,
    durationS: frames / sampleRate,
    frames,
    // STREAMINFO may leave the total at 0 ("unknown") for streamed encodes.
    framesExact: frames > 0,
    channelMask: 0,
  };
}

/**
 * FLAC through @wasm-audio-decoders/flac. The file is fed to the decoder in pieces (1 MiB by default) and decoded frames are
 * yielded as they come, so memory stays bounded (the decoder itself keeps at most one partial frame).
 */
export class FlacReader implements AudioReader {
  constructor(
    private readonly src: FileSource,
    readonly info: AudioInfo,
    private readonly start: number,
    private readonly readBytes: number,
  ) {}

  async *chunks(): AsyncGenerator<Float32Array[], void, undefined> {
    const decoder = new FLACDecoder();
    await decoder.ready;
    let decoded = 0;
    const take = (channelData: Float32Array[], n: number): Float32Array[] | null => {
      if (n <= 0) return null;
      if (channelData.length !== this.info.channels) {
        throw new AudioDecodeError(
          'unreadable',
          `FLAC frame has ${channelData.length} channels but STREAMINFO declares ${this.info.channels}`,
        );
      }
      decoded += n;
      const out = channelData.map((c) => (c.length === n ? c : c.subarray(0, n)));
      rescaleToFullScale(out, this.info.bitsPerSample ?? 16);
      return out;
    };
    try {
      for (let pos = this.start; pos < this.src.size; pos += this.readBytes) {
        // A fresh buffer per read: the frame parser may keep references to bytes of an incomplete frame.
        const bytes = await this.src.read(pos, this.readBytes);
        const out = await decoder.decode(bytes);
        if (out.errors.length > 0) throw decodeFailure(out.errors[0]);
        const chunk = take(out.channelData, out.samplesDecoded);
        if (chunk) yield chunk;
      }
      const tail = await decoder.flush();
      if (tail.errors.length > 0) throw decodeFailure(tail.errors[0]);
      const chunk = take(tail.channelData, tail.samplesDecoded);
      if (chunk) yield chunk;
      if (this.info.framesExact && decoded < this.info.frames) {
        throw new AudioDecodeError(
          'truncated',
          `FLAC STREAMINFO declares ${this.info.frames} frames but only ${decoded} could be decoded (file cut short or damaged)`,
        );
      }
    } finally {
      decoder.free();
    }
  }

  close(): Promise<void> {
    return this.src.close();
  }
}

/**
 * The WASM decoder divides by 2^(bits-1) - 1, so -full scale reads below -1.0 and every value differs from WAV's
 * code / 2^(bits-1) [AU-3]. Its float is correctly rounded (error <= 0.25 LSB at 24 bits, measured over the full
 * range), so rounding recovers the integer code exactly and the FLAC and WAV of one master decode identically.
 */
function rescaleToFullScale(channels: Float32Array[], bits: number): void {
  if (bits > 24) return; // 32-bit FLAC: codes are not recoverable from Float32; keep the decoder's values
  const up = 2 ** (bits - 1) - 1;
  const down = 1 / 2 ** (bits - 1);
  for (const x of channels) for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i]! * up) * down;
}

function decodeFailure(e: { message?: string } | undefined): AudioDecodeError {
  return new AudioDecodeError(
    'unreadable',
    `FLAC decode failed: ${e?.message ?? 'unknown error'}`.split('\n')[0]!,
  );
}
