import { AudioDecodeError } from './errors.js';
import type { FileSource } from './file-source.js';
import type { PcmEncoding } from './pcm.js';
import type { AudioInfo } from './types.js';

/** Where the PCM samples of an uncompressed file live and how they are encoded. */
export interface PcmLayout {
  info: AudioInfo;
  dataOffset: number;
  encoding: PcmEncoding;
  blockAlign: number;
}

const MAX_CHANNELS = 8;
const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const UNKNOWN_SIZE = 0xffffffff;
const KNOWN_TAGS = new Map<number, string>([
  [0x0002, 'MS ADPCM'],
  [0x0006, 'A-law'],
  [0x0007, 'mu-law'],
  [0x0011, 'IMA ADPCM'],
  [0x0050, 'MPEG'],
  [0x0055, 'MPEG layer 3'],
]);

const id4 = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/**
 * Reads the RIFF/RF64 chunk list of a WAV file (without loading the samples) and validates that the data
 * chunk is complete. Sizes in RF64/BW64 files come from the ds64 chunk, so files over 4 GiB work.
 */
export async function parseWav(src: FileSource): Promise<PcmLayout> {
  const head = await src.read(0, 12);
  const rf64 = id4(head, 0) === 'RF64' || id4(head, 0) === 'BW64';
  let pos = 12;
  let fmt: Uint8Array | undefined;
  let dataOffset = -1;
  let dataSize = -1;
  let ds64DataSize = -1;
  while (pos + 8 <= src.size) {
    const ch = await src.read(pos, 8);
    const id = id4(ch, 0);
    const size = new DataView(ch.buffer, ch.byteOffset, 8).getUint32(4, true);
    const body = pos + 8;
    if (id === 'ds64') {
      const b = await src.read(body, Math.min(size, 28));
      if (b.length >= 16) {
        const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
        ds64DataSize = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
      }
    } else if (id === 'fmt ') {
      if (size > 65536)
        throw new AudioDecodeError('unreadable', `WAV fmt chunk declares an implausible ${size} bytes`);
      fmt = await src.read(body, size);
      if (fmt.length < size) {
        throw new AudioDecodeError(
          'truncated',
          `WAV fmt chunk declares ${size} bytes but only ${fmt.length} are present`,
        );
      }
    } else if (id === 'data') {
      dataOffset = body;
      dataSize = rf64 && size === UNKNOWN_SIZE && ds64DataSize >= 0 ? ds64DataSize : size;
      if (fmt) break;
    }
    const skip = id === 'data' ? dataSize : size;
    pos = body + skip + (skip % 2);
  }
  if (!fmt) {
    if (src.size < 44)
      throw new AudioDecodeError('truncated', `WAV file is only ${src.size} bytes; its header is incomplete`);
    throw new AudioDecodeError('unreadable', 'WAV file has no fmt chunk');
  }
  const f = parseFmt(fmt);
  if (dataOffset < 0) throw new AudioDecodeError('truncated', 'WAV file ends before its data chunk');
  const present = src.size - dataOffset;
  if (dataSize === UNKNOWN_SIZE && !rf64) {
    // Writers streaming to a pipe cannot seek back to fill in the size: the data runs to the end of the file.
    dataSize = present - (present % f.blockAlign);
  }
  if (dataSize > present) {
    throw new AudioDecodeError(
      'truncated',
      `WAV data chunk declares ${dataSize} bytes but only ${present} are present`,
    );
  }
  const frames = Math.floor(dataSize / f.blockAlign);
  return {
    dataOffset,
    encoding: f.encoding,
    blockAlign: f.blockAlign,
    info: {
      format: 'wav',
      encoding: f.encoding.startsWith('f') ? 'pcm_float' : 'pcm_int',
      sampleRate: f.sampleRate,
      channels: f.channels,
      bitsPerSample: f.bitsPerSample,
      durationS: frames / f.sampleRate,
      frames,
      framesExact: true,
      channelMask: f.channelMask,
    },
  };
}

interface Fmt {
  encoding: PcmEncoding;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
  channelMask: number;
}

function parseFmt(fmt: Uint8Array): Fmt {
  if (fmt.length < 16)
    throw new AudioDecodeError('unreadable', `WAV fmt chunk is ${fmt.length} bytes, expected at least 16`);
  const v = new DataView(fmt.buffer, fmt.byteOffset, fmt.byteLength);
  let tag = v.getUint16(0, true);
  const channels = v.getUint16(2, true);
  const sampleRate = v.getUint32(4, true);
  const blockAlign = v.getUint16(12, true);
  const containerBits = v.getUint16(14, true);
  let bitsPerSample = containerBits;
  let channelMask = 0;
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (fmt.length < 40) {
      throw new AudioDecodeError(
        'unreadable',
        `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${fmt.length} bytes, expected 40`,
      );
    }
    const valid = v.getUint16(18, true);
    if (valid > 0) bitsPerSample = valid;
    channelMask = v.getUint32(20, true);
    tag = v.getUint16(24, true); // first two bytes of the SubFormat GUID carry the format tag
  }
  if (channels === 0) throw new AudioDecodeError('unreadable', 'WAV fmt chunk declares 0 channels');
  if (channels > MAX_CHANNELS) {
    throw new AudioDecodeError(
      'unsupported_format',
      `WAV has ${channels} channels; at most ${MAX_CHANNELS} are supported`,
    );
  }
  if (sampleRate < 1000 || sampleRate > 768000) {
    throw new AudioDecodeError('unreadable', `WAV declares an implausible sample rate of ${sampleRate} Hz`);
  }
  if (blockAlign === 0 || blockAlign % channels !== 0) {
    throw new AudioDecodeError(
      'unreadable',
      `WAV block align ${blockAlign} does not fit ${channels} channels`,
    );
  }
  const bytes = blockAlign / channels;
  if (bitsPerSample > bytes * 8 || bitsPerSample === 0) {
    throw new AudioDecodeError(
      'unreadable',
      `WAV declares ${bitsPerSample}-bit samples in ${bytes}-byte containers`,
    );
  }
  let encoding: PcmEncoding;
  if (tag === WAVE_FORMAT_PCM) {
    const byBytes: Record<number, PcmEncoding> = { 1: 'u8', 2: 's16le', 3: 's24le', 4: 's32le' };
    const e = byBytes[bytes];
    if (!e)
      throw new AudioDecodeError(
        'unsupported_format',
        `WAV integer PCM with ${bytes * 8}-bit containers is not supported`,
      );
    encoding = e;
  } else if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bytes !== 4 && bytes !== 8) {
      throw new AudioDecodeError(
        'unsupported_format',
        `WAV float PCM with ${bytes * 8}-bit samples is not supported`,
      );
    }
    encoding = bytes === 4 ? 'f32le' : 'f64le';
  } else {
    const name = KNOWN_TAGS.has(tag) ? ` (${KNOWN_TAGS.get(tag)})` : '';
    throw new AudioDecodeError(
      'unsupported_format',
      `WAV encoding 0x${tag.toString(16).padStart(4, '0')}${name} is not supported; only PCM and IEEE float are`,
    );
  }
  return { encoding, channels, sampleRate, blockAlign, bitsPerSample, channelMask };
}
