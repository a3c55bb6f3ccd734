import { addSection, addStem, readMix, seedMixDocument, setSectionOffset } from '@mixroom/mix-model';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { blockPowers, estimateSceneLoudness, integratedLoudness, matchGainsDb } from './loudness';
import { audibility, levelCurves } from './schedule';

const SR = 48000;
/** Stereo 1 kHz tone with a per-channel peak of `peakDb` dBFS. */
function tone(peakDb: number, seconds: number, freq = 1000): Float32Array[] {
  const a = 10 ** (peakDb / 20);
  const x = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < x.length; i++) x[i] = a * Math.sin((2 * Math.PI * freq * i) / SR);
  return [x, x.slice()];
}
const now = async () => undefined;

describe('loudness (BS.1770-4 at 100 ms hops)', () => {
  it('EBU Tech 3341 case 1: a stereo tone at -23 dBFS reads -23.0 LUFS', async () => {
    const blocks = await blockPowers(tone(-23, 20), SR, { yieldFn: now });
    expect(integratedLoudness(blocks)).toBeCloseTo(-23, 1);
  });

  it('EBU Tech 3341 case 3: gating ignores the quiet ends (-36 / -23 / -36 reads -23.0)', async () => {
    const parts = [tone(-36, 10), tone(-23, 60), tone(-36, 10)];
    const joined = [0, 1].map((c) => {
      const out = new Float32Array(parts.reduce((n, p) => n + p[c]!.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p[c]!, at);
        at += p[c]!.length;
      }
      return out;
    });
    const blocks = await blockPowers(joined, SR, { yieldFn: now, sliceMs: 1 });
    expect(integratedLoudness(blocks)).toBeCloseTo(-23, 1);
  });

  it('silence has no loudness', () => {
    expect(integratedLoudness(new Float64Array(100))).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('scene loudness estimate', () => {
  function doc() {
    const d = new Y.Doc();
    seedMixDocument(d, { title: 'S', durationS: 20 });
    addSection(d, { id: 'a', label: 'Verse', kind: 'verse', startS: 0, endS: 10 });
    addSection(d, { id: 'b', label: 'Chorus', kind: 'chorus', startS: 10, endS: 20 });
    addStem(d, { id: 'x', fileId: 'f1', name: 'X' });
    addStem(d, { id: 'y', fileId: 'f2', name: 'Y' });
    return d;
  }

  it('follows the scene: +6 dB on one of two equal stems over the whole song adds 10·log10((4+1)/2) dB', async () => {
    const d = doc();
    const blocks = await blockPowers(tone(-23, 20), SR, { yieldFn: now });
    const stems = new Map([
      ['x', blocks],
      ['y', blocks],
    ]);
    const flat = readMix(d);
    const before = estimateSceneLoudness(stems, levelCurves(flat, 'engineer'), audibility(flat));
    expect(before).toBeCloseTo(-23 + 10 * Math.log10(2), 1); // two uncorrelated equal stems: +3 dB
    setSectionOffset(d, 'engineer', 'a', 'x', 6.0206);
    setSectionOffset(d, 'engineer', 'b', 'x', 6.0206);
    const loud = readMix(d);
    const after = estimateSceneLoudness(stems, levelCurves(loud, 'engineer'), audibility(loud));
    expect(after - before).toBeCloseTo(10 * Math.log10(5 / 2), 1);
  });

  it('matching turns the louder side down and never up', () => {
    expect(matchGainsDb(-14, -18)).toEqual([-4, 0]);
    expect(matchGainsDb(-20, -18)).toEqual([0, -2]);
    expect(matchGainsDb(null, -18)).toEqual([0, 0]);
  });
});
