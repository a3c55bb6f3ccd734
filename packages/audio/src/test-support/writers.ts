/** Test-only encoders for WAV and AIFF, written independently of the decoder. */
export interface WavSpec {
  sampleRate: number;
  /** 'pcm' takes integer codes (signed; 8-bit is stored offset by 128), 'float' takes samples. */
  format: 'pcm' | 'float';
  bits: 8 | 16 | 24 | 32 | 64;
  extensible?: boolean;
  validBits?: number;
  channelMask?: number;
  /** Extra chunks placed before fmt (e.g. a LIST/JUNK chunk) to prove the parser walks chunks. */
  junkBefore?: number;
}

export function encodeWav(planar: ArrayLike<number>[], spec: WavSpec): Uint8Array {
  const ch = planar.length;
  const frames = planar[0]?.length ?? 0;
  const bytes = spec.bits / 8;
  const dataBytes = frames * ch * bytes;
  const fmtBytes = spec.extensible ? 40 : 16;
  const junk = spec.junkBefore ?? 0;
  const junkChunk = junk > 0 ? 8 + junk + (junk % 2) : 0;
  const total = 12 + junkChunk + 8 + fmtBytes + 8 + dataBytes + (dataBytes % 2);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const str = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  str(0, 'RIFF');
  v.setUint32(4, total - 8, true);
  str(8, 'WAVE');
  let p = 12;
  if (junk > 0) {
    str(p, 'JUNK');
    v.setUint32(p + 4, junk, true);
    p += junkChunk;
  }
  str(p, 'fmt ');
  v.setUint32(p + 4, fmtBytes, true);
  const tag = spec.format === 'pcm' ? 1 : 3;
  v.setUint16(p + 8, spec.extensible ? 0xfffe : tag, true);
  v.setUint16(p + 10, ch, true);
  v.setUint32(p + 12, spec.sampleRate, true);
  v.setUint32(p + 16, spec.sampleRate * ch * bytes, true);
  v.setUint16(p + 20, ch * bytes, true);
  v.setUint16(p + 22, spec.bits, true);
  if (spec.extensible) {
    v.setUint16(p + 24, 22, true);
    v.setUint16(p + 26, spec.validBits ?? spec.bits, true);
    v.setUint32(p + 28, spec.channelMask ?? 0, true);
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000X-0000-0010-8000-00aa00389b71}
    v.setUint16(p + 32, tag, true);
    out.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], p + 34);
  }
  p += 8 + fmtBytes;
  str(p, 'data');
  v.setUint32(p + 4, dataBytes, true);
  p += 8;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < ch; c++) {
      const x = planar[c]![f]!;
      if (spec.format === 'float') {
        if (spec.bits === 32) v.setFloat32(p, x, true);
        else v.setFloat64(p, x, true);
      } else if (spec.bits === 8) v.setUint8(p, x + 128);
      else if (spec.bits === 16) v.setInt16(p, x, true);
      else if (spec.bits === 24) {
        v.setUint8(p, x & 0xff);
        v.setUint8(p + 1, (x >> 8) & 0xff);
        v.setUint8(p + 2, (x >> 16) & 0xff);
      } else v.setInt32(p, x, true);
      p += bytes;
    }
  }
  return out;
}

/** AIFF (big-endian integer) or AIFC ('sowt' 16-bit little-endian, 'fl32' float) writer. */
export function encodeAiff(
  planar: ArrayLike<number>[],
  sampleRate: number,
  bits: 8 | 16 | 24 | 32,
  compression: 'NONE' | 'sowt' | 'fl32' = 'NONE',
): Uint8Array {
  const ch = planar.length;
  const frames = planar[0]?.length ?? 0;
  const bytes = compression === 'fl32' ? 4 : bits / 8;
  const aifc = compression !== 'NONE';
  const commBytes = aifc ? 18 + 4 + 2 : 18;
  const dataBytes = frames * ch * bytes;
  const total = 12 + (aifc ? 12 : 0) + 8 + commBytes + 8 + 8 + dataBytes;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const str = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  str(0, 'FORM');
  v.setUint32(4, total - 8);
  str(8, aifc ? 'AIFC' : 'AIFF');
  let p = 12;
  if (aifc) {
    str(p, 'FVER');
    v.setUint32(p + 4, 4);
    v.setUint32(p + 8, 0xa2805140);
    p += 12;
  }
  str(p, 'COMM');
  v.setUint32(p + 4, commBytes);
  v.setInt16(p + 8, ch);
  v.setUint32(p + 10, frames);
  v.setInt16(p + 14, compression === 'fl32' ? 32 : bits);
  // 80-bit extended sample rate.
  const e = Math.floor(Math.log2(sampleRate));
  v.setUint16(p + 16, 16383 + e);
  const mant = sampleRate / 2 ** e; // in [1, 2)
  v.setUint32(p + 18, Math.floor(mant * 2 ** 31));
  v.setUint32(p + 22, 0);
  if (aifc) {
    str(p + 26, compression);
    v.setUint16(p + 30, 0); // empty pascal string (+ pad)
  }
  p += 8 + commBytes;
  str(p, 'SSND');
  v.setUint32(p + 4, 8 + dataBytes);
  v.setUint32(p + 8, 0);
  v.setUint32(p + 12, 0);
  p += 16;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < ch; c++) {
      const x = planar[c]![f]!;
      if (compression === 'fl32') v.setFloat32(p, x);
      else if (compression === 'sowt') v.setInt16(p, x, true);
      else if (bits === 8) v.setInt8(p, x);
      else if (bits === 16) v.setInt16(p, x);
      else if (bits === 24) {
        v.setUint8(p, (x >> 16) & 0xff);
        v.setUint8(p + 1, (x >> 8) & 0xff);
        v.setUint8(p + 2, x & 0xff);
      } else v.setInt32(p, x);
      p += bytes;
    }
  }
  return out;
}
