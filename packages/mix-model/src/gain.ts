import { DEFAULT_RAMP_S } from './constants.js';
import { MixModelError } from './errors.js';
import { offsetKey } from './ids.js';
import { findScene, findStem } from './read.js';
import { normalizeSections } from './sections.js';
import type { MixState, Scene, Stem } from './types.js';

/**
 * Decibels to linear amplitude: `10^(dB/20)`; `-Infinity` dB -> 0.
 *
 * @example
 * dbToGain(-6); // 0.501...
 */
export function dbToGain(db: number): number {
  return db === Number.NEGATIVE_INFINITY ? 0 : 10 ** (db / 20);
}

/**
 * Linear amplitude to decibels: `20·log10(gain)`; 0 (or less) -> `-Infinity`.
 *
 * @example
 * gainToDb(0.5); // -6.02...
 */
export function gainToDb(gain: number): number {
  return gain <= 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(gain);
}

/** Linear per-channel gains of a mono source. */
export interface PanGains {
  readonly left: number;
  readonly right: number;
}

/**
 * Equal-power (sin/cos) pan law for a mono source, identical to Web Audio's `StereoPannerNode` with a
 * mono input: θ = (pan + 1)·π/4, left = cos θ, right = sin θ. Centre is √½ per side (-3.01 dB), hard
 * left is (1, 0); left² + right² = 1 everywhere. Pan is clamped to -1..1. [MM-7]
 *
 * @example
 * panGains(0);  // { left: 0.7071, right: 0.7071 }  (-3.01 dB each)
 * panGains(-1); // { left: 1, right: 0 }
 */
export function panGains(pan: number): PanGains {
  const theta = ((clampPan(pan) + 1) * Math.PI) / 4;
  return { left: Math.cos(theta), right: Math.sin(theta) };
}

/** Linear gains of the 2x2 pan matrix for a stereo source (`out = M · in`). */
export interface StereoPanMatrix {
  readonly leftToLeft: number;
  readonly rightToLeft: number;
  readonly leftToRight: number;
  readonly rightToRight: number;
}

/**
 * Pan of a stereo source exactly as Web Audio's `StereoPannerNode` does it (so the offline renderer
 * matches the browser): centre is unity on both sides; panning left folds the right channel into the
 * left with equal-power gains, and vice versa. [MM-7]
 *
 * @example
 * stereoPanMatrix(0);  // leftToLeft 1, rightToRight 1, cross terms ~0
 */
export function stereoPanMatrix(pan: number): StereoPanMatrix {
  const p = clampPan(pan);
  const x = p <= 0 ? p + 1 : p;
  const gainL = Math.cos((x * Math.PI) / 2);
  const gainR = Math.sin((x * Math.PI) / 2);
  return p <= 0
    ? { leftToLeft: 1, rightToLeft: gainL, leftToRight: 0, rightToRight: gainR }
    : { leftToLeft: gainL, rightToLeft: 0, leftToRight: gainR, rightToRight: 1 };
}

function clampPan(pan: number): number {
  if (!Number.isFinite(pan)) throw new MixModelError('invalid-argument', 'pan must be a finite number.');
  return Math.min(1, Math.max(-1, pan));
}

/**
 * True when the stem is heard: if any stem is soloed, exactly the soloed stems are heard (solo wins over
 * mute); otherwise every stem that is not muted. [MM-6]
 */
export function isAudible(mix: MixState, stem: Stem): boolean {
  return mix.stems.some((s) => s.solo) ? stem.solo : !stem.mute;
}

/** The fader a scene gives a stem in dB: the scene's override, else the stem's own fader. [MM-5] */
export function effectiveFaderDb(scene: Scene, stem: Stem): number {
  return scene.faders[stem.id] ?? stem.faderDb;
}

/** A scene's offset for a stem in a section, in dB (0 when unset). [MM-5] */
export function sectionOffsetDb(scene: Scene, sectionId: string, stemId: string): number {
  return scene.offsets[offsetKey(sectionId, stemId)] ?? 0;
}

/** One breakpoint of a gain curve. */
export interface GainBreakpoint {
  /** Song time in seconds. */
  readonly timeS: number;
  /** Level in dB (`-Infinity` = silent). */
  readonly gainDb: number;
  /** The same level as linear amplitude, `dbToGain(gainDb)`: the value to schedule on a GainNode. */
  readonly gain: number;
}

/**
 * Breakpoints in time order; between two breakpoints the gain moves linearly in linear amplitude
 * (not in dB), exactly like Web Audio `linearRampToValueAtTime`; after the last it holds. [MM-4]
 */
export type GainCurve = readonly GainBreakpoint[];

/** Options of {@link stemGainCurve}. */
export interface GainCurveOptions {
  /** Ramp length at section boundaries, in seconds. Default 0.02. */
  readonly rampS?: number;
}

/**
 * Gain curve of one stem in one scene for the whole song: clip gain + section offset + fader, in dB,
 * per section (gaps between sections have no offset), with a linear-amplitude ramp of `rampS` seconds
 * that ends exactly on each boundary where the level changes (shortened when the previous section is
 * shorter than the ramp). Pan and master come after this gain. A stem that is not audible (mute/solo)
 * is a single silent breakpoint. Sections are read through {@link normalizeSections}. [MM-4] [MM-5] [MM-6]
 *
 * @example
 * const curve = stemGainCurve(readMix(doc), 'engineer', stemId);
 * scheduleGainCurve(gainNode.gain, curve, { fromS: 30, atTime: ctx.currentTime + 0.05 });
 */
