import { AudioDecodeError } from './errors.js';
import type { FileSource } from './file-source.js';
import type { PcmEncoding } from './pcm.js';
import type { PcmLayout } from './wav.js';

const id4 = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/** Reads the chunk list of an AIFF/AIFC file: big-endian PCM, plus the AIFC `sowt`/`fl32`/`fl64` encodings. */
export async function parseAiff(src: FileSource): Promise<PcmLayout> {
  const head = await src.read(0, 12);
  const aifc = id4(head, 8) === 'AIFC';
  let pos = 12;
  let comm: DataView | undefined;
  let commBytes: Uint8Array | undefined;
  let dataOffset = -1;
  let dataAvailable = 0;
  while (pos + 8 <= src.size && (!comm || dataOffset < 0)) {
    const ch = await src.read(pos, 8);
    const id = id4(ch, 0);
    const size = new DataView(ch.buffer, ch.byteOffset, 8).getUint32(4, false);
    const body = pos + 8;
    if (id === 'COMM') {
      commBytes = await src.read(body, Math.min(size, 256));
      if (commBytes.length < 18) throw new AudioDecodeError('truncated', 'AIFF COMM chunk is incomplete');
      comm = new DataView(commBytes.buffer, commBytes.byteOffset, commBytes.byteLength);
    } else if (id === 'SSND') {
      const b = await src.read(body, 8);
      if (b.length < 8) throw new AudioDecodeError('truncated', 'AIFF SSND chunk is incomplete');
      const offset = new DataView(b.buffer, b.byteOffset, 8).getUint32(0, false);
      dataOffset = body + 8 + offset;
      dataAvailable = Math.max(0, Math.min(size - 8 - offset, src.size - dataOffset));
    }
    pos = body + size + (size % 2);
  }
  if (!comm || !commBytes) throw new AudioDecodeError('unreadable', 'AIFF file has no COMM chunk');
  const channels = comm.getInt16(0, false);
  const frames = comm.getUint32(2, false);
  const sampleSize = comm.getInt16(6, false);
  const sampleRate = Math.round(readExtended(commBytes, 8));
  let compression = 'NONE';
  if (aifc) {
    if (commBytes.length < 22) throw new AudioDecodeError('truncated', 'AIFC COMM chunk is incomplete');
    compression = id4(commBytes, 18);
  }
  if (channels < 1) throw new AudioDecodeError('unreadable', `AIFF declares ${channels} channels`);
  if (channels > 8)
    throw new AudioDecodeError(
      'unsupported_format',
      `AIFF has ${channels} channels; at most 8 are supported`,
    );
  if (!(sampleRate >= 1000 && sampleRate <= 768000)) {
    throw new AudioDecodeError('unreadable', `AIFF declares an implausible sample rate of ${sampleRate} Hz`);
  }
  let encoding: PcmEncoding;
  const bytes = Math.ceil(sampleSize / 8);
  if (compression === 'NONE' || compression === 'twos') {
    const byBytes: Record<number, PcmEncoding> = { 1: 's8', 2: 's16be', 3: 's24be', 4: 's32be' };
    const e = byBytes[bytes];
    if (!e)
      throw new AudioDecodeError(
        'unsupported_format',
        `AIFF with ${sampleSize}-bit samples is not supported`,
      );
    encoding = e;
  } else if (compression === 'sowt' && bytes === 2) {
    encoding = 's16le';
  } else if (compression === 'fl32' || compression === 'FL32') {
    encoding = 'f32be';
  } else if (compression === 'fl64' || compression === 'FL64') {
    encoding = 'f64be';
  } else {
    throw new AudioDecodeError('unsupported_format', `AIFC compression "${compression}" is not supported`);
  }
  const sampleBytes = encoding.startsWith('f64') ? 8 : encoding.startsWith('f32') ? 4 : bytes;
  const blockAlign = sampleBytes * channels;
  if (frames > 0 && dataOffset < 0)
    throw new AudioDecodeError('truncated', 'AIFF file ends before its SSND chunk');
  const declared = frames * blockAlign;
  if (declared > dataAvailable) {
    throw new AudioDecodeError(
      'truncated',
      `AIFF declares ${frames} frames (${declared} bytes) but only ${dataAvailable} bytes of sound data are present`,
    );
  }
  return {
    dataOffset: Math.max(dataOffset, 0),
    encoding,
    blockAlign,
    info: {
      format: 'aiff',
      encoding: encoding.startsWith('f') ? 'pcm_float' : 'pcm_int',
      sampleRate,
      channels,
      bitsPerSample: encoding.startsWith('f') ? sampleBytes * 8 : sampleSize,
      durationS: frames / sampleRate,
      frames,
      framesExact: true,
      channelMask: 0,
    },
  };
}

/** IEEE 754 80-bit extended (the AIFF sample-rate field), big-endian. */
function readExtended(b: Uint8Array, at: number): number {
  const sign = b[at]! & 0x80 ? -1 : 1;
  const exponent = ((b[at]! & 0x7f) << 8) | b[at + 1]!;
  let mantissa = 0;
  for (let i = 0; i < 8; i++) mantissa = mantissa * 256 + b[at + 2 + i]!;
  if (exponent === 0 && mantissa === 0) return 0;
  return sign * mantissa * 2 ** (exponent - 16383 - 63);
}
