import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { type Caller } from '../common/caller.js';
import { conflict } from '../common/errors.js';
import { LOGGER } from '../common/tokens.js';
import { MixDocuments } from '../sync/mix-documents.js';
import { createDemoSession, DemoHttp } from './demo-session.js';

/** Origin of this server as seen from inside (the demo talks to its own API). */
function selfOrigin(req: Request): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.startsWith('::ffff:')
    ? address.slice(7)
    : address.includes(':')
      ? `[${address}]`
      : address;
  return `http://${host}:${req.socket.localPort}`;
}

@Injectable()
export class DemoService {
  private readonly running = new Set<string>();

  constructor(
    @Inject(MixDocuments) private readonly docs: MixDocuments,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Creates the demo session for a caller who has none yet, acting as the caller through the public API. */
  async create(caller: Caller, req: Request) {
    if (this.running.has(caller.userId))
      throw conflict('The demo session is already being created.', 'demo_running');
    this.running.add(caller.userId);
    try {
      const auth: Record<string, string> = {};
      if (req.headers.cookie) auth.cookie = req.headers.cookie;
      if (req.headers.authorization) auth.authorization = req.headers.authorization;
      const http = new DemoHttp(selfOrigin(req), auth);
      const { sessions } = await http.json<{ sessions: unknown[] }>('GET', '/api/sessions');
      if (sessions.length > 0) {
        throw conflict('The demo is offered to people who have no sessions yet.', 'has_sessions');
      }
      const started = Date.now();
      const result = await createDemoSession(http, this.docs);
      this.logger.info({ sessionId: result.sessionId, ms: Date.now() - started }, 'demo session created');
      return http.json<{ session: unknown }>('GET', `/api/sessions/${result.sessionId}`).then((r) => ({
        session: r.session,
      }));
    } finally {
      this.running.delete(caller.userId);
    }
  }
}
