export interface Mp3FrameHeader {
  version: 1 | 2 | 2.5;
  sampleRate: number;
  channels: 1 | 2;
  bitrateKbps: number;
  samplesPerFrame: number;
  frameBytes: number;
  /** Bytes of side information after the 4-byte header (where a Xing/Info tag starts). */
  sideInfoBytes: number;
}

const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** Parses an MPEG-1/2/2.5 layer III frame header at `at`; null when the bytes are not one. */
export function parseMp3FrameHeader(b: Uint8Array, at: number): Mp3FrameHeader | null {
  if (at + 4 > b.length) return null;
  const b1 = b[at + 1]!;
  const b2 = b[at + 2]!;
  const b3 = b[at + 3]!;
  if (b[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  if (versionBits === 1 || layerBits !== 1) return null; // reserved version, or not layer III
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null; // free format unsupported
  const v1 = versionBits === 3;
  const sampleRate = RATES[versionBits]![rateIndex]!;
  const bitrateKbps = (v1 ? BITRATES_V1_L3 : BITRATES_V2_L3)[bitrateIndex]!;
  const padding = (b2 >> 1) & 1;
  const channels = b3 >> 6 === 3 ? 1 : 2;
  const samplesPerFrame = v1 ? 1152 : 576;
  const frameBytes = Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + padding;
  const sideInfoBytes = v1 ? (channels === 1 ? 17 : 32) : channels === 1 ? 9 : 17;
  return {
    version: v1 ? 1 : versionBits === 2 ? 2 : 2.5,
    sampleRate,
    channels,
    bitrateKbps,
    samplesPerFrame,
    frameBytes,
    sideInfoBytes,
  };
}
