import { describe, expect, it } from 'vitest';
import {
  analyze,
  analyzeStereoWithMeter,
  concat,
  FS,
  repeat,
  silence,
  tone,
} from './test-support/signals.js';

// EBU Tech 3341 cases as AUDIO-REFERENCE.md defines them (48 kHz, 1 kHz stereo tones). Tolerance ±0.1 LU.
const TOL = 0.1;
const stereo = (x: Float32Array) => analyze([x, x]);

describe('EBU Tech 3341 loudness cases', () => {
  it('[AU-6][AU-7] case 1: stereo tone at -23 dBFS, 20 s -> M, S, I = -23.0', () => {
    const r = stereo(tone(-23, 20));
    expect(r.integratedLufs).toBeCloseTo(-23, 1);
    expect(Math.abs(r.momentaryMaxLufs + 23)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(r.shortTermMaxLufs + 23)).toBeLessThanOrEqual(TOL);
  });

  it('[AU-6][AU-7] case 2: stereo tone at -33 dBFS, 20 s -> M, S, I = -33.0', () => {
    const r = stereo(tone(-33, 20));
    expect(Math.abs(r.integratedLufs + 33)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(r.momentaryMaxLufs + 33)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(r.shortTermMaxLufs + 33)).toBeLessThanOrEqual(TOL);
  });

  it('[AU-7] case 3: -36 / -23 / -36 (10, 60, 10 s) -> I = -23.0 (relative gate removes the -36 parts)', () => {
    const r = stereo(concat(tone(-36, 10), tone(-23, 60), tone(-36, 10)));
    expect(Math.abs(r.integratedLufs + 23)).toBeLessThanOrEqual(TOL);
  });

  it('[AU-7] case 4: -72 / -36 / -23 / -36 / -72 -> I = -23.0 (absolute and relative gates)', () => {
    const r = stereo(concat(tone(-72, 10), tone(-36, 10), tone(-23, 60), tone(-36, 10), tone(-72, 10)));
    expect(Math.abs(r.integratedLufs + 23)).toBeLessThanOrEqual(TOL);
  });

  it('[AU-7] case 5: -26 20 s, -20 20.1 s, -26 20 s -> I = -23.0', () => {
    const r = stereo(concat(tone(-26, 20), tone(-20, 20.1), tone(-26, 20)));
    expect(Math.abs(r.integratedLufs + 23)).toBeLessThanOrEqual(TOL);
  });

  it('[AU-9] case 6: 5.0 channels L, R -28; C -24; Ls, Rs -30 (surround weight 1.41) -> I = -23.0', () => {
    const lr = tone(-28, 20);
    const c = tone(-24, 20);
    const s = tone(-30, 20);
    const r = analyze([lr, lr, c, s, s]);
    expect(Math.abs(r.integratedLufs + 23)).toBeLessThanOrEqual(TOL);
  });

  it('[AU-6] case 9: (1.34 s at -20, 1.66 s at -30) x 5 -> S = -23.0, constant after 3 s', () => {
    const x = repeat(concat(tone(-20, 1.34), tone(-30, 1.66)), 5);
    const { shortTerm, times } = analyzeStereoWithMeter(x);
    const after = shortTerm.filter((_, i) => times[i]! >= 3);
    expect(after.length).toBeGreaterThan(1000);
    for (const s of after) expect(Math.abs(s + 23)).toBeLessThanOrEqual(TOL);
  });

  it('[AU-6] case 10: i x 0.15 s silence, 3 s at -23, 1 s silence (i = 0..19) -> max S = -23.0 in each', () => {
    for (let i = 0; i < 20; i++) {
      const r = stereo(concat(silence(i * 0.15), tone(-23, 3), silence(1)));
      expect(Math.abs(r.shortTermMaxLufs + 23), `file ${i}`).toBeLessThanOrEqual(TOL);
    }
  });

  it('[AU-6] case 11: one file of 20 segments, 3 s tones at -38 + i -> successive max S -38 ... -19', () => {
    const segments = Array.from({ length: 20 }, (_, i) =>
      concat(silence(i * 0.15), tone(-38 + i, 3), silence(3 - i * 0.15)),
    );
    const { shortTerm, times } = analyzeStereoWithMeter(concat(...segments));
    for (let i = 0; i < 20; i++) {
      // Windows ending in [6i + 3, 6i + 6] see only segment i.
      const max = Math.max(
        ...shortTerm.filter((_, k) => times[k]! >= 6 * i + 3 - 1e-9 && times[k]! <= 6 * i + 6 + 1e-9),
      );
      expect(Math.abs(max - (-38 + i)), `segment ${i}`).toBeLessThanOrEqual(TOL);
    }
  });

  it('[AU-6] case 12: (0.18 s at -20, 0.22 s at -30) x 25 -> M = -23.0, constant after 1 s', () => {
    const x = repeat(concat(tone(-20, 0.18), tone(-30, 0.22)), 25);
    const { momentary, times } = analyzeStereoWithMeter(x);
    const after = momentary.filter((_, i) => times[i]! >= 1);
    expect(after.length).toBeGreaterThan(800);
    for (const m of after) expect(Math.abs(m + 23)).toBeLessThanOrEqual(TOL);
  });

  it('[AU-6] case 13: i x 20 ms silence, 400 ms at -23, 1 s silence (i = 0..19) -> max M = -23.0 in each', () => {
    for (let i = 0; i < 20; i++) {
      const r = stereo(concat(silence(i * 0.02), tone(-23, 0.4), silence(1)));
      expect(Math.abs(r.momentaryMaxLufs + 23), `file ${i}`).toBeLessThanOrEqual(TOL);
    }
  });

  it('[AU-6] case 14: one file of 20 segments, 400 ms tones at -38 + i -> successive max M -38 ... -19', () => {
    const segments = Array.from({ length: 20 }, (_, i) =>
      concat(silence(i * 0.02), tone(-38 + i, 0.4), silence(0.4 - i * 0.02)),
    );
    const { momentary, times } = analyzeStereoWithMeter(concat(...segments));
    for (let i = 0; i < 20; i++) {
      const max = Math.max(
        ...momentary.filter((_, k) => times[k]! >= 0.8 * i + 0.4 - 1e-9 && times[k]! <= 0.8 * i + 0.8 + 1e-9),
      );
      expect(Math.abs(max - (-38 + i)), `segment ${i}`).toBeLessThanOrEqual(TOL);
    }
  });

  it('[AU-6] case 13 needs 10 ms hops: a 100 ms hop grid would read up to 0.5 LU low', () => {
    // 400 ms tone starting 50 ms into the file: no 100 ms-aligned window holds all of it.
    const { momentary, times } = analyzeStereoWithMeter(concat(silence(0.05), tone(-23, 0.4), silence(1)));
    const onGrid = momentary.filter((_, k) => Math.abs(times[k]! * 10 - Math.round(times[k]! * 10)) < 1e-9);
    expect(Math.max(...onGrid)).toBeLessThan(-23.3);
    expect(Math.abs(Math.max(...momentary) + 23)).toBeLessThanOrEqual(TOL);
  });

  it('calibration: 1 kHz stereo tone at -18 dBFS peak reads -18.0 LUFS', () => {
    const r = stereo(tone(-18, 5));
    expect(Math.abs(r.integratedLufs + 18)).toBeLessThanOrEqual(TOL);
    expect(r.sampleRate).toBe(FS);
  });
});
