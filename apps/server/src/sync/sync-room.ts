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

interface QueuedUpdate {
  update: Uint8Array;
  origin: UpdateOrigin;
  state: 'pending' | 'stored' | 'failed';
  error?: unknown;
  settled?: { resolve(): void; reject(error: unknown): void };
}

type RoomState = 'loading' | 'ready' | 'closing' | 'closed';

/**
 * One shared document and everyone connected to it.
 *
 * Two copies of the document are kept [SY-4]: `doc` (live) holds only durable changes and is what
 * clients are served from; `shadow` runs ahead of it by the updates that were accepted but are still
 * being stored. Every incoming update is first applied to the shadow and validated there; a rejected
 * one is thrown away with the shadow, which is rebuilt from live plus the queue, so the live document,
 * storage and the other clients never see it. Accepted updates queue in arrival order, are stored, and
 * only then are applied to live and broadcast (append before broadcast, [SY-10]).
 */
export class SyncRoom {
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  readonly connections = new Set<SyncConnection>();
  /** Users of the room other than connections (server reads/changes in progress). */
  leases = 0;
  readonly scope = new Scope();
  private shadow = new Y.Doc();
  private state: RoomState = 'loading';
  private readonly queue: QueuedUpdate[] = [];
  private readonly remoteBeforeReady: Uint8Array[] = [];
  private readonly remoteHeld: HeldUpdates = { updates: [], bytes: 0 };
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
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.scope.add(() => {
      this.awareness.destroy();
      this.doc.destroy();
      this.shadow.destroy();
    });
    // No 'update' listener on live: Yjs would encode every change again. Broadcasts send the update the
    // shadow already produced (see drain()).
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
    let bytes = 0;
    this.doc.transact(() => {
      for (const update of stored) {
        Y.applyUpdate(this.doc, update, REDIS_ORIGIN);
        bytes += update.length;
      }
    }, REDIS_ORIGIN);
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
    this.rebuildShadow();
    if (this.state !== 'loading') return;
    this.state = 'ready';
    for (const update of this.remoteBeforeReady.splice(0)) this.receiveRemote(update);
    for (const ext of this.extensions) ext.roomReady?.(this);
  }

  /**
   * Offers an update from a connection: size budget, then apply to the shadow and validate what changed;
   * accepted updates are stored, then applied to live and broadcast. [SY-3] [SY-4]
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
    if (!this.fitsBudget(update.length + held.bytes)) {
      return { status: 'rejected', code: 'too-large', reason: 'The document is at its size budget.' };
    }
    const candidate = held.updates.length > 0 ? safeMerge([...held.updates, update]) : update;
    if (candidate === null) return { status: 'rejected', code: 'invalid', reason: 'Malformed update.' };
    // A gap in a client's own clock range is visible without touching the shadow (cheap, so a client
    // streaming updates that can never integrate costs little before it is closed).
    const outcome = this.hasClockGap(candidate)
      ? { status: 'pending' as const }
      : this.applyToShadow(candidate, origin, true, kind === 'step2');
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
    if (this.state !== 'ready') return;
    const held = this.remoteHeld;
    const candidate = held.updates.length > 0 ? safeMerge([...held.updates, update]) : update;
    if (candidate === null) return;
    const outcome = this.applyToShadow(candidate, REDIS_ORIGIN, false, true);
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
  }

  /**
   * A change made by the server (`fn` runs on the shadow document inside one transaction): validated like
   * a client update, stored, applied and broadcast. Resolves once it is live. [SY-13]
   */
  async change(fn: (doc: Y.Doc) => void): Promise<void> {
    if (this.state !== 'ready') throw new Error(`Document ${this.name} is not loaded.`);
    const issues: SyncIssue[] = [];
    const updates: Uint8Array[] = [];
    const onUpdate = (u: Uint8Array) => updates.push(u);
    const onTransaction = (tr: Y.Transaction) => issues.push(...this.hooks.validate(this.shadow, tr));
    const shadow = this.shadow;
    shadow.on('update', onUpdate);
    shadow.on('afterTransaction', onTransaction);
    try {
      shadow.transact(() => fn(shadow), SERVER_ORIGIN);
    } catch (error) {
      this.rebuildShadow();
      throw error;
    } finally {
      shadow.off('update', onUpdate);
      shadow.off('afterTransaction', onTransaction);
    }
    if (issues.length > 0) {
      this.rebuildShadow();
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

  /** Resolves when every accepted update so far is stored and live (or failed). */
  async drained(): Promise<void> {
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

  /** Abandons the room at once (storage failed): nothing more is applied or stored. */
  abandon(): void {
    this.state = 'closed';
    for (const item of this.queue.splice(0)) item.settled?.reject(new Error('The document was unloaded.'));
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    this.scope.destroy();
  }

  // ------------------------------------------------------------------ internals

  /**
   * Applies to the shadow (validating what changed) and returns what to store and broadcast: the
   * changes as Yjs encodes them (`capture`), or the update as given when it changed anything (cheaper:
   * no second encoding).
   */
  private applyToShadow(
    update: Uint8Array,
    origin: UpdateOrigin,
    validate: boolean,
    capture: boolean,
  ):
    | { status: 'ok'; update: Uint8Array | null }
    | { status: 'pending' }
    | { status: 'rejected'; code: 'invalid'; reason: string } {
    const shadow = this.shadow;
    const hadPending = shadow.store.pendingStructs !== null || shadow.store.pendingDs !== null;
    const issues: SyncIssue[] = [];
    const changes: Uint8Array[] = [];
    let changed = false;
    const onUpdate = (u: Uint8Array) => changes.push(u);
    const onTransaction = (tr: Y.Transaction) => {
      changed ||= transactionChanged(tr);
      if (validate && issues.length < 8) issues.push(...this.hooks.validate(shadow, tr));
    };
    if (capture) shadow.on('update', onUpdate);
    shadow.on('afterTransaction', onTransaction);
    let malformed = false;
    try {
      Y.applyUpdate(shadow, update, origin);
    } catch {
      malformed = true;
    } finally {
      shadow.off('update', onUpdate);
      shadow.off('afterTransaction', onTransaction);
    }
    if (malformed || issues.length > 0) {
      this.rebuildShadow();
      return {
        status: 'rejected',
        code: 'invalid',
        reason: malformed ? 'Malformed update.' : issues[0]!.message,
      };
    }
    const pending = shadow.store.pendingStructs !== null || shadow.store.pendingDs !== null;
    if (pending && !hadPending) {
      this.rebuildShadow();
      return { status: 'pending' };
    }
    if (!capture) return { status: 'ok', update: changed ? update : null };
    if (changes.length === 0) return { status: 'ok', update: null };
    return { status: 'ok', update: changes.length === 1 ? changes[0]! : Y.mergeUpdates(changes) };
  }

  private hasClockGap(update: Uint8Array): boolean {
    try {
      for (const [client, clock] of Y.parseUpdateMeta(update).from) {
        if (clock > Y.getState(this.shadow.store, client)) return true;
      }
    } catch {
      // Malformed: applying it reports that.
    }
    return false;
  }

  private fitsBudget(incoming: number): boolean {
    if (this.estimatedBytes + incoming <= this.options.maxDocumentBytes) return true;
    // The estimate only grows (sum of updates); measure the real size before refusing.
    this.estimatedBytes = Y.encodeStateAsUpdate(this.shadow).length;
    return this.estimatedBytes + incoming <= this.options.maxDocumentBytes;
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

  /** Applies stored updates to live in arrival order, then broadcasts them. */
  private drain(): void {
    if (this.state === 'closed') return;
    const ready: QueuedUpdate[] = [];
    let failed: QueuedUpdate | undefined;
    while (this.queue.length > 0 && this.queue[0]!.state !== 'pending') {
      const item = this.queue.shift()!;
      if (item.state === 'failed') {
        failed = item;
        break;
      }
      ready.push(item);
    }
    if (ready.length > 0) {
      // One transaction for everything a commit released: live has no observers, so origins do not
      // matter here, and one transaction costs less than one per update.
      this.doc.transact(() => {
        for (const item of ready) {
          try {
            Y.applyUpdate(this.doc, item.update, item.origin);
          } catch (error) {
            this.logger.error({ doc: this.name, err: error }, 'a stored update could not be applied');
          }
        }
      });
      for (const item of ready) {
        this.broadcastUpdate(item.update, item.origin);
        item.settled?.resolve();
      }
    }
    if (failed) {
      this.logger.error({ doc: this.name, err: failed.error }, 'could not store an update; unloading');
      failed.settled?.reject(failed.error);
      this.failure?.(failed.error);
      return;
    }
    if (this.queue.length === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  private rebuildShadow(): void {
    const fresh = new Y.Doc();
    fresh.transact(() => {
      Y.applyUpdate(fresh, Y.encodeStateAsUpdate(this.doc));
      for (const item of this.queue) Y.applyUpdate(fresh, item.update);
    });
    this.shadow.destroy();
    this.shadow = fresh;
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
