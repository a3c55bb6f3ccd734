/**
 * Presence of the mixer and follow mode over Yjs awareness (the sync server keeps only `playhead`,
 * `playing`, `sceneId`, `playbackSystem` and `followUserId`, and sets `user` itself).
 *
 * Publishing: `sceneId` (non-null while the mixer is open: it tells the room this person listens to the
 * stems, not the bounce) and `playbackSystem` always; `playhead` (audible position at the moment of
 * publishing, from the AudioContext output timestamp) and `playing` on every transport change (with a
 * short burst after it, see `AFTER_CHANGE_MS`) and 4 times a second while playing.
 *
 * Following: when the local `followUserId` names someone whose presence has a `sceneId`, their scene is
 * selected here and the transport is kept within `DRIFT_THRESHOLD_S` of theirs (see follow.ts). Drift is
 * measured at every check and kept in `stats` for the tests and the benchmark.
 */
import type { MixerEngine } from './engine';
import { DRIFT_THRESHOLD_S, followAction, LeaderClock } from './follow';

/** The part of y-protocols' Awareness used here. */
export interface AwarenessLike {
  readonly clientID: number;
  getLocalState(): Record<string, unknown> | null;
  setLocalState(state: Record<string, unknown> | null): void;
  getStates(): Map<number, Record<string, unknown>>;
  on(event: 'change', fn: (changes: { added: number[]; updated: number[]; removed: number[] }) => void): void;
  off(
    event: 'change',
    fn: (changes: { added: number[]; updated: number[]; removed: number[] }) => void,
  ): void;
}

/** Publish interval while playing, ms. */
export const PUBLISH_MS = 250;
/** Extra publishes after a transport change, ms after it. */
export const AFTER_CHANGE_MS = [80, 200, 400, 700];
/** Follower check interval while following a playing leader, ms. */
export const CHECK_MS = 100;

export interface FollowStats {
  /** Checks made while both were playing. */
  checks: number;
  /** Re-seeks made to correct drift. */
  corrections: number;
  /** |follower - leader| of the last check, seconds. */
  lastDriftS: number;
  /** Largest |drift| seen after the first correction settled, seconds. */
  maxDriftS: number;
}

export interface LeaderInfo {
  clientId: number;
  userId: string;
  name: string;
  sceneId: string | null;
  playing: boolean;
}

