import { lcg } from './signals.js';

/**
 * Integer PCM for the committed FLAC fixtures: a triangle wave plus a little LCG noise, integer-only so it
 * regenerates bit-identically anywhere. Channel c uses a different period and level, so a swap is caught.
 */
export function fixturePcm(frames: number, channels: number, bits: 16 | 24): Int32Array[] {
  const next = lcg(2024);
  const full = 2 ** (bits - 1);
  return Array.from({ length: channels }, (_, c) => {
    const period = 100 + 37 * c;
    const amp = Math.floor(full / (2 + c)) - 64;
    const out = new Int32Array(frames);
    for (let i = 0; i < frames; i++) {
      const ph = i % period;
      const tri = ph < period / 2 ? (4 * ph) / period - 1 : 3 - (4 * ph) / period;
      out[i] = Math.round(tri * amp) + ((next() >>> 28) - 8);
    }
    return out;
  });
}

export const FLAC_FIXTURES = [
  { file: 'stereo-16bit-44k1.flac', sampleRate: 44100, channels: 2, bits: 16, frames: 4410 },
  { file: 'mono-24bit-48k.flac', sampleRate: 48000, channels: 1, bits: 24, frames: 4800 },
] as const;

/** MP3 fixtures: 1 kHz at -6 dBFS on the left (and mono), 500 Hz at -12 dBFS on the right. */
export const MP3_FIXTURES = [
  { file: 'stereo-44k1.mp3', sampleRate: 44100, channels: 2, durationS: 0.5 },
  { file: 'mono-22k05.mp3', sampleRate: 22050, channels: 1, durationS: 0.5 },
] as const;
