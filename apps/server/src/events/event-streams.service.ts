import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Caller } from '../common/caller.js';
import { LOGGER } from '../common/tokens.js';
import { Metrics } from '../observability/metrics.js';
import { SessionAccess } from '../sessions/session-access.service.js';
import { EventLog } from './event-log.js';
import { type SessionEvent, SessionEvents } from './session-events.js';
import { frameOf } from './sse-frame.js';

/** Sent instead of a replay when events after the client's Last-Event-ID are no longer buffered. */
export const RESYNC_EVENT = 'stream.resync';

interface OpenStream {
  end(reason: string): void;
}

/**
 * Server-sent event streams of session events for members.
 *
 * Wire format per event: `id: <event id>`, `event: <type>`, `data: {"id","type","sessionId","actorId","at","data"}`.
 * A stream ends when its member is removed or the session deleted (after delivering that event), when
 * membership is found gone on a heartbeat check, when the client reads too slowly, and on shutdown.
 */
@Injectable()
export class EventStreams implements OnModuleDestroy {
  /** Comment lines keep proxies and browsers from timing the stream out; each also rechecks membership. */
  heartbeatMs = 15_000;
  /** A client further behind than this is dropped; it resumes with Last-Event-ID. */
  maxBufferedBytes = 1024 * 1024;
  private readonly streams = new Set<OpenStream>();

  constructor(
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Inject(EventLog) private readonly log: EventLog,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(Metrics) metrics?: Metrics,
  ) {
    metrics?.observe('sseStreams', () => this.openCount);
  }

  get openCount(): number {
    return this.streams.size;
  }

  onModuleDestroy(): void {
    for (const stream of [...this.streams]) stream.end('shutdown');
  }

  async open(
    caller: Caller,
    sessionId: string,
    options: { lastEventId?: string; once?: boolean },
    req: Request,
    res: Response,
  ): Promise<void> {
    // 404 for outsiders, before anything is streamed (anonymous callers never get here: 401).
    await this.access.require(sessionId, caller, 'read');
    const afterId = parseEventId(options.lastEventId);

    let closed = false;
    let heartbeat: NodeJS.Timeout | undefined;
    const stream: OpenStream = {
      end: (reason) => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        this.streams.delete(stream);
        this.logger.debug({ sessionId, userId: caller.userId, reason }, 'event stream ended');
        if (!res.writableEnded) res.end();
      },
    };
    const write = (chunk: string) => {
      if (closed) return;
      res.write(chunk);
      if (res.writableLength > this.maxBufferedBytes) stream.end('slow client');
    };
    const send = (event: SessionEvent) => {
      write(frameOf(event));
      if (endsStreamOf(event, caller.userId)) stream.end(event.type);
    };

    // Subscribe, send headers and replay with no await in between, so no event can fall in a gap
    // between the buffered replay and the live subscription.
    const unsubscribe = this.events.subscribe(sessionId, send);
    this.streams.add(stream);
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    write(': connected\nretry: 3000\n\n');
    if (afterId !== undefined) {
      const replay = this.log.replay(sessionId, afterId);
      if (!replay.complete) {
        write(
          `event: ${RESYNC_EVENT}\ndata: ${JSON.stringify({ reason: 'events were missed; reload' })}\n\n`,
        );
      }
      for (const event of replay.events) send(event);
    }
    if (options.once) {
      stream.end('once');
      return;
    }
    res.on('close', () => stream.end('client closed'));
    heartbeat = setInterval(() => {
      write(': heartbeat\n\n');
      // Catches removals whose event this instance never saw.
      this.access.roleOf(sessionId, caller.userId).then(
        (role) => {
          if (!role) stream.end('no longer a member');
        },
        (err) => this.logger.warn({ err, sessionId }, 'membership check of an event stream failed'),
      );
    }, this.heartbeatMs);
    heartbeat.unref();
  }
}

function parseEventId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

function endsStreamOf(event: SessionEvent, userId: string): boolean {
  return (
    event.type === 'session.deleted' || (event.type === 'member.removed' && event.data.userId === userId)
  );
}
