import { EventEmitter } from 'node:events';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { REDIS } from '../common/redis.js';
import { CONFIG, LOGGER } from '../common/tokens.js';
import type { Config } from '../config/config.js';

/** A change in a session, named `domain.noun.verb-past`-style (`note.created`, `member.removed`). */
export interface SessionEvent {
  /**
   * Unique and increasing per session, across instances (see {@link EventIds}); SSE uses it as the event
   * id for Last-Event-ID resumption. A decimal integer string (microsecond-clock based, < 2^53).
   */
  id?: string;
  sessionId: string;
  type: string;
  data: Record<string, unknown>;
  /** The user whose action caused it, when there is one. */
  actorId?: string | null;
  at: string;
}

export type SessionEventListener = (event: SessionEvent) => void;

/**
 * Event ids: a per-session hybrid clock, `id = max(previous id + 1, clock in microseconds)`.
 *
 * - With Redis, one atomic script per event on key `<prefix>events:seq:<sessionId>` using Redis' own
 *   TIME, so every instance draws from the same counter: ids are unique and ordered per session across
 *   instances. The clock floor keeps ids increasing even after the key expires or Redis restarts empty.
 * - Without Redis (one instance), the same rule on a process-local counter; the clock floor keeps ids
 *   increasing across restarts, so a client's Last-Event-ID from before a restart is recognised as old.
 *
 * Microseconds since 1970 stay below 2^53 (exact in JSON and JavaScript numbers) until the year 2255.
 */
export class EventIds {
  private readonly last = new Map<string, number>();
  private defined = false;

  constructor(
    private readonly redis: Redis | null,
    private readonly keyPrefix: string,
    private readonly logger?: Logger,
  ) {}

  /** Whether ids need a Redis round trip (asynchronous allocation). */
  get shared(): boolean {
    return this.redis !== null;
  }

  /** Next id from this process's clock (also the fallback when Redis fails). */
  local(sessionId: string): number {
    const floor = Date.now() * 1000;
    const next = Math.max((this.last.get(sessionId) ?? 0) + 1, floor);
    this.last.set(sessionId, next);
    // Bounded: forgetting a session is harmless thanks to the clock floor (only same-millisecond bursts
    // after a forget could repeat, and the floor moves on every millisecond).
    if (this.last.size > 10_000) this.last.delete(this.last.keys().next().value!);
    return next;
  }

  /** Keeps the local counter ahead of ids seen from other instances. */
  observe(sessionId: string, id: number): void {
    if (id > (this.last.get(sessionId) ?? 0)) this.last.set(sessionId, id);
  }

  async next(sessionId: string): Promise<number> {
    if (!this.redis) return this.local(sessionId);
    try {
      if (!this.defined) {
        this.redis.defineCommand('mixroomNextEventId', { numberOfKeys: 1, lua: NEXT_ID_LUA });
        this.defined = true;
      }
      const key = `${this.keyPrefix}events:seq:${sessionId}`;
      const id = Number(
        await (
          this.redis as unknown as { mixroomNextEventId(key: string): Promise<number> }
        ).mixroomNextEventId(key),
      );
      if (!Number.isSafeInteger(id)) throw new Error(`bad event id ${id}`);
      this.observe(sessionId, id);
      return id;
    } catch (err) {
      this.logger?.warn({ err, sessionId }, 'event id from Redis failed; using the local clock');
      return this.local(sessionId);
    }
  }
}

// Lua numbers are doubles: exact up to 2^53; string.format('%.0f') avoids "1.7e+15" when storing.
const NEXT_ID_LUA = `
local v = redis.call('INCR', KEYS[1])
local t = redis.call('TIME')
local floor = tonumber(t[1]) * 1000000 + tonumber(t[2])
if v < floor then
  v = floor
  redis.call('SET', KEYS[1], string.format('%.0f', v))
end
redis.call('PEXPIRE', KEYS[1], 86400000)
return v
`;

