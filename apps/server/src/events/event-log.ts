import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type SessionEvent, SessionEvents } from './session-events.js';
import { frameOf } from './sse-frame.js';

export interface EventLogLimits {
  /** Events kept per session. */
  perSession: number;
  /** Sessions kept; the least recently active one is forgotten first. */
  sessions: number;
  /** Size of all kept frames (UTF-16 code units, about bytes); the least recently active sessions shrink first. */
  totalChars: number;
}

/** What a resuming client gets: the events after its id, or word that some are no longer available. */
export type Replay = { complete: true; events: SessionEvent[] } | { complete: false; events: SessionEvent[] };

interface Ring {
  /** Sorted by numeric id. */
  events: { n: number; event: SessionEvent; size: number }[];
  /** Every event with an id above this is (or was) in `events`; ids at or below may have been missed. */
  coveredAfter: number;
}

/**
 * A bounded per-session ring buffer of recent session events, for Last-Event-ID resumption.
 *
 * It records every event this instance delivers (local or from other instances). A client can resume
 * from id X only if this instance was recording the session when X was issued and nothing after X has
 * been evicted since; otherwise {@link replay} says the replay is incomplete and the client reloads
 * state over REST. Ids are clock-based (see EventIds), so "recording since" is a comparison with the
 * clock at start-up.
 */
@Injectable()
export class EventLog implements OnModuleDestroy {
  readonly limits: EventLogLimits = { perSession: 256, sessions: 1000, totalChars: 32 * 1024 * 1024 };
  private readonly rings = new Map<string, Ring>();
  private totalChars = 0;
  /** Ids (microsecond clock) issued before this process started listening are unknown to it. */
  private readonly startedAt = Date.now() * 1000;
  /** Highest event id of any session whose ring was forgotten to stay within the limits. */
  private forgottenUpTo = 0;
  private readonly unsubscribe: () => void;

  constructor(@Inject(SessionEvents) events: SessionEvents) {
    this.unsubscribe = events.subscribe('*', (event) => this.record(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  record(event: SessionEvent): void {
    const n = Number(event.id);
    if (!event.id || !Number.isSafeInteger(n)) return;
    let ring = this.rings.get(event.sessionId);
    if (ring) {
      // Most recently active last: Map keeps insertion order.
      this.rings.delete(event.sessionId);
    } else {
      ring = { events: [], coveredAfter: this.startedAt };
    }
    this.rings.set(event.sessionId, ring);
    const list = ring.events;
    // Events from several instances can arrive slightly out of id order; keep the buffer sorted.
    let i = list.length;
    while (i > 0 && list[i - 1]!.n > n) i--;
    if (i > 0 && list[i - 1]!.n === n) return;
    const size = frameOf(event).length;
    list.splice(i, 0, { n, event, size });
    this.totalChars += size;
    while (list.length > this.limits.perSession) this.dropOldest(ring);
    while (this.rings.size > this.limits.sessions) this.forget(this.rings.keys().next().value!);
    // Over the memory budget: shrink the least recently active sessions first.
    while (this.totalChars > this.limits.totalChars && this.rings.size > 0) {
      const [sessionId, oldest] = this.rings.entries().next().value!;
      if (oldest.events.length > 1 || oldest !== ring) this.dropOldest(oldest);
      else break;
      if (oldest.events.length === 0) this.forget(sessionId);
    }
  }

  private dropOldest(ring: Ring): void {
    const dropped = ring.events.shift();
    if (!dropped) return;
    this.totalChars -= dropped.size;
    ring.coveredAfter = Math.max(ring.coveredAfter, dropped.n);
  }

  private forget(sessionId: string): void {
    const ring = this.rings.get(sessionId);
    if (!ring) return;
    this.rings.delete(sessionId);
    for (const e of ring.events) this.totalChars -= e.size;
    this.forgottenUpTo = Math.max(this.forgottenUpTo, ring.events.at(-1)?.n ?? ring.coveredAfter);
  }

  /** Events of a session with an id above `afterId`, oldest first. */
  replay(sessionId: string, afterId: number): Replay {
    const ring = this.rings.get(sessionId);
    // Without a ring the session had no events since start-up, or its ring was forgotten (LRU); which
    // one is not remembered, so any id at or below the newest forgotten event is treated as a gap
    // (a needless reload at worst).
    const coveredAfter = ring?.coveredAfter ?? Math.max(this.startedAt, this.forgottenUpTo);
    const events = (ring?.events ?? []).filter((e) => e.n > afterId).map((e) => e.event);
    return { complete: afterId >= coveredAfter, events };
  }
}
