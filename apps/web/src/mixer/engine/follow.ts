/**
 * Listen together: a follower keeps its transport within 50 ms of the leader's.
 *
 * The leader publishes, through awareness, `playhead` (its audible song position at the moment it
 * publishes, from `AudioContext.getOutputTimestamp`) and `playing`, on every transport change and
 * 4 times a second while playing. Awareness carries no clock, so the follower time-stamps each message on
 * arrival (publishes of the 4 Hz cadence and the extra ones after a transport change alike). Messages
 * held up by the network or a busy main thread arrive late, so they sit *below* the true line
 * position(t) = intercept + t: the estimate is the upper envelope of the last `WINDOW` samples — the line
 * through the least-delayed message (see `fitUpperLine`). A seek, a pause/play or a jump of more than
 * `JUMP_S` starts a new estimate.
 *
 * An audio dropout (a starved audio thread) would put either side behind its own line; the engine
 * skips forward by the time lost (see `MixerEngine.watchClock`), so both lines stay straight and no
 * signal is needed.
 *
 * The follower compares its own audible position with the estimate and re-seeks when they differ by
 * more than `DRIFT_THRESHOLD_S`. The residual error is the smallest delay among the recent messages (a
 * few ms on a LAN) plus the difference in output latency between the two machines.
 */

/** Re-seek when the follower is further than this from the leader, in seconds. */
export const DRIFT_THRESHOLD_S = 0.02;
/**
 * A sample further than this from the estimate is a seek, in seconds. Ahead of the estimate it can only
 * be a seek (a message cannot arrive early). Behind it, it may also be a message held up by a busy
 * network or main thread — seen up to 600 ms, several in a row, on a loaded machine — so a backward
 * jump is believed only when confirmed: by a quick pair (the leader publishes twice, 80 ms apart, after
 * every transport change: two behind samples less than `PAIR_S` of song apart that agree), or, should
 * that pair be lost, by `CONFIRM_RUN` behind samples in a row that agree within `AGREE_S`.
 */
export const JUMP_S = 0.15;
const PAIR_S = 0.15;
const CONFIRM_RUN = 4;
const AGREE_S = 0.05;
/** Samples kept for the estimate (about 3 s at 4 Hz). */
export const WINDOW = 12;

export interface LeaderSample {
  playhead: number;
  playing: boolean;
  /** Local arrival time in milliseconds (performance.now()). */
  receivedAtMs: number;
}

export class LeaderClock {
  private samples: { t: number; p: number }[] = [];
  private playing = false;
  private pausedAt = 0;
  private lastPlayhead: number | null = null;
  private line: { rate: number; intercept: number } | null = null;
  /** Consecutive samples far behind the estimate, waiting to confirm a backward seek. */
  private behind: { t: number; p: number }[] = [];

  /** Adds a sample; returns true when it started a new estimate (seek, play, pause). */
  update(s: LeaderSample): boolean {
    const t = s.receivedAtMs / 1000;
    let restart = s.playing !== this.playing || (!s.playing && s.playhead !== this.lastPlayhead);
    let confirmed: { t: number; p: number }[] = [];
    if (!restart && s.playing && this.line !== null) {
      const off = s.playhead - this.at(t);
      if (off > JUMP_S) restart = true;
      else if (off < -JUMP_S) {
        this.behind.push({ t, p: s.playhead });
        const run = this.behind;
        const pair = run.length >= 2 ? run.slice(-2) : [];
        const quickPair =
          pair.length === 2 &&
          pair[1]!.p - pair[0]!.p < PAIR_S &&
          Math.abs(pair[1]!.p - pair[0]!.p - (pair[1]!.t - pair[0]!.t)) < AGREE_S;
        const offsets = run.slice(-CONFIRM_RUN).map((x) => x.p - x.t);
        const agreeingRun =
          offsets.length === CONFIRM_RUN && Math.max(...offsets) - Math.min(...offsets) < AGREE_S;
        if (!quickPair && !agreeingRun) return false;
        restart = true;
        confirmed = (quickPair ? pair : run.slice(-CONFIRM_RUN)).slice(0, -1);
      }
    }
    this.playing = s.playing;
    this.lastPlayhead = s.playhead;
    if (!s.playing) {
      this.samples = [];
      this.behind = [];
      this.line = null;
      this.pausedAt = s.playhead;
      return restart;
    }
    if (restart) this.samples = confirmed;
    this.behind = [];
    this.samples.push({ t, p: s.playhead });
    if (this.samples.length > WINDOW) this.samples.shift();
    this.line = fitUpperLine(this.samples);
    return restart;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  get known(): boolean {
    return this.lastPlayhead !== null;
  }

  /** The leader's song position at local time `nowMs`. */
  positionAt(nowMs: number): number {
    if (!this.playing || !this.line) return this.pausedAt;
    return this.at(nowMs / 1000);
  }

  private at(t: number): number {
    return this.line ? this.line.intercept + this.line.rate * t : this.pausedAt;
  }
}

/**
 * The upper envelope of (arrival time, playhead) samples at rate 1: late messages sit below it, so the
 * line through the least-delayed sample wins. The rate is not estimated: real audio clocks differ by
 * well under 0.01 %, and estimating it from samples with delay bursts of seconds (seen on a loaded
 * machine) did more harm than good; a drift d costs at most d x the window (0.5 % x 3 s = 15 ms even
 * between two headless Chromium pages, whose fake audio devices drift that much).
 */
export function fitUpperLine(samples: readonly { t: number; p: number }[]): {
  rate: number;
  intercept: number;
} {
  let intercept = Number.NEGATIVE_INFINITY;
  for (const s of samples) intercept = Math.max(intercept, s.p - s.t);
  return { rate: 1, intercept };
}

export type FollowAction =
  | { type: 'none' }
  | { type: 'play'; at: number }
  | { type: 'pause'; at: number }
  | { type: 'seek'; at: number };

/** What the follower should do, given both transports at the same local moment. */
export function followAction(
  mine: { playing: boolean; position: number },
  leader: { playing: boolean; position: number },
  thresholdS = DRIFT_THRESHOLD_S,
): FollowAction {
  if (leader.playing && !mine.playing) return { type: 'play', at: leader.position };
  if (!leader.playing && mine.playing) return { type: 'pause', at: leader.position };
  if (Math.abs(mine.position - leader.position) > (leader.playing ? thresholdS : 0.001)) {
    return { type: 'seek', at: leader.position };
  }
  return { type: 'none' };
}
