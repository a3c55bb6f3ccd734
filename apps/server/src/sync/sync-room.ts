import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeAwarenessMessage, encodeUpdateMessage } from './protocol.js';
import { Scope } from './scope.js';
import type { SyncConnection } from './sync-connection.js';
import {
  REDIS_ORIGIN,
  SERVER_ORIGIN,
  type SyncExtension,
  type SyncHooks,
  type SyncIssue,
  type SyncLogger,
  type UpdateOrigin,
} from './sync-types.js';

/** Room limits (set by the hub). */
export interface SyncRoomOptions {
  /** Size budget of one document, in bytes of its encoded state. */
  maxDocumentBytes: number;
  /** Most bytes of out-of-order updates held back per connection before it is closed. */
  maxHeldBytes: number;
}

/** Outcome of offering an update to a room. */
export type ReceiveResult =
  | { status: 'accepted' }
  /** It depends on changes the server has not seen yet; kept until they arrive. [SY-5] */
  | { status: 'held' }
  | { status: 'rejected'; code: 'invalid' | 'too-large' | 'unavailable'; reason: string };

/** Updates from one source that could not be integrated yet, because they depend on missing changes. */
export interface HeldUpdates {
  updates: Uint8Array[];
  bytes: number;
}

/** Thrown by {@link SyncRoom.change} when the change breaks the mix schema. */
export class MixChangeRejectedError extends Error {
  override name = 'MixChangeRejectedError';
  constructor(readonly issues: SyncIssue[]) {
    super(`The change was refused: ${issues.map((i) => i.message).join('; ')}`);
  }
}

/** Work that waits until everything accepted before it is stored: replies, reads, diffs for peers. */
interface AfterStored {
  run(): void;
  drop(error: unknown): void;
}

interface QueuedUpdate {
  update: Uint8Array;
  origin: UpdateOrigin;
  state: 'pending' | 'stored' | 'failed';
  error?: unknown;
  settled?: { resolve(): void; reject(error: unknown): void };
  /** Released with this update, once it and every update before it are stored. */
  after?: AfterStored[];
}

type RoomState = 'loading' | 'ready' | 'closing' | 'closed';

/**
 * One shared document and everyone connected to it. [SY-4]
 *
 * The room keeps one Y.Doc holding every accepted update. Each incoming update is applied to it and what
 * the update changed is validated in the same transaction; accepted updates queue in arrival order, are
 * stored, and only then broadcast (append before broadcast, [SY-10]). Nothing leaves the room before it is
 * stored: an answer to a sync step 1 (or a peer instance's digest) is computed when asked and sent once every
 * update accepted before the question is stored; reads wait the same way.
 *
 * Yjs cannot take an update back. When an update is refused after it touched the document (the schema
 * rejects what it changed, it is malformed, or it turns out to depend on changes the server lacks), the
 * document is rebuilt from storage plus the queue of accepted updates, and work for the document waits for
 * that in arrival order ({@link whenConsistent}). Refusals are rare (honest clients never send one, MM-9), so
 * the common path integrates each update once.
 */
