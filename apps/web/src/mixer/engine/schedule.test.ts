import {
  addSection,
  addStem,
  gainAt,
  readMix,
  seedMixDocument,
  setMute,
  setSceneFader,
  setSectionOffset,
  setSolo,
  stemGainCurve,
} from '@mixroom/mix-model';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type AutomatableParam, ParamTimeline } from './param-timeline';
import { audibility, glideToCurve, levelCurves, rampAudible, sameCurve, scheduleCurve } from './schedule';

/** Records calls like an AudioParam would receive them. */
class FakeParam implements AutomatableParam {
  value = 1;
  calls: string[] = [];
  setValueAtTime(v: number, t: number) {
    this.calls.push(`set ${v.toFixed(4)} @${t.toFixed(3)}`);
  }
  linearRampToValueAtTime(v: number, t: number) {
    this.calls.push(`ramp ${v.toFixed(4)} @${t.toFixed(3)}`);
  }
  cancelScheduledValues(t: number) {
    this.calls.push(`cancel @${t.toFixed(3)}`);
  }
  cancelAndHoldAtTime(t: number) {
    this.calls.push(`hold @${t.toFixed(3)}`);
  }
}

function song() {
  const doc = new Y.Doc();
  seedMixDocument(doc, { title: 'Song', durationS: 60 });
  addSection(doc, { id: 'verse', label: 'Verse', kind: 'verse', startS: 0, endS: 20 });
  addSection(doc, { id: 'chorus', label: 'Chorus', kind: 'chorus', startS: 20, endS: 40 });
  addSection(doc, { id: 'outro', label: 'Outro', kind: 'outro', startS: 40, endS: 60 });
  addStem(doc, { id: 'gtr', fileId: 'f1', name: 'Rhythm gtr', clipGainDb: -3 });
  addStem(doc, { id: 'vox', fileId: 'f2', name: 'Vox' });
  setSectionOffset(doc, 'engineer', 'chorus', 'gtr', 6);
  setSectionOffset(doc, 'engineer', 'verse', 'vox', -4);
  setSceneFader(doc, 'engineer', 'vox', -2);
  return doc;
}

describe('ParamTimeline', () => {
  it('evaluates set and linear ramps with the Web Audio formulas', () => {
    const tl = new ParamTimeline(null, 1);
    tl.setValueAtTime(0.5, 1);
    tl.linearRampToValueAtTime(1, 2);
    tl.linearRampToValueAtTime(0, 4);
    expect(tl.valueAt(0)).toBe(1); // intrinsic value before the first event
    expect(tl.valueAt(1)).toBe(0.5);
    expect(tl.valueAt(1.5)).toBeCloseTo(0.75, 12);
    expect(tl.valueAt(3)).toBeCloseTo(0.5, 12);
    expect(tl.valueAt(10)).toBe(0);
  });

  it('holds a ramp in progress at its interpolated value and forwards cancelAndHoldAtTime', () => {
    const p = new FakeParam();
    const tl = new ParamTimeline(p, 1);
    tl.setValueAtTime(0, 0);
    tl.linearRampToValueAtTime(1, 1);
    tl.linearRampToValueAtTime(1, 5);
    expect(tl.cancelAndHoldAtTime(0.25)).toBeCloseTo(0.25, 12);
    expect(tl.list.map((e) => e.type)).toEqual(['set', 'ramp']);
    expect(tl.valueAt(0.1)).toBeCloseTo(0.1, 12); // the part before the hold is unchanged
    expect(tl.valueAt(3)).toBeCloseTo(0.25, 12);
    expect(p.calls.at(-1)).toBe('hold @0.250');
  });

  it('without cancelAndHoldAtTime it cancels and pins the held value', () => {
    const p = new FakeParam() as AutomatableParam & { calls: string[] };
    (p as { cancelAndHoldAtTime?: unknown }).cancelAndHoldAtTime = undefined;
    const tl = new ParamTimeline(p, 1);
    tl.setValueAtTime(0.2, 0);
    tl.linearRampToValueAtTime(0.4, 2);
    tl.cancelAndHoldAtTime(1);
    expect(p.calls.slice(-2)).toEqual(['cancel @1.000', 'set 0.3000 @1.000']);
  });

  it('prunes events that no longer matter without changing later values', () => {
    const tl = new ParamTimeline(null, 1);
    for (let i = 0; i < 10; i++) tl.linearRampToValueAtTime(i / 10, i);
    const before = [5.5, 7.25, 9, 20].map((t) => tl.valueAt(t));
    tl.prune(5.2);
    expect(tl.list.length).toBe(5);
    expect([5.5, 7.25, 9, 20].map((t) => tl.valueAt(t))).toEqual(before);
  });
});

