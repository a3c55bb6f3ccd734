import { describe, expect, it } from 'vitest';
import { DEFAULT_RAMP_S } from './constants.js';
import {
  type AutomationEvent,
  automationEvents,
  dbToGain,
  type GainCurve,
  gainAt,
  gainDbAt,
  gainToDb,
  panGains,
  scheduleGainCurve,
  stemGainCurve,
  stereoPanMatrix,
} from './gain.js';
import { MixModelError } from './errors.js';
import {
  createScene,
  setClipGain,
  setFader,
  setMute,
  setSceneFader,
  setSectionOffset,
  setSolo,
} from './ops.js';
import { readMix } from './read.js';
import { demoDoc } from './test-support/fixtures.js';
import { ROOT } from './constants.js';
import type * as Y from 'yjs';

/**
 * Web Audio's AudioParam automation, as the spec defines it for setValueAtTime and
 * linearRampToValueAtTime: before the first event the default value; at or after an event's time its
 * value; during a ramp V0 + (V1 - V0) * ((t - T0) / (T1 - T0)) from the previous event (T0, V0).
 */
function webAudioValueAt(events: readonly AutomationEvent[], t: number, defaultValue = 1): number {
  let value = defaultValue;
  let prevTime = Number.NEGATIVE_INFINITY;
  let prevValue = defaultValue;
  for (const e of events) {
    if (e.type === 'linearRampToValueAtTime' && t < e.time && t >= prevTime) {
      return prevValue + (e.value - prevValue) * ((t - prevTime) / (e.time - prevTime));
    }
    if (t < e.time) return value;
    value = e.value;
    prevTime = e.time;
    prevValue = e.value;
  }
  return value;
}

/** demo song: intro 0..20, verse 20..60, chorus 60..90 of 180 s; stems vox, gtr, bass. */
function songWithOffsets(): Y.Doc {
  const doc = demoDoc();
  setClipGain(doc, 'gtr', -6);
  setFader(doc, 'gtr', -4);
  setSectionOffset(doc, 'engineer', 'verse', 'gtr', -8);
  setSectionOffset(doc, 'engineer', 'chorus', 'gtr', 4);
  return doc;
}

