/**
 * Seconds as `m:ss.mmm` (minutes unbounded, e.g. `75:02.500`), rounded to the millisecond.
 *
 * @example
 * clock(65.25) // '1:05.250'
 */
export function clock(seconds: number): string {
  const ms = Math.round(Math.max(0, seconds) * 1000);
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${m}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

/** `mm:ss.mmm` with at least two minute digits (the notes CSV's time column). */
export function clockPadded(seconds: number): string {
  const c = clock(seconds);
  return c.indexOf(':') === 1 ? `0${c}` : c;
}
