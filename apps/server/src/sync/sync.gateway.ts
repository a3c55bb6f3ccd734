import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { AuthService } from '../accounts/auth.service.js';
import { readBearer, readSessionCookie } from '../accounts/session-cookie.js';
import { CONFIG, LOGGER } from '../common/tokens.js';
import type { Config } from '../config/config.js';
import { SessionAccess } from '../sessions/session-access.service.js';
import { sessionDocName } from './mix-schema.js';
import { SyncService } from './sync.service.js';
import { CLOSE } from './sync-types.js';

const PATH = /^\/sync\/([^/]+)\/?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Room for the message header (type, sub-type, length prefix) around an update of the maximum size. */
const FRAME_OVERHEAD_BYTES = 32;

/**
 * `WS /sync/:sessionId`: the y-websocket endpoint, attached to the HTTP server's `upgrade` event (Nest's
 * WsAdapter matches paths exactly and JSON-parses frames). The caller is authenticated (cookie
 * `mixroom_session`, `?token=` or `Authorization: Bearer` with a personal access token) and their
 * membership checked BEFORE the WebSocket handshake: anonymous callers get a plain HTTP 401, outsiders
 * and unknown sessions 404, and no socket is ever opened for them. [SY-1]
 */
@Injectable()
export class SyncGateway implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly wss: WebSocketServer;
  private server?: Server;
  private readonly listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void this.onUpgrade(req, socket, head);
  };
  private readonly pending = new Set<Duplex>();
  private closed = false;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(SyncService) private readonly sync: SyncService,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      // Frames above this are refused by ws itself (close 1009); updates up to the limit get 4413 from us.
      maxPayload: config.maxSyncMessageBytes + FRAME_OVERHEAD_BYTES,
      perMessageDeflate: false,
      clientTracking: false,
    });
  }

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.listener);
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.server?.off('upgrade', this.listener);
    for (const socket of this.pending) socket.destroy();
    this.wss.close();
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    if (!match) {
      // Not ours; answer unless someone else handles upgrades on this server.
      if ((this.server?.listenerCount('upgrade') ?? 1) <= 1) refuse(socket, 404, 'not_found', 'Not found.');
      return;
    }
    socket.on('error', () => {});
    this.pending.add(socket);
    try {
      const sessionId = safeDecode(match[1]!);
      const token = url.searchParams.get('token') || readBearer(req);
      const cookie = readSessionCookie(req.headers.cookie);
      if (!token && cookie && !this.originAllowed(req)) {
        return refuse(socket, 403, 'forbidden', 'Cross-origin sync connections are not allowed.');
      }
      const caller = await this.auth.authenticate({ bearer: token || undefined, cookie });
      if (!caller) return refuse(socket, 401, 'unauthenticated', 'Sign in to continue.');
      if (!sessionId || !UUID.test(sessionId)) return refuse(socket, 404, 'not_found', 'Session not found.');
      const version = this.sync.membershipVersion(sessionId);
      const role = await this.access.roleOf(sessionId, caller.userId);
      if (!role) return refuse(socket, 404, 'not_found', 'Session not found.');
      if (this.closed || socket.destroyed)
        return refuse(socket, 503, 'unavailable', 'The server is restarting.');

      let lease: Awaited<ReturnType<SyncService['hub']['acquire']>>;
      try {
        lease = await this.sync.hub.acquire(sessionDocName(sessionId));
      } catch (error) {
        this.logger.error({ err: error, sessionId }, 'could not load a shared document');
        return refuse(socket, 503, 'unavailable', 'The document could not be loaded; try again.');
      }
      if (this.closed || socket.destroyed) {
        lease.release();
        return refuse(socket, 503, 'unavailable', 'The server is restarting.');
      }
      this.pending.delete(socket);
      let attached = false;
      // ws answers a bad handshake itself and never calls back: free the room then.
      socket.once('close', () => {
        if (!attached) lease.release();
      });
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        attached = true;
        const conn = this.sync.hub.connect(ws, lease, {
          user: { id: caller.userId, displayName: caller.displayName, role },
          canWrite: role !== 'viewer',
        });
        // Membership changed while we were checking: look again now that the socket is registered,
        // so a removal or demotion that raced the handshake still takes effect.
        if (this.sync.membershipVersion(sessionId) !== version) {
          void this.access.roleOf(sessionId, caller.userId).then((now) => {
            if (!now) conn.close(CLOSE.forbidden, 'You are no longer a member of this session.');
            else if (now !== role) conn.close(CLOSE.roleChanged, 'Your role changed; reconnecting.');
          });
        }
      });
    } catch (error) {
      this.logger.error({ err: error }, 'sync upgrade failed');
      refuse(socket, 500, 'internal', 'Something went wrong.');
    } finally {
      this.pending.delete(socket);
    }
  }

  /**
   * Cookie-authenticated sockets must come from our own pages (cross-site WebSocket hijacking): the
   * Origin, when sent, must be the public URL's origin or match the Host the request was sent to.
   */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true; // not a browser
    try {
      const parsed = new URL(origin);
      return parsed.origin === new URL(this.config.publicUrl).origin || parsed.host === req.headers.host;
    } catch {
      return false;
    }
  }
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** A plain HTTP answer on the raw socket instead of the 101 upgrade. */
function refuse(socket: Duplex, status: number, code: string, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code, message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
