/**
 * Section editing maths for the sections lane: beat-grid snapping (when the song has a tempo), and moves
 * and resizes clamped against the neighbouring sections and the song end, so an edit never asks
 * mix-model for an overlap (which it refuses with `conflict`). Times in seconds.
 */
import type { Section } from '@mixroom/mix-model';

/** Shortest section the lane creates or resizes to, in seconds (or one beat when that is longer). */
export const MIN_SECTION_S = 0.5;

/** Length of one beat in seconds, or null without a tempo. */
export function beatS(tempoBpm: number | null | undefined): number | null {
  return tempoBpm && tempoBpm > 0 ? 60 / tempoBpm : null;
}

/** Nearest beat when a tempo is set, else the nearest 10 ms. Never negative. */
export function snapTime(t: number, tempoBpm: number | null | undefined): number {
  const beat = beatS(tempoBpm);
  const snapped = beat ? Math.round(t / beat) * beat : Math.round(t * 100) / 100;
  return Math.max(0, Number(snapped.toFixed(6)));
}

/** Keyboard step: one beat with a tempo, else 0.1 s (`coarse`: one bar of 4 beats, else 1 s). */
export function keyStep(tempoBpm: number | null | undefined, coarse: boolean): number {
  const beat = beatS(tempoBpm);
  if (beat) return coarse ? beat * 4 : beat;
  return coarse ? 1 : 0.1;
}

function songEnd(durationS: number): number {
  return durationS > 0 ? durationS : Number.POSITIVE_INFINITY;
}

/** Free space around a section: from the previous section's end to the next one's start. */
function bounds(sections: readonly Section[], id: string, durationS: number): { lo: number; hi: number } {
  const self = sections.find((s) => s.id === id);
  let lo = 0;
  let hi = songEnd(durationS);
  if (!self) return { lo, hi };
  for (const s of sections) {
    if (s.id === id) continue;
    if (s.endS <= self.startS + 1e-9) lo = Math.max(lo, s.endS);
    else if (s.startS >= self.endS - 1e-9) hi = Math.min(hi, s.startS);
  }
  return { lo, hi };
}

/** Moves a section (keeping its length) to start near `startS`, snapped, inside its free space. */
export function moveWithin(
  sections: readonly Section[],
  id: string,
  startS: number,
  durationS: number,
  tempoBpm: number | null,
): { startS: number; endS: number } | null {
  const self = sections.find((s) => s.id === id);
  if (!self) return null;
  const len = self.endS - self.startS;
  const { lo, hi } = bounds(sections, id, durationS);
  let start = snapTime(startS, tempoBpm);
  start = Math.min(Math.max(start, lo), hi - len);
  if (start < lo - 1e-9) return null;
  return { startS: start, endS: start + len };
}

/** Moves one edge of a section to near `t`, snapped, keeping a minimum length and the free space. */
export function resizeWithin(
  sections: readonly Section[],
  id: string,
  edge: 'start' | 'end',
  t: number,
  durationS: number,
  tempoBpm: number | null,
): { startS: number; endS: number } | null {
  const self = sections.find((s) => s.id === id);
  if (!self) return null;
  const { lo, hi } = bounds(sections, id, durationS);
  const min = Math.max(MIN_SECTION_S, beatS(tempoBpm) ?? 0);
  const v = snapTime(t, tempoBpm);
  if (edge === 'start') {
    const start = Math.min(Math.max(v, lo), self.endS - min);
    return start < lo - 1e-9 ? null : { startS: start, endS: self.endS };
  }
  const end = Math.max(Math.min(v, hi), self.startS + min);
  return end > hi + 1e-9 ? null : { startS: self.startS, endS: end };
}

/**
 * Where a new section goes when created at `at`: from `at` (snapped) to the next section or
 * `preferredS` later, whichever is first; inside a section it starts at that section's end. Null when
 * there is no room.
 */
export function newSectionSlot(
  sections: readonly Section[],
  at: number,
  durationS: number,
  tempoBpm: number | null,
  preferredS = 8,
): { startS: number; endS: number } | null {
  let start = snapTime(at, tempoBpm);
  // Inside a section: start after it (and after any section that follows without a gap).
  for (;;) {
    const inside = sections.find((s) => s.startS <= start + 1e-9 && start < s.endS - 1e-9);
    if (!inside) break;
    start = inside.endS;
  }
  const end = songEnd(durationS);
  let next = end;
  for (const s of sections) if (s.startS >= start - 1e-9 && s.startS < next) next = s.startS;
  const stop = Math.min(next, start + preferredS);
  const min = Math.max(MIN_SECTION_S, beatS(tempoBpm) ?? 0);
  if (stop - start < min - 1e-9) return null;
  return { startS: start, endS: stop };
}