/**
 * In-process fan-out of session events. A Redis transport (multi-instance) attaches through
 * {@link SessionEvents.setTransport}; local listeners always see every event exactly once.
 *
 * Every event gets an id (see {@link EventIds}) before it reaches the transport or local listeners; with
 * Redis that takes one round trip, so delivery is asynchronous, but events published by one process for
 * one session keep their order.
 */
@Injectable()
export class SessionEvents {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private readonly published = new EventEmitter({ captureRejections: false });
  private transport?: (event: SessionEvent) => void;
  private readonly ids: EventIds;
  /** Per-session tail of pending id allocations, so one process's events leave in publish order. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    @Optional() @Inject(REDIS) redis?: Redis | null,
    @Optional() @Inject(CONFIG) config?: Config,
    @Optional() @Inject(LOGGER) private readonly logger?: Logger,
  ) {
    this.emitter.setMaxListeners(0);
    this.published.setMaxListeners(0);
    this.ids = new EventIds(redis ?? null, config?.redisPrefix ?? 'mixroom:', logger);
  }

  /**
   * Publishes an event to every member's stream. Returns the event at once; its `id` is set when it is
   * dispatched (immediately without Redis). Use {@link publishAndWait} to wait for that.
   */
  publish(
    sessionId: string,
    type: string,
    data: Record<string, unknown>,
    actorId?: string | null,
  ): SessionEvent {
    return this.enqueue(sessionId, type, data, actorId).event;
  }

  /** Like {@link publish}, resolving once the event has its id and was handed to the transport. */
  publishAndWait(
    sessionId: string,
    type: string,
    data: Record<string, unknown>,
    actorId?: string | null,
  ): Promise<SessionEvent> {
    const { event, done } = this.enqueue(sessionId, type, data, actorId);
    return done.then(() => event);
  }

  private enqueue(sessionId: string, type: string, data: Record<string, unknown>, actorId?: string | null) {
    const event: SessionEvent = {
      sessionId,
      type,
      data,
      actorId: actorId ?? null,
      at: new Date().toISOString(),
    };
    const tail = this.pending.get(sessionId);
    if (!tail && !this.ids.shared) {
      event.id = String(this.ids.local(sessionId));
      this.dispatch(event);
      return { event, done: Promise.resolve() };
    }
    const done = (tail ?? Promise.resolve())
      .then(() => this.ids.next(sessionId))
      .then((id) => {
        event.id = String(id);
        this.dispatch(event);
      })
      .catch((err) => this.logger?.error({ err, type, sessionId }, 'publishing a session event failed'));
    this.pending.set(sessionId, done);
    void done.then(() => {
      if (this.pending.get(sessionId) === done) this.pending.delete(sessionId);
    });
    return { event, done };
  }

  private dispatch(event: SessionEvent): void {
    if (this.transport) this.transport(event);
    else this.deliver(event);
    this.published.emit('event', event);
  }

  /** Delivers an event to this process's listeners (called by the transport for every event, local or remote). */
  deliver(event: SessionEvent): void {
    if (event.id) {
      const n = Number(event.id);
      if (Number.isSafeInteger(n)) this.ids.observe(event.sessionId, n);
    }
    this.emitter.emit(event.sessionId, event);
    this.emitter.emit('*', event);
  }

  setTransport(transport: ((event: SessionEvent) => void) | undefined): void {
    this.transport = transport;
  }

  subscribe(sessionId: string | '*', listener: SessionEventListener): () => void {
    this.emitter.on(sessionId, listener);
    return () => this.emitter.off(sessionId, listener);
  }

  /**
   * Events published by this process only (not those arriving from other instances), once they have an
   * id. For side effects that must happen exactly once per event cluster-wide, such as notifications.
   */
  onPublished(listener: SessionEventListener): () => void {
    const wrapped = (event: SessionEvent) => {
      try {
        listener(event);
      } catch (err) {
        this.logger?.error({ err, type: event.type }, 'a published-event listener failed');
      }
    };
    this.published.on('event', wrapped);
    return () => this.published.off('event', wrapped);
  }
}
