import type { WebSocket } from 'ws';
import type * as Y from 'yjs';
import { type AwarenessLimits, DEFAULT_AWARENESS_LIMITS } from './awareness-policy.js';
import { Scope } from './scope.js';
import { type ConnectionIdentity, SyncConnection } from './sync-connection.js';
import { SyncRoom } from './sync-room.js';
import { CLOSE, type SyncExtension, type SyncHooks, type SyncLogger, silentLogger } from './sync-types.js';

/** Options of {@link SyncHub}. */
export interface SyncHubOptions {
  /** Largest update in one message, in bytes. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Size budget of one document (encoded state), in bytes. Default 16 MiB. */
  maxDocumentBytes?: number;
  /** How long a room with nobody connected stays loaded, in ms. Default 30000. */
  idleUnloadMs?: number;
  /** Out-of-order bytes held per connection before it is closed. Default: maxMessageBytes. */
  maxHeldBytes?: number;
  /** WebSocket ping interval, in ms. Default 30000. */
  pingIntervalMs?: number;
  /** Bytes buffered for a slow reader before it is dropped. Default 16 MiB. */
  maxBufferedBytes?: number;
  /** Messages one socket may send per second on average (bursts of twice that). Default 200. */
  maxMessagesPerSecond?: number;
  awareness?: Partial<AwarenessLimits>;
  logger?: SyncLogger;
}

/** A claim on a loaded room that keeps it from unloading; call release() when done. */
export interface RoomLease {
  room: SyncRoom;
  release(): void;
}

interface RoomEntry {
  /** Resolves when loaded; rejects if loading failed. */
  ready: Promise<SyncRoom>;
  room: SyncRoom;
  /** Cancels the idle-unload timer. */
  cancelIdle?: () => void;
  /** Set while the room unloads; new users wait for it. */
  closing?: Promise<void>;
}

/**
 * The sync core: rooms by document name, their connections and their lifecycle (load on first use,
 * unload after `idleUnloadMs` with nobody connected). It knows nothing about Nest, HTTP, PostgreSQL or
 * Redis: storage and schema come in as {@link SyncHooks}, fan-out as {@link SyncExtension}s.
 */
export class SyncHub {
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly scope = new Scope();
  private readonly options: Required<Omit<SyncHubOptions, 'awareness' | 'logger'>> & {
    awareness: AwarenessLimits;
  };
  private readonly logger: SyncLogger;
  private closed = false;

  constructor(
    private readonly hooks: SyncHooks,
    private readonly extensions: SyncExtension[] = [],
    options: SyncHubOptions = {},
  ) {
    const maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
    this.options = {
      maxMessageBytes,
      maxDocumentBytes: options.maxDocumentBytes ?? 16 * 1024 * 1024,
      idleUnloadMs: options.idleUnloadMs ?? 30_000,
      maxHeldBytes: options.maxHeldBytes ?? maxMessageBytes,
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      maxBufferedBytes: options.maxBufferedBytes ?? 16 * 1024 * 1024,
      maxMessagesPerSecond: options.maxMessagesPerSecond ?? 200,
      awareness: { ...DEFAULT_AWARENESS_LIMITS, ...options.awareness },
    };
    this.logger = options.logger ?? silentLogger;
  }

  /** Adds an extension (before any room is opened). */
  use(extension: SyncExtension): void {
    this.extensions.push(extension);
  }

  /** Loaded rooms that are serving. */
  loadedRooms(): SyncRoom[] {
    return [...this.rooms.values()].map((e) => e.room).filter((r) => r.isReady);
  }

  /** A room if it is loaded in this process (no loading). */
  loaded(name: string): SyncRoom | undefined {
    const room = this.rooms.get(name)?.room;
    return room?.isReady ? room : undefined;
  }

  /** Loads the room if needed and keeps it loaded until the lease is released. */
  async acquire(name: string): Promise<RoomLease> {
    for (;;) {
      if (this.closed) throw new Error('The sync service is shutting down.');
      let entry = this.rooms.get(name);
      if (entry?.closing) {
        await entry.closing;
        continue;
      }
      if (!entry) entry = this.open(name);
      const room = await entry.ready;
      if (room.isClosed || entry.closing) continue; // unloaded while we waited
      entry.cancelIdle?.();
      entry.cancelIdle = undefined;
      room.leases++;
      let released = false;
      return {
        room,
        release: () => {
          if (released) return;
          released = true;
          room.leases--;
          this.maybeIdle(name);
        },
      };
    }
  }

