import { LIMITS } from './constants.js';
import { compareSections } from './read.js';
import type { Section } from './types.js';

/** Result of {@link normalizeSections}. */
export interface NormalizedSections {
  /** Non-overlapping sections inside the song, in song order. */
  readonly sections: readonly Section[];
  /** Ids of sections that end up with no length (fully covered by earlier ones or beyond the song). */
  readonly removed: readonly string[];
}

/**
 * The deterministic section repair of [MM-10], as a pure function: swap inverted bounds, clamp to
 * [0, durationS] (to [0, 24 h] while durationS is 0 = unknown), order by (start, id), move each start to
 * the previous kept section's end if they overlap, and drop sections left with no length.
 * {@link reconcileMix} writes its result; the gain math uses it, so an unreconciled document already
 * plays the way it will after repair.
 *
 * @example
 * normalizeSections([{...a, startS: 0, endS: 20}, {...b, startS: 15, endS: 30}], 180).sections
 * // -> a: 0..20, b: 20..30
 */
export function normalizeSections(sections: readonly Section[], durationS: number): NormalizedSections {
  const limit = durationS > 0 ? Math.min(durationS, LIMITS.maxSongS) : LIMITS.maxSongS;
  const bounded = sections.map((s) => {
    let startS = Math.min(s.startS, s.endS);
    let endS = Math.max(s.startS, s.endS);
    startS = Math.min(Math.max(startS, 0), limit);
    endS = Math.min(Math.max(endS, 0), limit);
    return startS === s.startS && endS === s.endS ? s : { ...s, startS, endS };
  });
  bounded.sort(compareSections);
  const kept: Section[] = [];
  const removed: string[] = [];
  let cursor = 0;
  for (const s of bounded) {
    const startS = Math.max(s.startS, cursor);
    if (s.endS <= startS) {
      removed.push(s.id);
      continue;
    }
    kept.push(startS === s.startS ? s : { ...s, startS });
    cursor = s.endS;
  }
  return { sections: kept, removed };
}