describe('scheduling from the mix document', () => {
  it('[MM-18] a stem started at any song position follows gainAt of the mix-model curve', () => {
    const mix = readMix(song());
    const curves = levelCurves(mix, 'engineer');
    const gtr = curves.get('gtr')!;
    expect(sameCurve(gtr, stemGainCurve(mix, 'engineer', 'gtr'))).toBe(true);
    for (const fromS of [0, 12.345, 19.99, 33]) {
      const tl = new ParamTimeline(new FakeParam(), 1);
      const atTime = 100.5;
      scheduleCurve(tl, gtr, fromS, atTime);
      for (let s = fromS; s < 60; s += 0.0173) {
        expect(tl.valueAt(atTime + (s - fromS))).toBeCloseTo(gainAt(gtr, s), 9);
      }
    }
  });

  it('[MM-6] mute and solo stay out of the level curves and decide audibility', () => {
    const doc = song();
    setMute(doc, 'gtr', true);
    let mix = readMix(doc);
    expect(levelCurves(mix, 'engineer').get('gtr')![0]!.gain).toBeGreaterThan(0);
    expect(audibility(mix)).toEqual(
      new Map([
        ['gtr', false],
        ['vox', true],
      ]),
    );
    setSolo(doc, 'gtr', true);
    mix = readMix(doc);
    expect(audibility(mix)).toEqual(
      new Map([
        ['gtr', true],
        ['vox', false],
      ]),
    );
  });

  it('an unknown scene plays the default scene', () => {
    const mix = readMix(song());
    expect(sameCurve(levelCurves(mix, 'gone').get('vox'), levelCurves(mix, 'engineer').get('vox'))).toBe(
      true,
    );
  });

  it('a change while playing glides from the held value to the new curve and then follows it', () => {
    const doc = song();
    const old = levelCurves(readMix(doc), 'engineer').get('gtr')!;
    setSectionOffset(doc, 'engineer', 'chorus', 'gtr', -10);
    const next = levelCurves(readMix(doc), 'engineer').get('gtr')!;
    const tl = new ParamTimeline(new FakeParam(), 1);
    const start = 10; // context time of song position 0
    const songAt = (t: number) => t - start;
    scheduleCurve(tl, old, 0, start);
    const at = start + 25; // inside the chorus
    const heldBefore = tl.valueAt(at);
    glideToCurve(tl, next, at, songAt, 0.01);
    expect(tl.valueAt(at)).toBeCloseTo(heldBefore, 12);
    expect(tl.valueAt(at + 0.005)).toBeCloseTo((heldBefore + gainAt(next, 25.01)) / 2, 9);
    for (let s = 25.01; s < 60; s += 0.0291) expect(tl.valueAt(start + s)).toBeCloseTo(gainAt(next, s), 9);
  });

  it('muting ramps over a few milliseconds instead of stepping', () => {
    const tl = new ParamTimeline(new FakeParam(), 1);
    tl.setValueAtTime(1, 0);
    rampAudible(tl, false, 2, 0.005);
    expect(tl.valueAt(2)).toBe(1);
    expect(tl.valueAt(2.0025)).toBeCloseTo(0.5, 9);
    expect(tl.valueAt(2.005)).toBe(0);
  });
});