export class ListenTogether {
  private readonly clock = new LeaderClock();
  private leaderClient: number | null = null;
  private lastSample: { playhead: number; playing: boolean } | null = null;
  private publishTimer: ReturnType<typeof setInterval> | undefined;
  private checkTimer: ReturnType<typeof setInterval> | undefined;
  private again: ReturnType<typeof setTimeout>[] = [];
  private readonly offEngine: () => void;
  private readonly offStall: () => void;
  private settleUntil = 0;
  private busy = false;
  /** Recent corrections: when (performance.now()), what, our position and the leader estimate. */
  readonly log: { atMs: number; action: string; mine: number; leader: number }[] = [];
  /** The leader's last presence samples as they arrived (for diagnostics). */
  readonly recent: { playhead: number; playing: boolean; receivedAtMs: number }[] = [];
  readonly stats: FollowStats = { checks: 0, corrections: 0, lastDriftS: 0, maxDriftS: 0 };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly engine: MixerEngine,
    private readonly awareness: AwarenessLike,
    private readonly onSceneFromLeader: (sceneId: string) => void,
  ) {
    this.awareness.on('change', this.onAwareness);
    let was = engine.state();
    this.offEngine = engine.subscribe((now) => {
      if (
        now.transportSeq !== was.transportSeq ||
        now.playing !== was.playing ||
        now.heardSceneId !== was.heardSceneId ||
        now.system !== was.system
      ) {
        // A burst: a follower believes a backward jump only when a second sample agrees (follow.ts), and
        // its fresh estimate is as good as the least-delayed of the samples it has, so give it several.
        this.publish();
        for (const t of this.again) clearTimeout(t);
        this.again = AFTER_CHANGE_MS.map((ms) => setTimeout(() => this.publish(), ms));
      }
      was = now;
      this.armPublishing();
    });
    // The engine skips forward after an audio dropout; a follower re-checks at once afterwards.
    this.offStall = engine.onStall(() => void this.check());
    this.publish();
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** User id this listener follows (from the shared `followUserId`), or null. */
  get followUserId(): string | null {
    const v = this.awareness.getLocalState()?.followUserId;
    return typeof v === 'string' ? v : null;
  }

  follow(userId: string | null): void {
    this.merge({ followUserId: userId });
    this.leaderClient = null;
    this.lastSample = null;
    this.resetStats();
    this.onAwareness();
  }

  /** The person followed, when they are here with the mixer open. */
  leader(): LeaderInfo | null {
    const id = this.leaderClient;
    if (id === null) return null;
    const s = this.awareness.getStates().get(id);
    if (!s) return null;
    const user = (s.user ?? {}) as { id?: string; name?: string; displayName?: string };
    return {
      clientId: id,
      userId: user.id ?? '',
      name: user.displayName ?? user.name ?? 'Someone',
      sceneId: typeof s.sceneId === 'string' ? s.sceneId : null,
      playing: s.playing === true,
    };
  }

  /** Other people here with the mixer open: their scene and playback system (deduplicated per user). */
  roomListeners(): (LeaderInfo & { playbackSystem: string | null })[] {
    const byUser = new Map<string, LeaderInfo & { playbackSystem: string | null }>();
    for (const [clientId, s] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID || typeof s.sceneId !== 'string') continue;
      const user = (s.user ?? {}) as { id?: string; name?: string; displayName?: string };
      if (!user.id) continue;
      const entry = {
        clientId,
        userId: user.id,
        name: user.displayName ?? user.name ?? 'Someone',
        sceneId: s.sceneId,
        playing: s.playing === true,
        playbackSystem: typeof s.playbackSystem === 'string' ? s.playbackSystem : null,
      };
      const prev = byUser.get(user.id);
      if (!prev || (entry.playing && !prev.playing)) byUser.set(user.id, entry);
    }
    return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Leader's estimated song position now, or null when not following anyone here. */
  leaderPosition(nowMs = performance.now()): number | null {
    return this.leaderClient === null || !this.clock.known ? null : this.clock.positionAt(nowMs);
  }

  /** Sends this listener's mixer transport, scene and playback system. */
  publish(): void {
    const playhead = Math.round(this.engine.audiblePosition() * 10000) / 10000;
    this.merge({
      playhead: Math.min(Math.max(0, playhead), 86_400),
      playing: this.engine.isPlaying,
      sceneId: this.engine.heardSceneId(),
      playbackSystem: this.engine.graph.systemId,
    });
  }

  private merge(patch: Record<string, unknown>): void {
    const current = this.awareness.getLocalState() ?? {};
    if (Object.keys(patch).every((k) => current[k] === patch[k])) return;
    this.awareness.setLocalState({ ...current, ...patch });
  }

  private armPublishing(): void {
    if (this.engine.isPlaying && !this.publishTimer) {
      this.publishTimer = setInterval(() => this.publish(), PUBLISH_MS);
    } else if (!this.engine.isPlaying && this.publishTimer) {
      clearInterval(this.publishTimer);
      this.publishTimer = undefined;
    }
  }

  private readonly onAwareness = (): void => {
    const arrived = performance.now();
    this.emit();
    const followId = this.followUserId;
    if (!followId) {
      this.stopChecking();
      this.leaderClient = null;
      return;
    }
    // Among the leader's tabs with the mixer open, prefer one that plays.
    let best: number | null = null;
    let bestPlaying = false;
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue;
      const user = state.user as { id?: string } | undefined;
      if (user?.id !== followId || typeof state.sceneId !== 'string') continue;
      const playing = state.playing === true;
      if (
        best === null ||
        (playing && !bestPlaying) ||
        (playing === bestPlaying && clientId === this.leaderClient)
      ) {
        best = clientId;
        bestPlaying = playing;
      }
    }
    if (best !== this.leaderClient) {
      this.leaderClient = best;
      this.lastSample = null;
    }
    if (best === null) {
      this.stopChecking();
      return;
    }
    const s = this.awareness.getStates().get(best)!;
    if (typeof s.sceneId === 'string' && s.sceneId !== this.engine.heardSceneId())
      this.onSceneFromLeader(s.sceneId);
    const playhead = typeof s.playhead === 'number' ? s.playhead : 0;
    const playing = s.playing === true;
    if (!this.lastSample || this.lastSample.playhead !== playhead || this.lastSample.playing !== playing) {
      this.lastSample = { playhead, playing };
      this.recent.push({ playhead, playing, receivedAtMs: arrived });
      if (this.recent.length > 40) this.recent.shift();
      if (this.clock.update({ playhead, playing, receivedAtMs: arrived })) this.settleUntil = arrived + 600;
      void this.check();
    }
    if (playing) this.startChecking();
    else this.stopChecking();
  };

  private startChecking(): void {
    if (!this.checkTimer) this.checkTimer = setInterval(() => void this.check(), CHECK_MS);
  }

  private stopChecking(): void {
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.checkTimer = undefined;
  }

  /** Compares both transports now and corrects play state or drift. */
  private async check(): Promise<void> {
    if (this.busy || this.leaderClient === null || !this.clock.known) return;
    const now = performance.now();
    const leader = { playing: this.clock.isPlaying, position: this.clock.positionAt(now) };
    const mine = { playing: this.engine.isPlaying, position: this.engine.audiblePosition(now) };
    if (leader.playing && mine.playing) {
      const drift = Math.abs(mine.position - leader.position);
      this.stats.checks++;
      this.stats.lastDriftS = drift;
      if (now > this.settleUntil) this.stats.maxDriftS = Math.max(this.stats.maxDriftS, drift);
    }
    const action = followAction(mine, leader, DRIFT_THRESHOLD_S);
    if (action.type === 'none') return;
    this.log.push({ atMs: now, action: action.type, mine: mine.position, leader: leader.position });
    if (this.log.length > 40) this.log.shift();
    this.busy = true;
    try {
      if (action.type === 'pause') {
        this.engine.pause();
        this.engine.seek(action.at);
      } else if (action.type === 'seek' && !leader.playing) {
        this.engine.seek(action.at);
      } else {
        if (action.type === 'seek') this.stats.corrections++;
        await this.engine.playAligned((ms) => this.clock.positionAt(ms));
        this.settleUntil = Math.max(this.settleUntil, performance.now() + 100);
      }
    } finally {
      this.busy = false;
    }
  }

  resetStats(): void {
    Object.assign(this.stats, { checks: 0, corrections: 0, lastDriftS: 0, maxDriftS: 0 });
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }

  dispose(): void {
    this.awareness.off('change', this.onAwareness);
    this.offEngine();
    this.offStall();
    for (const t of this.again) clearTimeout(t);
    this.stopChecking();
    if (this.publishTimer) clearInterval(this.publishTimer);
    // Leaving the mixer: the room should no longer see this person on a scene.
    const current = this.awareness.getLocalState();
    if (current) this.awareness.setLocalState({ ...current, sceneId: null, playing: false });
    this.listeners.clear();
  }
}
