import { describe, expect, it } from 'vitest';
import { biquadPower, kWeightingStages } from './kweighting';
import {
  chainPower,
  filterCoefficients,
  makeupGainDb,
  PLAYBACK_SYSTEM_IDS,
  PLAYBACK_SYSTEMS,
  webAudioQ,
} from './playback-systems';

const db = (p: number) => 10 * Math.log10(p);

describe('K-weighting', () => {
  it('at 48 kHz matches the BS.1770-4 coefficient table', () => {
    const [shelf, hp] = kWeightingStages(48000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 10);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 10);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 10);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 10);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 10);
    expect(hp.a1).toBeCloseTo(-1.99004745483398, 10);
    expect(hp.a2).toBeCloseTo(0.99007225036621, 10);
  });

  it('gives +0.698 dB at 1 kHz and +0.691 dB at 997 Hz (AUDIO-REFERENCE)', () => {
    const [shelf, hp] = kWeightingStages(48000);
    const k = (f: number) => db(biquadPower(shelf, f, 48000) * biquadPower(hp, f, 48000));
    expect(k(1000)).toBeCloseTo(0.698, 2);
    expect(k(997)).toBeCloseTo(0.691, 2);
  });
});

describe('playback systems', () => {
  it('peaking and shelf filters reach their gains as the Web Audio formulas define them', () => {
    const peak = filterCoefficients({ type: 'peaking', frequency: 2500, q: 1.2, gainDb: 5 }, 48000);
    expect(db(biquadPower(peak, 2500, 48000))).toBeCloseTo(5, 6);
    const low = filterCoefficients({ type: 'lowshelf', frequency: 90, gainDb: 6 }, 48000);
    expect(db(biquadPower(low, 10, 48000))).toBeCloseTo(6, 1);
    expect(db(biquadPower(low, 90, 48000))).toBeCloseTo(3, 1); // shelf midpoint
    const hp = filterCoefficients({ type: 'highpass', frequency: 450, q: Math.SQRT1_2 }, 48000);
    expect(db(biquadPower(hp, 450, 48000))).toBeCloseTo(-3.01, 1); // Butterworth corner
    expect(webAudioQ({ type: 'highpass', frequency: 450, q: Math.SQRT1_2 })).toBeCloseTo(-3.01, 2);
    expect(webAudioQ({ type: 'peaking', frequency: 450, q: 1.2 })).toBe(1.2);
  });

  it('the studio monitors are flat and need no make-up gain', () => {
    expect(makeupGainDb(PLAYBACK_SYSTEMS.studio)).toBe(0);
    expect(chainPower(PLAYBACK_SYSTEMS.studio, 1234)).toBe(1);
  });

  it('every system with its make-up gain has the K-weighted pink-noise loudness of the flat reference', () => {
    const [shelf, hp] = kWeightingStages(48000);
    for (const id of PLAYBACK_SYSTEM_IDS) {
      const system = PLAYBACK_SYSTEMS[id];
      const makeup = 10 ** (makeupGainDb(system) / 10);
      let num = 0;
      let den = 0;
      // An independent grid (1/12 octave, 25 Hz .. 19 kHz) so the check is not the computation replayed.
      for (let f = 25; f < 19000; f *= 2 ** (1 / 12)) {
        const k = biquadPower(shelf, f, 48000) * biquadPower(hp, f, 48000);
        num += chainPower(system, f) * makeup * k;
        den += k;
      }
      expect(Math.abs(db(num / den)), id).toBeLessThan(0.1);
    }
  });

  it('the simulated systems really colour the sound: a phone has no bass, a car has more of it', () => {
    const rel = (id: keyof typeof PLAYBACK_SYSTEMS, f: number) =>
      db(chainPower(PLAYBACK_SYSTEMS[id], f)) + makeupGainDb(PLAYBACK_SYSTEMS[id]);
    expect(rel('phone', 80)).toBeLessThan(-30);
    expect(rel('laptop', 60)).toBeLessThan(-20);
    expect(rel('car', 60)).toBeGreaterThan(rel('studio', 60) + 2);
    expect(PLAYBACK_SYSTEMS.phone.mono).toBe(true);
  });
});
