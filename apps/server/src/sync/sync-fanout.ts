import { createHash } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Scope } from './scope.js';
import type { SyncHub } from './sync-hub.js';
import type { SyncRoom } from './sync-room.js';
import type { SyncExtension, SyncLogger, UpdateOrigin } from './sync-types.js';

/** The pub/sub a fan-out needs (RedisBus implements it). */
export interface PubSub {
  readonly instanceId: string;
  subscribe(channel: string, handler: (message: Buffer) => void): Promise<() => Promise<void>>;
  publish(channel: string, message: Uint8Array): Promise<void>;
}

/** Options of {@link SyncFanout}. */
export interface SyncFanoutOptions {
  /** How often each instance offers its state of every loaded document to its peers, in ms. Default 5000. */
  reconcileIntervalMs?: number;
  logger?: SyncLogger;
}

const KIND_UPDATE = 0;
const KIND_AWARENESS = 1;
const KIND_STATE = 2;
const KIND_DIFF = 3;
const KIND_QUERY_AWARENESS = 4;

/**
 * Fan-out of a document's changes and presence between server instances [SY-14]: one channel per
 * loaded document (`sync:<name>`), subscribed before the document loads from storage so that nothing
 * committed meanwhile is missed. Only changes that originate here (connection or server) are published;
 * changes that arrived from a peer are not published again and are not stored again (the instance that
 * accepted them stored them before publishing).
 *
 * Pub/sub may drop messages (a Redis reconnect, a slow subscriber), so every `reconcileIntervalMs` each
 * instance publishes a digest of its state (state vector + delete set) per loaded document; a peer whose
 * digest differs answers with the diff against the sender's state vector (Yjs sync step 2, which always
 * carries the full delete set). A peer update that cannot be integrated (it depends on a lost message)
 * triggers the same exchange at once.
 */
export class SyncFanout implements SyncExtension {
  private readonly subscriptions = new Map<SyncRoom, Promise<() => Promise<void>>>();
  private readonly scope = new Scope();
  private readonly gapRequested = new Set<SyncRoom>();
  private readonly logger?: SyncLogger;

  constructor(
    private readonly bus: PubSub,
    private readonly hub: SyncHub,
    options: SyncFanoutOptions = {},
  ) {
    this.logger = options.logger;
    this.scope.interval(() => this.reconcileAll(), options.reconcileIntervalMs ?? 5000);
  }

  async roomOpening(room: SyncRoom): Promise<void> {
    const subscription = this.bus.subscribe(channelOf(room.name), (message) => this.onMessage(room, message));
    this.subscriptions.set(room, subscription);
    await subscription;
  }

  roomReady(room: SyncRoom): void {
    // Ask peers for anything committed between our subscription and our read, and for their presence.
    this.publishState(room);
    this.send(room, KIND_QUERY_AWARENESS, '', new Uint8Array(0));
  }

  async roomClosed(room: SyncRoom): Promise<void> {
    const subscription = this.subscriptions.get(room);
    this.subscriptions.delete(room);
    this.gapRequested.delete(room);
    if (subscription) await (await subscription)();
  }

  updated(room: SyncRoom, update: Uint8Array, origin: UpdateOrigin): void {
    if (origin?.source === 'redis') return;
    this.send(room, KIND_UPDATE, '', update);
  }

  awarenessUpdated(room: SyncRoom, update: Uint8Array, origin: UpdateOrigin | string): void {
    // Only presence that came in over this instance's sockets; peers time out their own stale entries.
    if (typeof origin !== 'object' || origin.source !== 'connection') return;
    this.send(room, KIND_AWARENESS, '', update);
  }

  gap(room: SyncRoom): void {
    if (this.gapRequested.has(room)) return;
    this.gapRequested.add(room);
    // Batch a burst of out-of-order updates into one request.
    this.scope.timeout(() => {
      this.gapRequested.delete(room);
      if (room.isReady) this.publishState(room);
    }, 50);
  }

  close(): void {
    this.scope.destroy();
  }

  private reconcileAll(): void {
    for (const room of this.hub.loadedRooms()) this.publishState(room);
  }

  private publishState(room: SyncRoom): void {
    room.whenConsistent(() => {
      if (!room.isReady) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint8Array(encoder, room.stateVector());
      encoding.writeVarUint8Array(encoder, digest(room.snapshot()));
      this.send(room, KIND_STATE, '', encoding.toUint8Array(encoder));
    });
  }

  private onMessage(room: SyncRoom, message: Buffer): void {
    let kind: number;
    let sender: string;
    let target: string;
    let payload: Uint8Array;
    try {
      const decoder = decoding.createDecoder(message);
      kind = decoding.readVarUint(decoder);
      sender = decoding.readVarString(decoder);
      target = decoding.readVarString(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      this.logger?.warn({ doc: room.name }, 'unreadable message on a sync channel');
      return;
    }
    if (sender === this.bus.instanceId) return;
    if (target !== '' && target !== this.bus.instanceId) return;
    if (room.isClosed) return;
    switch (kind) {
      case KIND_UPDATE:
      case KIND_DIFF:
        room.receiveRemote(payload);
        return;
      case KIND_AWARENESS:
        room.applyRemoteAwareness(payload);
        return;
      case KIND_STATE:
        if (room.isReady) this.answerState(room, sender, payload);
        return;
      case KIND_QUERY_AWARENESS:
        if (room.isReady) this.answerAwareness(room);
        return;
    }
  }

  private answerState(room: SyncRoom, sender: string, payload: Uint8Array): void {
    room.whenConsistent(() => {
      if (!room.isReady) return;
      try {
        const decoder = decoding.createDecoder(payload);
        const stateVector = decoding.readVarUint8Array(decoder);
        const theirDigest = decoding.readVarUint8Array(decoder);
        if (Buffer.from(theirDigest).equals(Buffer.from(digest(room.snapshot())))) return;
        // Like a client's step 2: sent once all of it is stored here.
        room.diffFor(stateVector, (diff) => this.send(room, KIND_DIFF, sender, diff));
      } catch (error) {
        this.logger?.warn({ doc: room.name, err: error }, 'could not answer a state digest');
      }
    });
  }

  private answerAwareness(room: SyncRoom): void {
    const local = new Set<number>();
    for (const conn of room.connections) for (const id of conn.awarenessIds) local.add(id);
    const ids = [...local].filter((id) => room.awareness.getStates().has(id));
    if (ids.length === 0) return;
    this.send(room, KIND_AWARENESS, '', awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids));
  }

  private send(room: SyncRoom, kind: number, target: string, payload: Uint8Array): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kind);
    encoding.writeVarString(encoder, this.bus.instanceId);
    encoding.writeVarString(encoder, target);
    encoding.writeVarUint8Array(encoder, payload);
    this.bus.publish(channelOf(room.name), encoding.toUint8Array(encoder)).catch((error: unknown) => {
      // Lost fan-out is healed by the next reconciliation round.
      this.logger?.warn({ doc: room.name, err: error }, 'could not publish to peers');
    });
  }
}

const channelOf = (name: string) => `sync:${name}`;

/** Digest of a document's state vector and delete set: equal digests mean equal content. */
function digest(snapshot: Y.Snapshot): Uint8Array {
  return createHash('sha256').update(Y.encodeSnapshot(snapshot)).digest();
}
