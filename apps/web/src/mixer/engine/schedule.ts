/**
 * From the mix document to Web Audio automation. The level of every stem (clip gain + section offset +
 * fader) is mix-model's `stemGainCurve` — the same breakpoints its tests check and the offline renderer
 * uses — scheduled on the stem's level GainNode. Mute and solo are not part of that curve here: they
 * switch a separate gain with a short ramp ([MM-6]: "the player switches them").
 */
import {
  automationEvents,
  defaultSceneId,
  type GainCurve,
  isAudible,
  type MixState,
  stemGainCurve,
} from '@mixroom/mix-model';
import type { ParamTimeline } from './param-timeline';

/** Length of the glide when automation changes while playing, in seconds. */
export const GLIDE_S = 0.01;
/** Ramp when a stem is muted, soloed or un-muted, in seconds. */
export const MUTE_RAMP_S = 0.005;

/** The scene to play: `sceneId` if it exists, else the default scene ([MM-13]); null without scenes. */
export function resolveSceneId(mix: MixState, sceneId: string | null | undefined): string | null {
  if (sceneId && mix.scenes.some((s) => s.id === sceneId)) return sceneId;
  return defaultSceneId(mix);
}

/**
 * Level curves (linear gain breakpoints) of every stem in a scene, ignoring mute and solo. Empty when the
 * document has no scene yet.
 */
export function levelCurves(mix: MixState, sceneId: string | null, rampS?: number): Map<string, GainCurve> {
  const out = new Map<string, GainCurve>();
  const scene = resolveSceneId(mix, sceneId);
  if (!scene) return out;
  const open: MixState = {
    ...mix,
    stems: mix.stems.map((s) => (s.mute || s.solo ? { ...s, mute: false, solo: false } : s)),
  };
  for (const stem of open.stems) {
    out.set(stem.id, stemGainCurve(open, scene, stem.id, rampS === undefined ? {} : { rampS }));
  }
  return out;
}

/** Per stem: heard or not, by the solo/mute rule [MM-6]. */
export function audibility(mix: MixState): Map<string, boolean> {
  return new Map(mix.stems.map((s) => [s.id, isAudible(mix, s)]));
}

export function sameCurve(a: GainCurve | undefined, b: GainCurve | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.timeS !== b[i]!.timeS || a[i]!.gain !== b[i]!.gain) return false;
  }
  return true;
}

/**
 * Plays `curve` from song position `fromS` at context time `atTime`, replacing whatever was scheduled from
 * `atTime` on: exactly mix-model's `automationEvents` ([MM-18]), so a param started this way equals
 * `gainAt(curve, fromS + (t - atTime))`. Used when sources (re)start at `atTime`.
 */
export function scheduleCurve(tl: ParamTimeline, curve: GainCurve, fromS: number, atTime: number): void {
  tl.cancelAndHoldAtTime(atTime);
  for (const e of automationEvents(curve, { fromS, atTime })) {
    if (e.type === 'setValueAtTime') tl.setValueAtTime(e.value, e.time);
    else tl.linearRampToValueAtTime(e.value, e.time);
  }
}

/**
 * Moves a playing stem onto a new curve without a click: from `atTime` the gain glides linearly (over
 * `glideS`) from wherever it is to where the new curve is at that moment, then follows the new curve.
 * `songAt(t)` maps context time to song position.
 */
export function glideToCurve(
  tl: ParamTimeline,
  curve: GainCurve,
  atTime: number,
  songAt: (contextTime: number) => number,
  glideS = GLIDE_S,
): void {
  tl.cancelAndHoldAtTime(atTime);
  const landAt = atTime + glideS;
  const events = automationEvents(curve, { fromS: songAt(landAt), atTime: landAt });
  for (const e of events) tl.linearRampToValueAtTime(e.value, e.time);
}

/** Switches a stem's mute gain on or off with a short linear ramp starting at `atTime`. */
export function rampAudible(tl: ParamTimeline, audible: boolean, atTime: number, rampS = MUTE_RAMP_S): void {
  tl.cancelAndHoldAtTime(atTime);
  tl.linearRampToValueAtTime(audible ? 1 : 0, atTime + rampS);
}
