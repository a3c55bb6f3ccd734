import { describe, expect, it } from 'vitest';
import { encodeWav } from './wav';

function readPcm(buf: ArrayBuffer) {
  const v = new DataView(buf);
  const tag = (at: number) => String.fromCharCode(...new Uint8Array(buf, at, 4));
  const channels = v.getUint16(22, true);
  const bits = v.getUint16(34, true);
  const dataBytes = v.getUint32(40, true);
  const frames = dataBytes / (channels * (bits / 8));
  const out = Array.from({ length: channels }, () => new Float64Array(frames));
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      let s: number;
      if (bits === 16) {
        s = v.getInt16(at, true);
        at += 2;
      } else {
        s = v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16);
        at += 3;
      }
      out[c]![i] = s / 2 ** (bits - 1);
    }
  }
  return {
    riff: tag(0),
    wave: tag(8),
    fmt: tag(12),
    data: tag(36),
    rate: v.getUint32(24, true),
    bits,
    channels,
    out,
    size: v.getUint32(4, true),
  };
}

describe('encodeWav', () => {
  it('writes 24-bit stereo PCM that reads back within one LSB, clipping overs', () => {
    const l = Float32Array.from([0, 0.5, -0.5, 1, -1, 1.5, -0.25]);
    const r = Float32Array.from([0.1, -0.1, 0.001, 0, 0, -2, 0.75]);
    const wav = encodeWav([l, r], 48000, 24);
    const p = readPcm(wav);
    expect([p.riff, p.wave, p.fmt, p.data]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect([p.rate, p.bits, p.channels, p.size]).toEqual([48000, 24, 2, wav.byteLength - 8]);
    const lsb = 1 / 2 ** 23;
    const clip = (x: number) => Math.max(-1, Math.min(1 - lsb, x));
    for (const [i, x] of l.entries()) expect(Math.abs(p.out[0]![i]! - clip(x))).toBeLessThanOrEqual(lsb);
    for (const [i, x] of r.entries()) expect(Math.abs(p.out[1]![i]! - clip(x))).toBeLessThanOrEqual(lsb);
  });

  it('writes 16-bit PCM', () => {
    const p = readPcm(encodeWav([Float32Array.from([0.25, -0.75])], 44100, 16));
    expect([p.bits, p.channels, p.rate]).toEqual([16, 1, 44100]);
    expect(Array.from(p.out[0]!)).toEqual([0.25, -0.75]);
  });
});