  /** Attaches an upgraded socket to a room the caller holds a lease on. */
  connect(ws: WebSocket, lease: RoomLease, identity: ConnectionIdentity): SyncConnection {
    const conn = new SyncConnection(ws, lease.room, identity, this.options, this.logger);
    conn.scope.add(() => this.maybeIdle(lease.room.name));
    conn.start();
    lease.release();
    if (this.closed) conn.close(CLOSE.restart, 'The server is restarting.');
    return conn;
  }

  /** Runs `fn` on the document once every update accepted before the call is stored (loading it if needed). */
  async read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const lease = await this.acquire(name);
    try {
      return await lease.room.read(fn);
    } finally {
      lease.release();
    }
  }

  /** A server-made change: validated, stored, applied, broadcast. See {@link SyncRoom.change}. */
  async change(name: string, fn: (doc: Y.Doc) => void): Promise<void> {
    const lease = await this.acquire(name);
    try {
      await lease.room.change(fn);
    } finally {
      lease.release();
    }
  }

  /** Closes the connections of a loaded room that match. */
  closeConnections(
    name: string,
    match: (conn: SyncConnection) => boolean,
    code: number,
    reason: string,
  ): number {
    const room = this.rooms.get(name)?.room;
    if (!room) return 0;
    let closed = 0;
    for (const conn of [...room.connections]) {
      if (match(conn)) {
        conn.close(code, reason);
        closed++;
      }
    }
    return closed;
  }

  /** Unloads a room now (e.g. its session was deleted), closing its connections. */
  async unload(
    name: string,
    code: number = CLOSE.restart,
    reason = 'The document was unloaded.',
  ): Promise<void> {
    const entry = this.rooms.get(name);
    if (!entry) return;
    await entry.ready.catch(() => {});
    for (const conn of [...entry.room.connections]) conn.close(code, reason);
    await this.unloadEntry(name, entry);
  }

  /** Stops: closes every connection (1012, clients reconnect), waits until all accepted updates are stored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scope.destroy();
    const entries = [...this.rooms.entries()];
    for (const [, entry] of entries) {
      for (const conn of [...entry.room.connections]) conn.close(CLOSE.restart, 'The server is restarting.');
    }
    await Promise.all(
      entries.map(async ([name, entry]) => {
        await entry.ready.catch(() => {});
        await this.unloadEntry(name, entry);
      }),
    );
  }

  private open(name: string): RoomEntry {
    const room = new SyncRoom(name, this.hooks, this.extensions, this.options, this.logger);
    const entry: RoomEntry = { room, ready: Promise.resolve(room) };
    entry.ready = room.load().then(
      () => room,
      async (error: unknown) => {
        if (this.rooms.get(name) === entry) this.rooms.delete(name);
        await room.close().catch(() => {});
        throw error;
      },
    );
    // Unhandled if nobody awaits (e.g. shutdown raced the load); acquire() awaits it.
    entry.ready.catch(() => {});
    room.onFailure(() => {
      // Storage refused an update: drop the room so the next user loads exactly what is durable;
      // clients reconnect (4500) and resend what the server lacks.
      if (this.rooms.get(name) === entry) this.rooms.delete(name);
      for (const conn of [...room.connections])
        conn.close(CLOSE.unavailable, 'Storage is unavailable; reconnect.');
      room.abandon();
    });
    this.rooms.set(name, entry);
    return entry;
  }

  private maybeIdle(name: string): void {
    const entry = this.rooms.get(name);
    if (!entry || this.closed || entry.closing || entry.cancelIdle) return;
    const room = entry.room;
    if (room.connections.size > 0 || room.leases > 0) return;
    entry.cancelIdle = this.scope.timeout(() => {
      entry.cancelIdle = undefined;
      if (room.connections.size > 0 || room.leases > 0 || entry.closing) return;
      void this.unloadEntry(name, entry);
    }, this.options.idleUnloadMs);
  }

  private unloadEntry(name: string, entry: RoomEntry): Promise<void> {
    entry.cancelIdle?.();
    entry.cancelIdle = undefined;
    entry.closing ??= (async () => {
      try {
        await entry.room.close();
        this.hooks.unloaded?.(name);
      } catch (error) {
        this.logger.error({ doc: name, err: error }, 'failed to unload a document');
      } finally {
        if (this.rooms.get(name) === entry) this.rooms.delete(name);
      }
    })();
    return entry.closing;
  }
}