export function stemGainCurve(
  mix: MixState,
  sceneId: string | undefined,
  stemId: string,
  options: GainCurveOptions = {},
): GainCurve {
  const rampS = options.rampS ?? DEFAULT_RAMP_S;
  if (!Number.isFinite(rampS) || rampS < 0) {
    throw new MixModelError('invalid-argument', `rampS must be a finite number >= 0, got ${rampS}.`);
  }
  const scene = findScene(mix, sceneId);
  const stem = findStem(mix, stemId);
  if (!isAudible(mix, stem)) return [point(0, Number.NEGATIVE_INFINITY)];

  const baseDb = stem.clipGainDb + effectiveFaderDb(scene, stem);
  // Level changes as (time, dB) steps: a section start sets its level, a section end returns to base.
  const steps: { timeS: number; db: number }[] = [];
  for (const s of normalizeSections(mix.sections, mix.meta.durationS).sections) {
    const db = baseDb + sectionOffsetDb(scene, s.id, stem.id);
    // Adjacent sections: this start replaces the previous end's return to base at the same time.
    if (steps.at(-1)?.timeS === s.startS) steps.pop();
    steps.push({ timeS: s.startS, db });
    steps.push({ timeS: s.endS, db: baseDb });
  }
  let current = steps[0]?.timeS === 0 ? steps[0].db : baseDb;
  const curve: GainBreakpoint[] = [point(0, current)];
  let lastS = 0;
  for (const step of steps) {
    if (step.db === current || step.timeS <= 0) continue;
    const rampStartS = Math.max(lastS, step.timeS - rampS);
    if (rampStartS > lastS) curve.push(point(rampStartS, current));
    curve.push(point(step.timeS, step.db));
    lastS = step.timeS;
    current = step.db;
  }
  return curve;
}

function point(timeS: number, gainDb: number): GainBreakpoint {
  return { timeS, gainDb, gain: dbToGain(gainDb) };
}

/**
 * Linear gain of a curve at song time `t` seconds, computed with Web Audio's formula for
 * `linearRampToValueAtTime`: `V0 + (V1 - V0) * ((t - T0) / (T1 - T0))`. Before the first breakpoint
 * the first value holds, after the last the last; an empty curve is unity (1). [MM-18]
 *
 * @example
 * gainAt(curve, 12.5); // linear amplitude, e.g. 0.5
 */
export function gainAt(curve: GainCurve, t: number): number {
  const n = curve.length;
  if (n === 0) return 1;
  // Last breakpoint with timeS <= t (the later one when two share a time, as Web Audio does).
  let lo = 0;
  let hi = n - 1;
  if (t < curve[0]!.timeS) return curve[0]!.gain;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (curve[mid]!.timeS <= t) lo = mid;
    else hi = mid - 1;
  }
  const a = curve[lo]!;
  const b = curve[lo + 1];
  if (b === undefined) return a.gain;
  const v0 = a.gain;
  const v1 = b.gain;
  const t0 = a.timeS;
  const t1 = b.timeS;
  return v0 + (v1 - v0) * ((t - t0) / (t1 - t0));
}

/** {@link gainAt} in dB. */
export function gainDbAt(curve: GainCurve, t: number): number {
  return gainToDb(gainAt(curve, t));
}

/** One Web Audio automation call. `time` is in AudioContext seconds, `value` is linear gain. */
export interface AutomationEvent {
  readonly type: 'setValueAtTime' | 'linearRampToValueAtTime';
  readonly value: number;
  readonly time: number;
}

/** Options of {@link automationEvents} and {@link scheduleGainCurve}. */
export interface ScheduleOptions {
  /** Song position playback starts from, in seconds. Default 0. */
  readonly fromS?: number;
  /** AudioContext time at which song position `fromS` plays, in seconds. Default 0. */
  readonly atTime?: number;
}

/**
 * The Web Audio calls that play a curve from song position `fromS` at context time `atTime`: one
 * `setValueAtTime(gainAt(curve, fromS), atTime)`, then `linearRampToValueAtTime` for every later
 * breakpoint. With `fromS = atTime = 0` the param then follows `gainAt` exactly. [MM-18]
 *
 * @example
 * automationEvents(curve, { fromS: 10, atTime: ctx.currentTime });
 */
export function automationEvents(curve: GainCurve, options: ScheduleOptions = {}): AutomationEvent[] {
  const fromS = options.fromS ?? 0;
  const atTime = options.atTime ?? 0;
  const events: AutomationEvent[] = [{ type: 'setValueAtTime', value: gainAt(curve, fromS), time: atTime }];
  for (const bp of curve) {
    if (bp.timeS > fromS) {
      events.push({ type: 'linearRampToValueAtTime', value: bp.gain, time: atTime + (bp.timeS - fromS) });
    }
  }
  return events;
}

/** The part of Web Audio's `AudioParam` that {@link scheduleGainCurve} uses (no DOM types needed). */
export interface AudioParamLike {
  cancelScheduledValues(cancelTime: number): unknown;
  setValueAtTime(value: number, startTime: number): unknown;
  linearRampToValueAtTime(value: number, endTime: number): unknown;
}

/**
 * Schedules a curve on an AudioParam (e.g. `GainNode.gain`): cancels what was scheduled from `atTime`
 * on, then applies {@link automationEvents}. [MM-18]
 *
 * @example
 * scheduleGainCurve(gain.gain, stemGainCurve(mix, sceneId, stemId), { fromS: 42, atTime: t0 });
 */
export function scheduleGainCurve<P extends AudioParamLike>(
  param: P,
  curve: GainCurve,
  options: ScheduleOptions = {},
): P {
  const events = automationEvents(curve, options);
  param.cancelScheduledValues(events[0]!.time);
  for (const e of events) {
    if (e.type === 'setValueAtTime') param.setValueAtTime(e.value, e.time);
    else param.linearRampToValueAtTime(e.value, e.time);
  }
  return param;
}
