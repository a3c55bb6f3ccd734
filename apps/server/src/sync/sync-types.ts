import type * as Y from 'yjs';
import type { SyncRoom } from './sync-room.js';

/**
 * Where a change to a live document came from. Storage and fan-out look at it so that nothing is stored
 * or published twice: only `connection` and `server` changes are appended to the log and published to
 * other instances; `redis` changes were stored by the instance that accepted them. [SY-12]
 */
export type UpdateOrigin =
  | { readonly source: 'connection'; readonly connId: number }
  | { readonly source: 'redis' }
  | { readonly source: 'server' };

export const REDIS_ORIGIN: UpdateOrigin = Object.freeze({ source: 'redis' });
export const SERVER_ORIGIN: UpdateOrigin = Object.freeze({ source: 'server' });

/** A reason to refuse an update, reported by the schema validator. */
export interface SyncIssue {
  code: string;
  message: string;
}

/**
 * What the sync core needs from the outside world. The core never touches storage or the domain schema
 * itself; the Nest module plugs PostgreSQL and mix-model in here.
 */
export interface SyncHooks {
  /** The stored state of a document as updates to apply in order (e.g. snapshot, then log rows). */
  load(name: string): Promise<Uint8Array[]>;
  /** Makes an accepted update durable; resolves once committed. Called before anyone else sees it. */
  store(name: string, update: Uint8Array): Promise<void>;
  /**
   * The initial content of a brand-new document, or null to leave it empty. Should be deterministic
   * (fixed client id) so that two instances seeding at once write the same items.
   */
  seed(name: string): Promise<Uint8Array | null>;
  /** Errors in what one transaction changed on the shadow document; empty = accept. Must not throw. */
  validate(doc: Y.Doc, transaction: Y.Transaction): SyncIssue[];
  /** A room was unloaded (after its last change was stored), e.g. to compact its log. */
  unloaded?(name: string): void;
}

/** Plug-in points for fan-out between instances (Redis) and similar edges. */
export interface SyncExtension {
  /** Before the room loads from storage (subscribe here so that nothing published meanwhile is missed). */
  roomOpening?(room: SyncRoom): Promise<void>;
  /** The room is loaded and serving. */
  roomReady?(room: SyncRoom): void;
  /** The room is unloading. */
  roomClosed?(room: SyncRoom): Promise<void>;
  /** A change became live (it is durable; `origin` says where it came from). */
  updated?(room: SyncRoom, update: Uint8Array, origin: UpdateOrigin): void;
  /** Presence changed (already sanitized). */
  awarenessUpdated?(room: SyncRoom, update: Uint8Array, origin: UpdateOrigin | string): void;
  /** A remote update could not be integrated (it depends on something missing): ask peers for it. */
  gap?(room: SyncRoom): void;
}

/** Minimal logger (pino-compatible). */
export interface SyncLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: SyncLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * WebSocket close codes the sync endpoint uses (SYNC.md [SY-7]). y-websocket 3.x clients stop
 * reconnecting on 4400-4499 and retry with backoff on anything else.
 */
export const CLOSE = {
  /** The server is restarting or shutting down; reconnect. */
  restart: 1012,
  /** Role changed (e.g. demoted to viewer); reconnect to continue with the new role. */
  roleChanged: 4001,
  /** Malformed frame, unknown message type, or an update the mix schema rejects. Permanent. */
  invalid: 4400,
  /** No longer a member of the session. Permanent. */
  forbidden: 4403,
  /** The session was deleted. Permanent. */
  gone: 4410,
  /** A message above the byte cap, or an update that would push the document past its size budget. Permanent. */
  tooLarge: 4413,
  /** More messages than SYNC_MAX_MESSAGES_PER_SECOND allows (or sync requests beyond 10 + 1 per 2 s). Permanent. */
  tooMany: 4429,
  /** Storage failed; reconnect later (the client resends what the server lacks). */
  unavailable: 4500,
} as const;
