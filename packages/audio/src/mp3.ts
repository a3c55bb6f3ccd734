import { MPEGDecoder } from 'mpg123-decoder';
import { AudioDecodeError } from './errors.js';
import type { FileSource } from './file-source.js';
import { parseMp3FrameHeader } from './mp3-header.js';
import type { AudioReader } from './reader.js';
import type { AudioInfo } from './types.js';

/**
 * Reads the first frame header and, when present, the Xing/Info frame count and LAME encoder delay/padding,
 * which give the exact gapless length. Without them the length is estimated from the bitrate (CBR).
 */
export async function probeMp3(src: FileSource, start: number): Promise<AudioInfo> {
  const b = await src.read(start, 4096);
  const h = parseMp3FrameHeader(b, 0);
  if (!h) throw new AudioDecodeError('unreadable', 'MP3 frame header is invalid');
  let frames = 0;
  let framesExact = false;
  const x = 4 + h.sideInfoBytes;
  const tag = String.fromCharCode(...b.subarray(x, x + 4));
  if ((tag === 'Xing' || tag === 'Info') && b.length >= x + 12) {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const flags = v.getUint32(x + 4, false);
    if (flags & 1) {
      const mpegFrames = v.getUint32(x + 8, false);
      let lame =
        x + 8 + (flags & 1 ? 4 : 0) + (flags & 2 ? 4 : 0) + (flags & 4 ? 100 : 0) + (flags & 8 ? 4 : 0);
      let delay = 0;
      let padding = 0;
      if (
        lame + 24 <= b.length &&
        /^(LAME|Lavc|Lavf|GOGO)/.test(String.fromCharCode(...b.subarray(lame, lame + 4)))
      ) {
        lame += 21;
        delay = (b[lame]! << 4) | (b[lame + 1]! >> 4);
        padding = ((b[lame + 1]! & 0x0f) << 8) | b[lame + 2]!;
      }
      // mpg123 (gapless) also drops its own 529-sample decoder delay, which the LAME delay already includes
      // as the encoder/decoder convention; the audible length is frames*spf - delay - padding.
      frames = Math.max(0, mpegFrames * h.samplesPerFrame - delay - padding);
      framesExact = true;
    }
  }
  if (!framesExact) {
    const estimateFrames = Math.floor((src.size - start) / Math.max(1, h.frameBytes));
    frames = estimateFrames * h.samplesPerFrame;
  }
  return {
    format: 'mp3',
    encoding: 'mp3',
    sampleRate: h.sampleRate,
    channels: h.channels,
    bitsPerSample: null,
    durationS: frames / h.sampleRate,
    frames,
    framesExact,
    channelMask: 0,
  };
}

/**
 * MP3 through mpg123-decoder, fed in pieces (1 MiB by default; streaming, bounded memory). mpg123 always outputs two
 * channels, so a mono stream keeps only the first: measuring the duplicate would read 3 dB too loud.
 */
export class Mp3Reader implements AudioReader {
  constructor(
    private readonly src: FileSource,
    readonly info: AudioInfo,
    private readonly start: number,
    private readonly readBytes: number,
  ) {}

  async *chunks(): AsyncGenerator<Float32Array[], void, undefined> {
    const decoder = new MPEGDecoder();
    await decoder.ready;
    let decoded = 0;
    try {
      for (let pos = this.start; pos < this.src.size; pos += this.readBytes) {
        const bytes = await this.src.read(pos, this.readBytes);
        const out = decoder.decode(bytes);
        if (out.samplesDecoded > 0) {
          if (decoded === 0 && out.sampleRate && out.sampleRate !== this.info.sampleRate) {
            throw new AudioDecodeError(
              'unreadable',
              `MP3 decodes at ${out.sampleRate} Hz but its first frame declares ${this.info.sampleRate} Hz`,
            );
          }
          decoded += out.samplesDecoded;
          yield out.channelData.slice(0, this.info.channels).map((c) => c.subarray(0, out.samplesDecoded));
        }
      }
      if (decoded === 0) throw new AudioDecodeError('unreadable', 'MP3 stream contains no decodable frames');
      if (this.info.framesExact && decoded + 1152 < this.info.frames) {
        throw new AudioDecodeError(
          'truncated',
          `MP3 header declares ${this.info.frames} frames but only ${decoded} could be decoded (file cut short or damaged)`,
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
