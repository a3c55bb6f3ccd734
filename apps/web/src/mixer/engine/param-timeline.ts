/**
 * A mirror of one AudioParam's automation: every call is forwarded to the real param and recorded, so the
 * mixer can answer "what gain is scheduled at context time t?" without reading the audio thread (the debug
 * hook and the tests use it), and can hold a running ramp portably when re-scheduling.
 *
 * Semantics follow the Web Audio spec for the three calls used: `setValueAtTime`,
 * `linearRampToValueAtTime` (V0 + (V1 - V0)·(t - T0)/(T1 - T0) from the previous event), and
 * `cancelAndHoldAtTime` (drop events at or after t, keep the value the automation had at t). Times are
 * AudioContext seconds; values are linear gain.
 */

/** The subset of AudioParam a timeline drives (no DOM types needed, so it runs under Node in tests). */
export interface AutomatableParam {
  value: number;
  setValueAtTime(value: number, time: number): unknown;
  linearRampToValueAtTime(value: number, time: number): unknown;
  cancelScheduledValues(time: number): unknown;
  cancelAndHoldAtTime?(time: number): unknown;
}

export interface TimelineEvent {
  readonly type: 'set' | 'ramp';
  readonly value: number;
  readonly time: number;
}

export class ParamTimeline {
  private events: TimelineEvent[] = [];

  /** `initial` is the param's intrinsic value before its first event. */
  constructor(
    readonly param: AutomatableParam | null,
    private initial = 1,
  ) {}

  /** Recorded events, in time order (for tests and debugging). */
  get list(): readonly TimelineEvent[] {
    return this.events;
  }

  setValueAtTime(value: number, time: number): void {
    this.param?.setValueAtTime(value, time);
    this.insert({ type: 'set', value, time });
  }

  linearRampToValueAtTime(value: number, time: number): void {
    this.param?.linearRampToValueAtTime(value, time);
    this.insert({ type: 'ramp', value, time });
  }

  /**
   * Removes everything from `time` on and holds the value the automation has at `time` (a ramp in
   * progress ends there at its interpolated value). Uses the param's own `cancelAndHoldAtTime` where the
   * browser has it; otherwise cancels and pins the computed value with `setValueAtTime`.
   */
  cancelAndHoldAtTime(time: number): number {
    const idx = this.firstIndexAtOrAfter(time);
    const next = this.events[idx];
    const prev = this.events[idx - 1];
    const rampInProgress = next !== undefined && next.type === 'ramp' && prev !== undefined;
    let held: number;
    if (rampInProgress) {
      held =
        next.time === prev.time
          ? next.value
          : prev.value + (next.value - prev.value) * ((time - prev.time) / (next.time - prev.time));
    } else held = prev ? prev.value : this.initial;
    this.events.length = idx;
    if (this.param) {
      if (typeof this.param.cancelAndHoldAtTime === 'function') this.param.cancelAndHoldAtTime(time);
      else {
        this.param.cancelScheduledValues(time);
        this.param.setValueAtTime(held, time);
      }
    }
    this.events.push({ type: rampInProgress ? 'ramp' : 'set', value: held, time });
    return held;
  }

  /** Cancels everything and starts over from `value` at `time`. */
  reset(value: number, time: number): void {
    this.param?.cancelScheduledValues(0);
    this.events = [];
    this.initial = value;
    if (this.param) this.param.value = value;
    this.setValueAtTime(value, time);
  }

  /** The scheduled value at context time `t`, by the Web Audio formulas. */
  valueAt(t: number): number {
    const ev = this.events;
    // Before the first event the intrinsic value holds (the mixer always starts with a `set`).
    if (ev.length === 0 || t < ev[0]!.time) return this.initial;
    // Last event with time <= t (a later one wins a tie, as in Web Audio).
    let lo = 0;
    let hi = ev.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ev[mid]!.time <= t) lo = mid;
      else hi = mid - 1;
    }
    const a = ev[lo]!;
    const b = ev[lo + 1];
    if (b?.type !== 'ramp') return a.value;
    if (b.time === a.time) return b.value;
    return a.value + (b.value - a.value) * ((t - a.time) / (b.time - a.time));
  }

  /** Forgets events that no longer affect values at or after `time` (keeps memory flat while playing). */
  prune(time: number): void {
    let keepFrom = 0;
    for (let i = 0; i < this.events.length; i++) {
      if (this.events[i]!.time <= time) keepFrom = i;
      else break;
    }
    if (keepFrom > 0) this.events = this.events.slice(keepFrom);
  }

  private insert(e: TimelineEvent): void {
    // Events with the same time stay in call order (after existing ones), as the spec orders them.
    let i = this.events.length;
    while (i > 0 && this.events[i - 1]!.time > e.time) i--;
    this.events.splice(i, 0, e);
  }

  private firstIndexAtOrAfter(time: number): number {
    let i = 0;
    while (i < this.events.length && this.events[i]!.time < time) i++;
    return i;
  }
}
