import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

/** A change in a session, named `domain.noun.verb-past`-style (`note.created`, `member.removed`). */
export interface SessionEvent {
  /** Monotonic per process; SSE uses it as the event id. */
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
 * In-process fan-out of session events. A Redis transport (multi-instance) attaches through
 * {@link SessionEvents.setTransport}; local listeners always see every event exactly once.
 */
@Injectable()
export class SessionEvents {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private transport?: (event: SessionEvent) => void;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(sessionId: string, type: string, data: Record<string, unknown>, actorId?: string | null): SessionEvent {
    const event: SessionEvent = { sessionId, type, data, actorId: actorId ?? null, at: new Date().toISOString() };
    if (this.transport) this.transport(event);
    else this.deliver(event);
    return event;
  }

  /** Delivers an event to this process's listeners (called by the transport for every event, local or remote). */
  deliver(event: SessionEvent): void {
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
}