describe('dB and linear gain', () => {
  it('converts dB to linear amplitude and back', () => {
    expect(dbToGain(0)).toBe(1);
    expect(dbToGain(-20)).toBeCloseTo(0.1, 15);
    expect(dbToGain(6)).toBeCloseTo(1.99526, 5);
    expect(dbToGain(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(gainToDb(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(gainToDb(0.5)).toBeCloseTo(-6.0206, 4);
    for (const db of [-60, -12.5, 0, 3, 24]) expect(gainToDb(dbToGain(db))).toBeCloseTo(db, 12);
  });
});

describe('pan', () => {
  it('[MM-7] equal-power law: -3.01 dB per side at centre, full on one side at the extremes', () => {
    const c = panGains(0);
    expect(c.left).toBeCloseTo(Math.SQRT1_2, 15);
    expect(c.right).toBeCloseTo(Math.SQRT1_2, 15);
    expect(gainToDb(c.left)).toBeCloseTo(-3.0103, 4);
    expect(panGains(-1).left).toBe(1);
    expect(panGains(-1).right).toBeCloseTo(0, 15);
    expect(panGains(1).right).toBe(1);
    for (const p of [-1, -0.6, -0.1, 0, 0.3, 0.99, 1]) {
      const g = panGains(p);
      expect(g.left ** 2 + g.right ** 2).toBeCloseTo(1, 14);
    }
    expect(panGains(5)).toEqual(panGains(1));
    expect(() => panGains(Number.NaN)).toThrow(MixModelError);
  });

  it('[MM-7] stereo matrix matches StereoPannerNode: unity at centre, far channel folded in', () => {
    const c = stereoPanMatrix(0);
    expect([c.leftToLeft, c.rightToRight]).toEqual([1, 1]);
    expect(c.rightToLeft).toBeCloseTo(0, 15);
    expect(c.leftToRight).toBe(0);
    const left = stereoPanMatrix(-1);
    expect(left).toMatchObject({ leftToLeft: 1, rightToLeft: 1, leftToRight: 0 });
    expect(left.rightToRight).toBe(0);
    const half = stereoPanMatrix(0.5); // x = 0.5: gainL = cos(π/4), gainR = sin(π/4)
    expect(half.leftToLeft).toBeCloseTo(Math.SQRT1_2, 15);
    expect(half.leftToRight).toBeCloseTo(Math.SQRT1_2, 15);
    expect(half.rightToRight).toBe(1);
  });
});

describe('stemGainCurve', () => {
  it('[MM-5] level per section is clip gain + section offset + fader, in dB; gaps have no offset', () => {
    const mix = readMix(songWithOffsets());
    const curve = stemGainCurve(mix, 'engineer', 'gtr');
    // base = -6 + -4 = -10 dB; verse -18, chorus -6, after the chorus (gap) -10.
    expect(gainDbAt(curve, 10)).toBeCloseTo(-10, 12);
    expect(gainDbAt(curve, 40)).toBeCloseTo(-18, 12);
    expect(gainDbAt(curve, 75)).toBeCloseTo(-6, 12);
    expect(gainDbAt(curve, 150)).toBeCloseTo(-10, 12);
  });

  it('[MM-4] section offsets ramp over 20 ms, ending on the boundary', () => {
    const curve = stemGainCurve(readMix(songWithOffsets()), 'engineer', 'gtr');
    expect(curve.map((p) => [p.timeS, p.gainDb])).toEqual([
      [0, -10],
      [20 - DEFAULT_RAMP_S, -10],
      [20, -18],
      [60 - DEFAULT_RAMP_S, -18],
      [60, -6],
      [90 - DEFAULT_RAMP_S, -6],
      [90, -10],
    ]);
    // At the boundary the new section's level is already reached; 20 ms before, the old one holds.
    expect(gainAt(curve, 20)).toBe(dbToGain(-18));
    expect(gainAt(curve, 20 - DEFAULT_RAMP_S)).toBe(dbToGain(-10));
    expect(gainAt(curve, 20 - DEFAULT_RAMP_S - 0.001)).toBe(dbToGain(-10));
  });

  it('[MM-4] the ramp is linear in amplitude (as linearRampToValueAtTime with linear values), not in dB', () => {
    const curve = stemGainCurve(readMix(songWithOffsets()), 'engineer', 'gtr');
    const a = dbToGain(-10);
    const b = dbToGain(-18);
    const mid = 20 - DEFAULT_RAMP_S / 2;
    expect(gainAt(curve, mid)).toBeCloseTo((a + b) / 2, 12);
    expect(gainDbAt(curve, mid)).not.toBeCloseTo(-14, 2); // the dB midpoint would be -14 dB
    for (let i = 0; i <= 10; i++) {
      const t = 20 - DEFAULT_RAMP_S + (DEFAULT_RAMP_S * i) / 10;
      expect(gainAt(curve, t)).toBeCloseTo(a + ((b - a) * i) / 10, 12);
    }
  });

  it('[MM-4] rampS is configurable; 0 gives a step and a short section shortens the ramp', () => {
    const doc = songWithOffsets();
    const step = stemGainCurve(readMix(doc), 'engineer', 'gtr', { rampS: 0 });
    expect(gainAt(step, 20 - 1e-9)).toBe(dbToGain(-10));
    expect(gainAt(step, 20)).toBe(dbToGain(-18));
    const long = stemGainCurve(readMix(doc), 'engineer', 'gtr', { rampS: 50 });
    // intro ends at 20 s: a 50 s ramp is cut to start at the previous breakpoint (0 s).
    expect(long.slice(0, 2).map((p) => [p.timeS, p.gainDb])).toEqual([
      [0, -10],
      [20, -18],
    ]);
    expect(() => stemGainCurve(readMix(doc), 'engineer', 'gtr', { rampS: -1 })).toThrow(MixModelError);
  });

  it('[MM-4] adjacent sections with equal levels need no breakpoint; a section at 0 s starts the curve at its level', () => {
    const doc = demoDoc();
    setSectionOffset(doc, 'engineer', 'intro', 'vox', -3);
    setSectionOffset(doc, 'engineer', 'verse', 'vox', -3);
    const curve = stemGainCurve(readMix(doc), 'engineer', 'vox');
    expect(curve.map((p) => [p.timeS, p.gainDb])).toEqual([
      [0, -3],
      [60 - DEFAULT_RAMP_S, -3],
      [60, 0],
    ]);
  });

  it('[MM-5] a scene fader overrides the stem fader; other scenes keep the stem fader', () => {
    const doc = demoDoc();
    setFader(doc, 'vox', -2);
    const alt = createScene(doc, { name: 'Alt', createdBy: 'x' });
    setSceneFader(doc, alt, 'vox', -9);
    const mix = readMix(doc);
    expect(gainDbAt(stemGainCurve(mix, 'engineer', 'vox'), 5)).toBeCloseTo(-2, 12);
    expect(gainDbAt(stemGainCurve(mix, alt, 'vox'), 5)).toBeCloseTo(-9, 12);
    expect(gainDbAt(stemGainCurve(mix, undefined, 'vox'), 5)).toBeCloseTo(-2, 12);
  });

  it('[MM-6] mute silences a stem; any solo silences every stem not soloed; solo wins over mute', () => {
    const doc = demoDoc();
    setMute(doc, 'vox', true);
    let mix = readMix(doc);
    expect(stemGainCurve(mix, 'engineer', 'vox')).toEqual([
      { timeS: 0, gainDb: Number.NEGATIVE_INFINITY, gain: 0 },
    ]);
    expect(gainAt(stemGainCurve(mix, 'engineer', 'gtr'), 30)).toBe(1);
    setSolo(doc, 'vox', true);
    setSolo(doc, 'bass', true);
    mix = readMix(doc);
    expect(gainAt(stemGainCurve(mix, 'engineer', 'vox'), 30)).toBe(1); // soloed and muted: heard
    expect(gainAt(stemGainCurve(mix, 'engineer', 'bass'), 30)).toBe(1);
    expect(gainAt(stemGainCurve(mix, 'engineer', 'gtr'), 30)).toBe(0);
  });

  it('[MM-10] an unreconciled document already plays as it will after repair', () => {
    const doc = songWithOffsets();
    (doc.getMap(ROOT.sections).get('chorus') as Y.Map<unknown>).set('startS', 50); // overlaps the verse
    const curve = stemGainCurve(readMix(doc), 'engineer', 'gtr');
    expect(gainDbAt(curve, 55)).toBeCloseTo(-18, 12); // still verse: the later section is trimmed
    expect(gainDbAt(curve, 61)).toBeCloseTo(-6, 12);
  });

  it('throws not-found for an unknown scene or stem', () => {
    const mix = readMix(demoDoc());
    expect(() => stemGainCurve(mix, 'nope', 'vox')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => stemGainCurve(mix, 'engineer', 'nope')).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
  });
});

describe('gainAt and Web Audio', () => {
  const curve = (): GainCurve => stemGainCurve(readMix(songWithOffsets()), 'engineer', 'gtr');

  it('[MM-18] gainAt passes through every breakpoint and holds outside the curve', () => {
    const c = curve();
    for (const p of c) expect(gainAt(c, p.timeS)).toBe(p.gain);
    expect(gainAt(c, -5)).toBe(c[0]!.gain);
    expect(gainAt(c, 1e6)).toBe(c.at(-1)!.gain);
    expect(gainAt([], 3)).toBe(1);
  });

  it('[MM-18] a param following automationEvents from 0 equals gainAt exactly', () => {
    const c = curve();
    const events = automationEvents(c);
    expect(events[0]).toEqual({ type: 'setValueAtTime', value: c[0]!.gain, time: 0 });
    for (let t = 0; t <= 100; t += 0.0037) expect(webAudioValueAt(events, t)).toBe(gainAt(c, t));
    // Around every breakpoint (t >= 0: before the first event Web Audio has the param's own value).
    for (const p of c) {
      for (const dt of [-0.005, -1e-9, 0, 1e-9, 0.005]) {
        const t = p.timeS + dt;
        if (t >= 0) expect(webAudioValueAt(events, t)).toBe(gainAt(c, t));
      }
    }
  });

  it('[MM-18] starting mid-song (even mid-ramp) at a context time follows the same curve', () => {
    const c = curve();
    const fromS = 20 - DEFAULT_RAMP_S / 4; // inside the verse ramp
    const atTime = 3.5;
    const events = automationEvents(c, { fromS, atTime });
    expect(events[0]!.value).toBe(gainAt(c, fromS));
    expect(events.every((e) => e.time >= atTime)).toBe(true);
    for (let dt = 0; dt < 80; dt += 0.0041) {
      expect(webAudioValueAt(events, atTime + dt)).toBeCloseTo(gainAt(c, fromS + dt), 12);
    }
  });

  it('[MM-18] scheduleGainCurve cancels from the start time, then schedules the events in order', () => {
    const calls: string[] = [];
    const param = {
      cancelScheduledValues: (t: number) => calls.push(`cancel ${t}`),
      setValueAtTime: (v: number, t: number) => calls.push(`set ${v.toFixed(4)} ${t}`),
      linearRampToValueAtTime: (v: number, t: number) => calls.push(`ramp ${v.toFixed(4)} ${t.toFixed(2)}`),
    };
    const c = curve();
    expect(scheduleGainCurve(param, c, { fromS: 50, atTime: 10 })).toBe(param);
    expect(calls).toEqual([
      'cancel 10',
      `set ${dbToGain(-18).toFixed(4)} 10`,
      `ramp ${dbToGain(-18).toFixed(4)} 19.98`,
      `ramp ${dbToGain(-6).toFixed(4)} 20.00`,
      `ramp ${dbToGain(-6).toFixed(4)} 49.98`,
      `ramp ${dbToGain(-10).toFixed(4)} 50.00`,
    ]);
  });
});
