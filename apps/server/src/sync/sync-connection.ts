import * as awarenessProtocol from 'y-protocols/awareness';
import type { RawData, WebSocket } from 'ws';
import { type AwarenessLimits, type PresenceUser, sanitizeAwarenessEntries } from './awareness-policy.js';
import {
  type ClientMessage,
  decodeAwarenessUpdate,
  encodeAwarenessEntries,
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  parseClientMessage,
  ProtocolError,
} from './protocol.js';
import { Scope } from './scope.js';
import type { HeldUpdates, SyncRoom } from './sync-room.js';
import { CLOSE, type SyncLogger, type UpdateOrigin } from './sync-types.js';

/** Who is connected and what they may do. */
export interface ConnectionIdentity {
  user: PresenceUser;
  /** Engineers and artists write; viewers only read. [SY-8] */
  canWrite: boolean;
}

export interface SyncConnectionOptions {
  /** Largest update accepted in one message, in bytes. */
  maxMessageBytes: number;
  awareness: AwarenessLimits;
  /** Ping interval; a peer that misses one pong is dropped. In ms. Default 30000. */
  pingIntervalMs: number;
  /** Bytes queued for a peer that does not read; beyond this it is dropped. Default 16 MiB. */
  maxBufferedBytes: number;
  /** Messages per second on average; bursts of twice as many pass. Beyond, the socket is closed (4429). */
  maxMessagesPerSecond: number;
}

/** A token bucket: `rate` per second on average, at most `burst` at once. */
class MessageBudget {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

let nextConnectionId = 1;

/** Sync messages a connection may queue while the document is rebuilt, beyond one message of the maximum size. */
const DEFERRED_SLACK_BYTES = 64 * 1024;
/**
 * Sync step 1 (a request for everything the sender lacks) costs an encoding of the whole document: ten at once,
 * then one per two seconds. A stock client sends one per connection.
 */
const STEP1_BURST = 10;
const STEP1_PER_SECOND = 0.5;

/** One WebSocket on one room: decodes frames, enforces the role, and answers like a y-websocket server. */
export class SyncConnection {
  readonly id = nextConnectionId++;
  readonly origin: UpdateOrigin;
  readonly scope = new Scope();
  /** Presence client ids this connection owns (removed from the room when it closes). */
  readonly awarenessIds = new Set<number>();
  private readonly held: HeldUpdates = { updates: [], bytes: 0 };
  /** Bytes of sync messages waiting for the document (see onMessage). */
  private deferredBytes = 0;
  private readonly messageBudget: MessageBudget;
  private readonly step1Budget = new MessageBudget(STEP1_PER_SECOND, STEP1_BURST);
  private closing = false;
  private alive = true;

  constructor(
    private readonly ws: WebSocket,
    readonly room: SyncRoom,
    readonly identity: ConnectionIdentity,
    private readonly options: SyncConnectionOptions,
    private readonly logger: SyncLogger,
  ) {
    this.origin = Object.freeze({ source: 'connection', connId: this.id });
    this.messageBudget = new MessageBudget(options.maxMessagesPerSecond, 2 * options.maxMessagesPerSecond);
  }

  get userId(): string {
    return this.identity.user.id;
  }

