import { describe, expect, it } from 'vitest';
import { kWeightingFilters } from './k-weighting.js';
import { analyze, sine, tone } from './test-support/signals.js';

const TOL = 0.1;

describe('[AU-5] K-weighting for any sample rate', () => {
  it('reproduces the BS.1770-4 48 kHz coefficient tables', () => {
    const { shelf, highPass } = kWeightingFilters(48000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 8);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 8);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 8);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 8);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 8);
    expect([highPass.b0, highPass.b1, highPass.b2]).toEqual([1, -2, 1]);
    expect(highPass.a1).toBeCloseTo(-1.99004745483398, 8);
    expect(highPass.a2).toBeCloseTo(0.99007225036621, 8);
  });

  // BS.2217-style: per-channel peaks of stereo sines that read -23 LKFS at 48 kHz (AUDIO-REFERENCE.md).
  const table: [number, number][] = [
    [25, -11.92],
    [100, -21.18],
    [500, -22.35],
    [997, -23.0],
    [1000, -23.01],
    [2000, -25.38],
    [10000, -26.35],
  ];
  for (const [freq, peak] of table) {
    it(`BS.2217 sine ${freq} Hz at ${peak} dBFS reads -23 LKFS, and 1 dB lower reads -24`, () => {
      const x = sine(freq, peak, 4);
      expect(Math.abs(analyze([x, x]).integratedLufs + 23)).toBeLessThanOrEqual(TOL);
      const y = sine(freq, peak - 1, 4);
      expect(Math.abs(analyze([y, y]).integratedLufs + 24)).toBeLessThanOrEqual(TOL);
    });
  }

  // With the 48 kHz table reused, a 1 kHz tone reads 0.21 dB off at 44.1 kHz and 0.66 dB at 96 kHz, and a
  // 25 Hz tone 1 dB / 10 dB off: both checks fail for a filter not designed for the rate.
  for (const fs of [44100, 96000]) {
    it(`case 1 at ${fs} Hz: stereo tone at -23 dBFS reads -23.0; 25 Hz at -11.92 dBFS reads -23.0`, () => {
      const x = tone(-23, 20, fs);
      const r = analyze([x, x], { sampleRate: fs });
      expect(Math.abs(r.integratedLufs + 23)).toBeLessThanOrEqual(TOL);
      expect(Math.abs(r.momentaryMaxLufs + 23)).toBeLessThanOrEqual(TOL);
      expect(Math.abs(r.shortTermMaxLufs + 23)).toBeLessThanOrEqual(TOL);
      const low = sine(25, -11.92, 4, fs);
      expect(Math.abs(analyze([low, low], { sampleRate: fs }).integratedLufs + 23)).toBeLessThanOrEqual(TOL);
    });
  }

  it('rates that are not multiples of 100 Hz (22050) keep exact 400 ms windows', () => {
    const x = tone(-23, 6, 22050);
    const r = analyze([x, x], { sampleRate: 22050 });
    expect(Math.abs(r.integratedLufs + 23)).toBeLessThanOrEqual(0.15);
    expect(Math.abs(r.momentaryMaxLufs - r.integratedLufs)).toBeLessThan(0.01);
  });
});