export class SyncRoom {
  readonly awareness: awarenessProtocol.Awareness;
  readonly connections = new Set<SyncConnection>();
  /** Users of the room other than connections (server reads/changes in progress). */
  leases = 0;
  readonly scope = new Scope();
  private doc = new Y.Doc();
  private state: RoomState = 'loading';
  private readonly queue: QueuedUpdate[] = [];
  private readonly remoteBeforeReady: Uint8Array[] = [];
  private readonly remoteHeld: HeldUpdates = { updates: [], bytes: 0 };
  /** Set while the document is rebuilt after a refused update; `waiting` runs after it, in order. */
  private rebuilding: Promise<void> | null = null;
  private readonly waiting: (() => void)[] = [];
  /** Upper bound of the encoded document size, in bytes; measured exactly when it nears the budget. */
  private estimatedBytes = 0;
  private failure: ((error: unknown) => void) | undefined;
  private drainWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly hooks: SyncHooks,
    private readonly extensions: readonly SyncExtension[],
    private readonly options: SyncRoomOptions,
    private readonly logger: SyncLogger,
  ) {
    // Presence has a document of its own: the shared one is replaced when it is rebuilt.
    const presenceDoc = new Y.Doc();
    this.awareness = new awarenessProtocol.Awareness(presenceDoc);
    this.awareness.setLocalState(null);
    this.scope.add(() => {
      this.awareness.destroy();
      presenceDoc.destroy();
      this.doc.destroy();
    });
    const onAwareness = (
      { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
      origin: unknown,
    ) => this.broadcastAwareness([...added, ...updated, ...removed], origin as UpdateOrigin | string);
    this.awareness.on('update', onAwareness);
    this.scope.add(() => this.awareness.off('update', onAwareness));
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  get isClosed(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  /** Called by the hub when storage fails: it drops the room so the next user loads what is durable. */
  onFailure(handler: (error: unknown) => void): void {
    this.failure = handler;
  }

  /** Loads stored state, seeds a brand-new document, and starts serving. */
  async load(): Promise<void> {
    for (const ext of this.extensions) await ext.roomOpening?.(this);
    const stored = await this.hooks.load(this.name);
    this.doc.transact(() => {
      for (const update of stored) Y.applyUpdate(this.doc, update, REDIS_ORIGIN);
    }, REDIS_ORIGIN);
    let bytes = stored.reduce((n, u) => n + u.length, 0);
    if (stored.length === 0) {
      const seed = await this.hooks.seed(this.name);
      if (seed) {
        await this.hooks.store(this.name, seed);
        Y.applyUpdate(this.doc, seed, SERVER_ORIGIN);
        this.broadcastUpdate(seed, SERVER_ORIGIN);
        bytes += seed.length;
      }
    }
    if (this.doc.store.pendingStructs || this.doc.store.pendingDs) {
      this.logger.warn({ doc: this.name }, 'stored document has updates with missing dependencies');
    }
    this.estimatedBytes = bytes;
    if (this.state !== 'loading') return;
    this.state = 'ready';
    for (const update of this.remoteBeforeReady.splice(0)) this.receiveRemote(update);
    for (const ext of this.extensions) ext.roomReady?.(this);
  }

  /**
   * Runs `fn` now, or, while the document is being rebuilt, after it (in arrival order). Everything that
   * reads or changes the document goes through here.
   */
  whenConsistent(fn: () => void): void {
    if (this.rebuilding || this.waiting.length > 0) this.waiting.push(fn);
    else fn();
  }

  /** The state vector of everything accepted: the server's opening sync step 1. */
  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  /**
   * What a peer with `stateVector` lacks, handed to `deliver` once all of it is stored (a kill -9 then loses
   * nothing the peer received). Throws on a malformed state vector.
   */
  diffFor(stateVector: Uint8Array, deliver: (update: Uint8Array) => void): void {
    const update = Y.encodeStateAsUpdate(this.doc, stateVector);
    this.afterStored({ run: () => deliver(update), drop: () => {} });
  }

  /** Digest of the document's state vector and delete set, for peers to compare. */
  snapshot(): Y.Snapshot {
    return Y.snapshot(this.doc);
  }

  /** Runs `fn` on the document once every update accepted before the call is stored. */
  read<T>(fn: (doc: Y.Doc) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.whenConsistent(() =>
        this.afterStored({
          run: () =>
            this.whenConsistent(() => {
              try {
                resolve(fn(this.doc));
              } catch (error) {
                reject(error);
              }
            }),
          drop: reject,
        }),
      );
    });
  }

  /**
   * Offers an update from a connection: size budget, then apply and validate what changed; accepted updates
   * are stored, then broadcast. Call it inside {@link whenConsistent}. [SY-3] [SY-4]
   */
  receive(
    update: Uint8Array,
    origin: UpdateOrigin,
    held: HeldUpdates,
    /**
     * 'update' messages are usually exactly new content: store and broadcast them as sent. A step 2 may
     * repeat what the server has (and always carries the whole delete set): store only what changed.
     */
    kind: 'update' | 'step2' = 'update',
  ): ReceiveResult {
    if (this.state !== 'ready') {
      return { status: 'rejected', code: 'unavailable', reason: 'The document is unloading; reconnect.' };
    }
    if (this.rebuilding) throw new Error('SyncRoom.receive() while the document is rebuilt');
    if (!this.fitsBudget(update.length + held.bytes)) {
      return { status: 'rejected', code: 'too-large', reason: 'The document is at its size budget.' };
    }
    const candidate = held.updates.length > 0 ? safeMerge([...held.updates, update]) : update;
    if (candidate === null) return { status: 'rejected', code: 'invalid', reason: 'Malformed update.' };
    // A gap in a client's own clock range is visible without touching the document (cheap, so a client
    // streaming updates that can never integrate costs little before it is closed).
    const outcome = this.hasClockGap(candidate)
      ? { status: 'pending' as const }
      : this.integrate(candidate, origin, true, kind === 'step2');
    if (outcome.status === 'rejected') return outcome;
    if (outcome.status === 'pending') {
      held.updates.push(update);
      held.bytes += update.length;
      if (held.bytes > this.options.maxHeldBytes || held.updates.length > 64) {
        held.updates = [];
        held.bytes = 0;
        return {
          status: 'rejected',
          code: 'invalid',
          reason: 'The updates depend on changes that were never sent.',
        };
      }
      return { status: 'held' };
    }
    held.updates = [];
    held.bytes = 0;
    if (outcome.update) this.enqueue(outcome.update, origin, true);
    return { status: 'accepted' };
  }

  /** An update another instance accepted and stored: integrate it without storing it again. [SY-12] */
  receiveRemote(update: Uint8Array): void {
    if (this.state === 'loading') {
      this.remoteBeforeReady.push(update);
      return;
    }
    this.whenConsistent(() => {
      if (this.state !== 'ready') return;
      const held = this.remoteHeld;
      const candidate = held.updates.length > 0 ? safeMerge([...held.updates, update]) : update;
      if (candidate === null) return;
      const outcome = this.integrate(candidate, REDIS_ORIGIN, false, true);
      if (outcome.status === 'rejected') {
        this.logger.warn(
          { doc: this.name, reason: outcome.reason },
          'dropped an unreadable update from a peer',
        );
        return;
      }
      if (outcome.status === 'pending') {
        // A peer's update overtook one it depends on (pub/sub gave no order across instances, or a
        // message was lost): keep it and ask peers for what is missing. Bounded by the document budget.
        held.updates = [candidate];
        held.bytes = candidate.length;
        if (held.bytes > this.options.maxDocumentBytes) {
          held.updates = [];
          held.bytes = 0;
        }
        for (const ext of this.extensions) ext.gap?.(this);
        return;
      }
      held.updates = [];
      held.bytes = 0;
      if (outcome.update) this.enqueue(outcome.update, REDIS_ORIGIN, false);
    });
  }

  /**
   * A change made by the server (`fn` runs on the document inside one transaction): validated like a client
   * update, stored, and broadcast. Resolves once it is stored and broadcast. [SY-13]
   */
  async change(fn: (doc: Y.Doc) => void): Promise<void> {
    // The rebuild's promise settles after the work that waited for it ran (which may start another).
    while (this.rebuilding) await this.rebuilding;
    if (this.state !== 'ready') throw new Error(`Document ${this.name} is not loaded.`);
    const issues: SyncIssue[] = [];
    const updates: Uint8Array[] = [];
    const doc = this.doc;
    const onUpdate = (u: Uint8Array) => updates.push(u);
    const onTransaction = (tr: Y.Transaction) => issues.push(...this.hooks.validate(doc, tr));
    doc.on('update', onUpdate);
    doc.on('afterTransaction', onTransaction);
    try {
      doc.transact(() => fn(doc), SERVER_ORIGIN);
    } catch (error) {
      this.rebuild();
      throw error;
    } finally {
      doc.off('update', onUpdate);
      doc.off('afterTransaction', onTransaction);
    }
    if (issues.length > 0) {
      this.rebuild();
      throw new MixChangeRejectedError(issues);
    }
    if (updates.length === 0) return;
    const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
    await new Promise<void>((resolve, reject) =>
      this.enqueue(update, SERVER_ORIGIN, true, { resolve, reject }),
    );
  }

  /** Presence from another instance (sanitized there). */
  applyRemoteAwareness(update: Uint8Array): void {
    if (this.state !== 'ready') return;
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REDIS_ORIGIN);
    } catch (error) {
      this.logger.warn({ doc: this.name, err: error }, 'dropped unreadable presence from a peer');
    }
  }

  /** Resolves when every accepted update so far is stored and broadcast (or failed), and no rebuild runs. */
  async drained(): Promise<void> {
    await this.rebuilding;
    if (this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /** Stops serving: waits for queued updates, then frees everything. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    await this.drained();
    for (const ext of this.extensions) {
      await ext.roomClosed?.(this).catch((error: unknown) => {
        this.logger.warn({ doc: this.name, err: error }, 'extension failed to close a room');
      });
    }
    this.state = 'closed';
    this.scope.destroy();
  }

  /** Abandons the room at once (storage failed): nothing more is applied, stored or sent. */
  abandon(): void {
    this.state = 'closed';
    const error = new Error('The document was unloaded.');
    for (const item of this.queue.splice(0)) {
      item.settled?.reject(error);
      for (const waiter of item.after ?? []) waiter.drop(error);
    }
    this.waiting.length = 0;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    this.scope.destroy();
  }

  // ------------------------------------------------------------------ internals

  /**
   * Applies an update (validating what changed) and returns what to store and broadcast: the changes as Yjs
   * encodes them (`capture`), or the update as given when it changed anything (cheaper: no second encoding).
   * A refused update, or one that left structs waiting for missing dependencies, starts a rebuild.
   */
  private integrate(
    update: Uint8Array,
    origin: UpdateOrigin,
    validate: boolean,
    capture: boolean,
  ):
    | { status: 'ok'; update: Uint8Array | null }
    | { status: 'pending' }
    | { status: 'rejected'; code: 'invalid'; reason: string } {
    const doc = this.doc;
    const hadPending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
    const issues: SyncIssue[] = [];
    const changes: Uint8Array[] = [];
    let changed = false;
    const onUpdate = (u: Uint8Array) => changes.push(u);
    const onTransaction = (tr: Y.Transaction) => {
      changed ||= transactionChanged(tr);
      if (validate && issues.length < 8) issues.push(...this.hooks.validate(doc, tr));
    };
    if (capture) doc.on('update', onUpdate);
    doc.on('afterTransaction', onTransaction);
    let malformed = false;
    try {
      Y.applyUpdate(doc, update, origin);
    } catch {
      malformed = true;
    } finally {
      doc.off('update', onUpdate);
      doc.off('afterTransaction', onTransaction);
    }
    if (malformed || issues.length > 0) {
      this.rebuild();
      return {
        status: 'rejected',
        code: 'invalid',
        reason: malformed ? 'Malformed update.' : issues[0]!.message,
      };
    }
    const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
    if (pending && !hadPending) {
      this.rebuild();
      return { status: 'pending' };
    }
    if (!capture) return { status: 'ok', update: changed ? update : null };
    if (changes.length === 0) return { status: 'ok', update: null };
    return { status: 'ok', update: changes.length === 1 ? changes[0]! : Y.mergeUpdates(changes) };
  }

  /**
   * Replaces the document by what is stored plus the accepted updates still queued (which the stored rows
   * may already hold: applying an update twice changes nothing). Work for the document waits meanwhile.
   */
  private rebuild(): void {
    if (this.rebuilding) return;
    const stale = this.doc;
    this.rebuilding = (async () => {
      let stored: Uint8Array[];
      try {
        stored = await this.hooks.load(this.name);
      } catch (error) {
        this.rebuilding = null;
        this.logger.error({ doc: this.name, err: error }, 'could not reload a document; unloading');
        this.failure?.(error);
        return;
      }
      this.rebuilding = null;
      if (this.state === 'closed') return;
      const fresh = new Y.Doc();
      fresh.transact(() => {
        for (const update of stored) Y.applyUpdate(fresh, update, REDIS_ORIGIN);
        for (const item of this.queue) Y.applyUpdate(fresh, item.update, item.origin);
      }, REDIS_ORIGIN);
      this.doc = fresh;
      stale.destroy();
      this.estimatedBytes =
        stored.reduce((n, u) => n + u.length, 0) + this.queue.reduce((n, item) => n + item.update.length, 0);
      // A waiting update may be refused in turn and start another rebuild: the rest wait for that one.
      while (this.waiting.length > 0 && !this.rebuilding) this.waiting.shift()!();
    })();
  }

  private hasClockGap(update: Uint8Array): boolean {
    try {
      for (const [client, clock] of Y.parseUpdateMeta(update).from) {
        if (clock > Y.getState(this.doc.store, client)) return true;
      }
    } catch {
      // Malformed: applying it reports that.
    }
    return false;
  }

  private fitsBudget(incoming: number): boolean {
    if (this.estimatedBytes + incoming <= this.options.maxDocumentBytes) return true;
    // The estimate only grows (sum of updates); measure the real size before refusing.
    this.estimatedBytes = Y.encodeStateAsUpdate(this.doc).length;
    return this.estimatedBytes + incoming <= this.options.maxDocumentBytes;
  }

  /** Runs `waiter` once every update accepted so far is stored (now, if none is waiting). */
  private afterStored(waiter: AfterStored): void {
    const last = this.queue.at(-1);
    if (!last) waiter.run();
    else if (last.after) last.after.push(waiter);
    else last.after = [waiter];
  }

  private enqueue(
    update: Uint8Array,
    origin: UpdateOrigin,
    store: boolean,
    settled?: QueuedUpdate['settled'],
  ): void {
    const item: QueuedUpdate = { update, origin, state: store ? 'pending' : 'stored', settled };
    this.queue.push(item);
    this.estimatedBytes += update.length;
    if (store) {
      this.hooks.store(this.name, update).then(
        () => {
          item.state = 'stored';
          this.drain();
        },
        (error: unknown) => {
          item.state = 'failed';
          item.error = error;
          this.drain();
        },
      );
    } else {
      this.drain();
    }
  }

  /** Broadcasts stored updates in arrival order and releases what waited for them. */
  private drain(): void {
    if (this.state === 'closed') return;
    while (this.queue.length > 0 && this.queue[0]!.state !== 'pending') {
      const item = this.queue.shift()!;
      if (item.state === 'failed') {
        this.logger.error({ doc: this.name, err: item.error }, 'could not store an update; unloading');
        item.settled?.reject(item.error);
        this.queue.unshift(item); // abandon() rejects whatever waits on it
        this.failure?.(item.error);
        return;
      }
      this.broadcastUpdate(item.update, item.origin);
      item.settled?.resolve();
      for (const waiter of item.after ?? []) waiter.run();
    }
    if (this.queue.length === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  private broadcastUpdate(update: Uint8Array, origin: UpdateOrigin): void {
    if (this.connections.size > 0) {
      const message = encodeUpdateMessage(update);
      const from = origin?.source === 'connection' ? origin.connId : -1;
      for (const conn of this.connections) if (conn.id !== from) conn.send(message);
    }
    for (const ext of this.extensions) ext.updated?.(this, update, origin);
  }

  private broadcastAwareness(clients: number[], origin: UpdateOrigin | string): void {
    if (clients.length === 0) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients);
    if (this.connections.size > 0) {
      const message = encodeAwarenessMessage(update);
      const from = typeof origin === 'object' && origin.source === 'connection' ? origin.connId : -1;
      for (const conn of this.connections) if (conn.id !== from) conn.send(message);
    }
    for (const ext of this.extensions) ext.awarenessUpdated?.(this, update, origin);
  }
}

/** Whether a transaction changed anything (Yjs's own test before it emits 'update'). */
function transactionChanged(tr: Y.Transaction): boolean {
  if (tr.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of tr.afterState) if (tr.beforeState.get(client) !== clock) return true;
  return false;
}

function safeMerge(updates: Uint8Array[]): Uint8Array | null {
  try {
    return Y.mergeUpdates(updates);
  } catch {
    return null;
  }
}
