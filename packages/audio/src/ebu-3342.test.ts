import { describe, expect, it } from 'vitest';
import { analyze, concat, tone } from './test-support/signals.js';

// EBU Tech 3342 cases 1-4 (20 s stereo tone segments), tolerance ±1 LU.
const lra = (...levels: number[]) => {
  const x = concat(...levels.map((l) => tone(l, 20)));
  return analyze([x, x]).loudnessRangeLu;
};

describe('[AU-8] EBU Tech 3342 loudness range', () => {
  it('case 1: -20 then -30 -> LRA 10', () => expect(Math.abs(lra(-20, -30) - 10)).toBeLessThanOrEqual(1));
  it('case 2: -20 then -15 -> LRA 5', () => expect(Math.abs(lra(-20, -15) - 5)).toBeLessThanOrEqual(1));
  it('case 3: -40 then -20 -> LRA 20', () => expect(Math.abs(lra(-40, -20) - 20)).toBeLessThanOrEqual(1));
  it('case 4: -50, -35, -20, -35, -50 -> LRA 15', () => {
    expect(Math.abs(lra(-50, -35, -20, -35, -50) - 15)).toBeLessThanOrEqual(1);
  });
  it('a steady tone has LRA 0, and a file shorter than 3 s has no short-term values: 0', () => {
    expect(lra(-23)).toBe(0);
    const x = tone(-23, 2);
    expect(analyze([x, x]).loudnessRangeLu).toBe(0);
  });
});
