/** Sample encodings of uncompressed PCM containers (WAV is little-endian, AIFF big-endian). */
export type PcmEncoding =
  | 'u8'
  | 's8'
  | 's16le'
  | 's16be'
  | 's24le'
  | 's24be'
  | 's32le'
  | 's32be'
  | 'f32le'
  | 'f32be'
  | 'f64le'
  | 'f64be';

export function pcmBytesPerSample(enc: PcmEncoding): number {
  switch (enc) {
    case 'u8':
    case 's8':
      return 1;
    case 's16le':
    case 's16be':
      return 2;
    case 's24le':
    case 's24be':
      return 3;
    case 'f64le':
    case 'f64be':
      return 8;
    default:
      return 4;
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Converts `frames` interleaved frames to planar Float32 at `out[c][outOffset + f]`.
 * Integers scale by 2^(bits-1), so -full scale is exactly -1.0 and +full scale is 1 - 2^(1-bits);
 * integers of up to 24 bits are exact in Float32, 32-bit integers and 64-bit floats round to nearest.
 */
export function deinterleavePcm(
  src: Uint8Array,
  frames: number,
  channels: number,
  enc: PcmEncoding,
  out: Float32Array[],
  outOffset = 0,
): void {
  const bps = pcmBytesPerSample(enc);
  const stride = bps * channels;
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!;
    let p = c * bps;
    const end = outOffset + frames;
    switch (enc) {
      case 'u8':
        for (let f = outOffset; f < end; f++, p += stride) dst[f] = (src[p]! - 128) * (1 / 128);
        break;
      case 's8':
        for (let f = outOffset; f < end; f++, p += stride) dst[f] = ((src[p]! << 24) >> 24) * (1 / 128);
        break;
      case 's16le':
        for (let f = outOffset; f < end; f++, p += stride) dst[f] = view.getInt16(p, true) * (1 / 32768);
        break;
      case 's16be':
        for (let f = outOffset; f < end; f++, p += stride) dst[f] = view.getInt16(p, false) * (1 / 32768);
        break;
      case 's24le':
        for (let f = outOffset; f < end; f++, p += stride) {
          dst[f] = (((src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16)) << 8) >> 8) * (1 / 8388608);
        }
        break;
      case 's24be':
        for (let f = outOffset; f < end; f++, p += stride) {
          dst[f] = (((src[p + 2]! | (src[p + 1]! << 8) | (src[p]! << 16)) << 8) >> 8) * (1 / 8388608);
        }
        break;
      case 's32le':
        for (let f = outOffset; f < end; f++, p += stride) dst[f] = view.getInt32(p, true) * (1 / 2147483648);
        break;
      case 's32be':
        for (let f = outOffset; f < end; f++, p += stride)
          dst[f] = view.getInt32(p, false) * (1 / 2147483648);
        break;
      case 'f32le':
        if (LITTLE_ENDIAN_HOST && (src.byteOffset & 3) === 0) {
          const f32 = new Float32Array(src.buffer, src.byteOffset, (src.byteLength >> 2) | 0);
          let q = c;
          for (let f = outOffset; f < end; f++, q += channels) dst[f] = f32[q]!;
        } else {
          for (let f = outOffset; f < end; f++, p += stride) dst[f] = view.getFloat32(p, true);
        }
        break;
      case 'f32be':
        for (let f = outOffset; f < end; f++, p += stride) dst[f] = view.getFloat32(p, false);
        break;
      case 'f64le':
        for (let f = outOffset; f < end; f++, p += stride) dst[f] = view.getFloat64(p, true);
        break;
      case 'f64be':
        for (let f = outOffset; f < end; f++, p += stride) dst[f] = view.getFloat64(p, false);
        break;
    }
  }
}