  /** Wires the socket and sends the opening sync step 1 and current presence. */
  start(): void {
    const onMessage = (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary);
    const onClose = () => this.dispose();
    const onError = (error: Error) => {
      this.logger.debug({ err: error, conn: this.id }, 'sync socket error');
      this.dispose();
    };
    const onPong = () => {
      this.alive = true;
    };
    this.scope.on(this.ws, 'message', onMessage);
    this.scope.on(this.ws, 'close', onClose);
    this.scope.on(this.ws, 'error', onError);
    this.scope.on(this.ws, 'pong', onPong);
    this.scope.interval(() => {
      if (!this.alive) {
        this.ws.terminate();
        return;
      }
      this.alive = false;
      this.ws.ping();
    }, this.options.pingIntervalMs);
    this.room.connections.add(this);
    this.scope.add(() => this.room.connections.delete(this));
    this.scope.add(() => {
      const ids = [...this.awarenessIds].filter((id) => this.room.awareness.getStates().has(id));
      if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.room.awareness, ids, this.origin);
    });
    this.room.whenConsistent(() => this.send(encodeSyncStep1(this.room.stateVector())));
    const states = this.room.awareness.getStates();
    if (states.size > 0) {
      this.send(
        encodeAwarenessMessage(
          awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, [...states.keys()]),
        ),
      );
    }
  }

  send(message: Uint8Array): void {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.options.maxBufferedBytes) {
      // A peer that does not read would grow our memory without bound; it resyncs when it reconnects.
      this.logger.warn({ conn: this.id, doc: this.room.name }, 'dropping a sync peer that does not read');
      this.ws.terminate();
      this.dispose();
      return;
    }
    this.ws.send(message);
  }

  /** Closes with a code from {@link CLOSE} (SYNC.md [SY-7]); nothing from this socket is processed after. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    try {
      this.ws.close(code, truncateReason(reason));
    } catch {
      this.ws.terminate();
    }
    this.dispose();
  }

  /** Frees every listener and timer, leaves the room, and removes this peer's presence. */
  dispose(): void {
    this.closing = true;
    this.held.updates = [];
    this.scope.destroy();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    if (!this.messageBudget.take()) {
      this.logger.info({ conn: this.id, doc: this.room.name }, 'sync socket over its message rate');
      this.close(CLOSE.tooMany, 'Too many messages; slow down.');
      return;
    }
    if (!isBinary) {
      this.close(CLOSE.invalid, 'Text frames are not part of the sync protocol.');
      return;
    }
    const frame = toBytes(data);
    let message: ClientMessage;
    try {
      message = parseClientMessage(frame);
    } catch (error) {
      this.close(CLOSE.invalid, error instanceof ProtocolError ? error.message : 'Malformed message.');
      return;
    }
    if (message.kind === 'step1' && !this.step1Budget.take()) {
      this.close(CLOSE.tooMany, 'Too many sync requests; slow down.');
      return;
    }
    if (message.kind === 'awareness' || message.kind === 'query-awareness') {
      this.handleSafely(message);
      return;
    }
    // While the document is rebuilt after someone's refused update, sync messages wait (in order). [SY-4]
    this.deferredBytes += frame.length;
    if (this.deferredBytes > this.options.maxMessageBytes + DEFERRED_SLACK_BYTES) {
      this.close(CLOSE.restart, 'The document is busy; reconnect.');
      return;
    }
    this.room.whenConsistent(() => {
      this.deferredBytes -= frame.length;
      if (!this.closing) this.handleSafely(message);
    });
  }

  private handleSafely(message: ClientMessage): void {
    try {
      this.handle(message);
    } catch (error) {
      this.logger.warn({ err: error, conn: this.id, doc: this.room.name }, 'sync message failed');
      this.close(CLOSE.invalid, 'The message could not be processed.');
    }
  }

  private handle(message: ClientMessage): void {
    switch (message.kind) {
      case 'step1':
        // Sent once everything in it is stored: a client never receives what a crash could lose. [SY-10]
        this.room.diffFor(message.stateVector, (update) => this.send(encodeSyncStep2(update)));
        return;
      case 'step2':
      case 'update': {
        if (message.update.length > this.options.maxMessageBytes) {
          this.close(CLOSE.tooLarge, 'The update is larger than the message limit.');
          return;
        }
        // Viewers are answered (step 1 above, broadcasts) but their writes are never applied. [SY-8]
        if (!this.identity.canWrite) return;
        const result = this.room.receive(message.update, this.origin, this.held, message.kind);
        if (result.status === 'rejected') {
          const code =
            result.code === 'too-large'
              ? CLOSE.tooLarge
              : result.code === 'unavailable'
                ? CLOSE.restart
                : CLOSE.invalid;
          this.logger.info(
            { conn: this.id, doc: this.room.name, code, reason: result.reason },
            'update refused',
          );
          this.close(code, result.reason);
        }
        return;
      }
      case 'awareness':
        this.onAwareness(message.update);
        return;
      case 'query-awareness': {
        const states = this.room.awareness.getStates();
        this.send(
          encodeAwarenessMessage(
            awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, [...states.keys()]),
          ),
        );
        return;
      }
    }
  }

  private onAwareness(update: Uint8Array): void {
    const limits = this.options.awareness;
    if (update.length > limits.maxMessageBytes) {
      this.close(CLOSE.tooLarge, 'The presence message is too large.');
      return;
    }
    const entries = decodeAwarenessUpdate(update, limits.maxEntries);
    const clean = sanitizeAwarenessEntries(entries, this.identity.user, limits, (clientId) =>
      this.claim(clientId),
    );
    if (clean.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(this.room.awareness, encodeAwarenessEntries(clean), this.origin);
  }

  /** A presence client id is this connection's if no other local connection owns it. */
  private claim(clientId: number): boolean {
    if (this.awarenessIds.has(clientId)) return true;
    if (this.awarenessIds.size >= this.options.awareness.maxClientIdsPerConnection) return false;
    for (const other of this.room.connections)
      if (other !== this && other.awarenessIds.has(clientId)) return false;
    this.awarenessIds.add(clientId);
    return true;
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/** WebSocket close reasons are limited to 123 bytes of UTF-8. */
export function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= 123) return reason;
  let cut = 120;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return `${bytes.subarray(0, cut).toString('utf8')}...`;
}
