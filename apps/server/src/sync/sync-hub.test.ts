import { addStem, readMix, setFader, setPan } from '@mixroom/mix-model';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mixSeedUpdate, validateMixTransaction } from './mix-schema.js';
import { type PubSub, SyncFanout } from './sync-fanout.js';
import { SyncHub } from './sync-hub.js';
import type { HeldUpdates } from './sync-room.js';
import type { SyncHooks, UpdateOrigin } from './sync-types.js';

/** In-memory storage with controllable commits. */
class MemoryStorage {
  readonly rows = new Map<string, Uint8Array[]>();
  /** When set, store() waits for release(). */
  hold = false;
  fail = false;
  private waiting: (() => void)[] = [];
  unloaded: string[] = [];

  hooks(): SyncHooks {
    return {
      load: async (name) => [...(this.rows.get(name) ?? [])],
      store: async (name, update) => {
        if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
        if (this.fail) throw new Error('disk full');
        this.rows.set(name, [...(this.rows.get(name) ?? []), update]);
      },
      seed: async (name) => mixSeedUpdate(name, 'Song'),
      validate: validateMixTransaction,
      unloaded: (name) => this.unloaded.push(name),
    };
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  stateOf(name: string): Y.Doc {
    const doc = new Y.Doc();
    for (const u of this.rows.get(name) ?? []) Y.applyUpdate(doc, u);
    return doc;
  }
}

const hubs: SyncHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
});

function makeHub(storage: MemoryStorage, options: ConstructorParameters<typeof SyncHub>[2] = {}) {
  const hub = new SyncHub(storage.hooks(), [], options);
  hubs.push(hub);
  return hub;
}

const origin: UpdateOrigin = { source: 'connection', connId: 1 };
const held = (): HeldUpdates => ({ updates: [], bytes: 0 });

async function tick(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** A client copy of a room's live document and the updates it makes. */
function clientOf(live: Y.Doc) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(live));
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return { doc, updates };
}

describe('SyncRoom', () => {
  it('[SY-11] seeds a new document and stores the seed before serving it', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    const lease = await hub.acquire('session:a');
    expect(readMix(lease.room.doc).meta.title).toBe('Song');
    expect(storage.rows.get('session:a')).toHaveLength(1);
    expect(Buffer.from(mixSeedUpdate('session:a', 'Song'))).toEqual(
      Buffer.from(storage.rows.get('session:a')![0]!),
    );
    lease.release();
  });

  it('[SY-10] applies an accepted update to live only after it is stored', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    const { room, release } = await hub.acquire('session:b');
    const client = clientOf(room.doc);
    addStem(client.doc, { id: 'vox', fileId: 'f1', name: 'Vox' });
    storage.hold = true;
    expect(room.receive(client.updates[0]!, origin, held())).toEqual({ status: 'accepted' });
    expect(readMix(room.doc).stems).toHaveLength(0);
    storage.release();
    await room.drained();
    expect(readMix(room.doc).stems.map((s) => s.id)).toEqual(['vox']);
    expect(readMix(storage.stateOf('session:b')).stems.map((s) => s.id)).toEqual(['vox']);
    release();
  });

  it('[SY-4] a rejected update leaves live and the shadow as they were; later updates still apply', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    const { room, release } = await hub.acquire('session:c');
    const client = clientOf(room.doc);
    addStem(client.doc, { id: 'vox', fileId: 'f1', name: 'Vox' });
    room.receive(client.updates[0]!, origin, held());
    storage.hold = true;
    setFader(client.doc, 'vox', -3); // accepted, still being stored when the hostile one arrives
    expect(room.receive(client.updates[1]!, origin, held()).status).toBe('accepted');
    const hostile = clientOf(client.doc);
    (hostile.doc.getMap('stems').get('vox') as Y.Map<unknown>).set('pan', 7);
    const result = room.receive(hostile.updates[0]!, origin, held());
    expect(result).toMatchObject({ status: 'rejected', code: 'invalid' });
    expect(result.status === 'rejected' && result.reason).toMatch(/pan/);
    storage.release();
    await room.drained();
    setPan(client.doc, 'vox', 0.25);
    expect(room.receive(client.updates[2]!, origin, held()).status).toBe('accepted');
    await room.drained();
    expect(readMix(room.doc).stems[0]).toMatchObject({ faderDb: -3, pan: 0.25 });
    expect(Buffer.from(Y.encodeStateAsUpdate(storage.stateOf('session:c')))).toEqual(
      Buffer.from(Y.encodeStateAsUpdate(room.doc)),
    );
    release();
  });

  it('[SY-5] holds an update that overtook the one it depends on, then applies both', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    const { room, release } = await hub.acquire('session:d');
    const client = clientOf(room.doc);
    addStem(client.doc, { id: 'vox', fileId: 'f1', name: 'Vox' });
    setFader(client.doc, 'vox', -6);
    const h = held();
    expect(room.receive(client.updates[1]!, origin, h)).toEqual({ status: 'held' });
    expect(h.updates).toHaveLength(1);
    expect(room.receive(client.updates[0]!, origin, h)).toEqual({ status: 'accepted' });
    expect(h.updates).toHaveLength(0);
    await room.drained();
    expect(readMix(room.doc).stems[0]).toMatchObject({ id: 'vox', faderDb: -6 });
    release();
  });

  it('[SY-5] closes a connection that keeps sending updates whose dependencies never come', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage, { maxHeldBytes: 2000 });
    const { room, release } = await hub.acquire('session:e');
    const client = clientOf(room.doc);
    addStem(client.doc, { id: 'vox', fileId: 'f1', name: 'Vox' });
    for (let i = 0; i < 200; i++) setFader(client.doc, 'vox', -(i % 50));
    const h = held();
    let result = room.receive(client.updates[1]!, origin, h);
    for (let i = 2; i < 200 && result.status === 'held'; i++)
      result = room.receive(client.updates[i]!, origin, h);
    expect(result).toMatchObject({ status: 'rejected', code: 'invalid' });
    expect(readMix(room.doc).stems).toHaveLength(0);
    release();
  });

  it('[SY-3] refuses an update that would exceed the document budget', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage, { maxDocumentBytes: 4096 });
    const { room, release } = await hub.acquire('session:f');
    const client = clientOf(room.doc);
    (client.doc.getMap('brief').get('text') as Y.Text).insert(0, 'x'.repeat(5000));
    expect(room.receive(client.updates[0]!, origin, held())).toMatchObject({
      status: 'rejected',
      code: 'too-large',
    });
    release();
  });

  it('[SY-13] server changes are validated, stored and applied; refused ones change nothing', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    await hub.change('session:g', (doc) => addStem(doc, { id: 'vox', fileId: 'f1', name: 'Vox' }));
    expect(await hub.read('session:g', (doc) => readMix(doc).stems.map((s) => s.id))).toEqual(['vox']);
    await expect(hub.change('session:g', (doc) => doc.getMap('nope').set('a', 1))).rejects.toThrow(/nope/);
    expect(await hub.read('session:g', (doc) => [...doc.share.keys()].includes('nope'))).toBe(false);
    expect(storage.rows.get('session:g')).toHaveLength(2);
  });

  it('a storage failure unloads the document; the next user gets exactly what was stored', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    await hub.change('session:h', (doc) => addStem(doc, { id: 'vox', fileId: 'f1', name: 'Vox' }));
    storage.fail = true;
    await expect(hub.change('session:h', (doc) => setFader(doc, 'vox', -1))).rejects.toThrow('disk full');
    storage.fail = false;
    expect(await hub.read('session:h', (doc) => readMix(doc).stems[0]!.faderDb)).toBe(0);
  });

  it('[SY-16] unloads an idle document after the delay, once its updates are stored', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage, { idleUnloadMs: 20 });
    await hub.change('session:i', (doc) => addStem(doc, { id: 'vox', fileId: 'f1', name: 'Vox' }));
    expect(hub.loaded('session:i')).toBeDefined();
    await tick(() => storage.unloaded.includes('session:i'), 'the unload');
    expect(hub.loaded('session:i')).toBeUndefined();
    expect(await hub.read('session:i', (doc) => readMix(doc).stems.map((s) => s.id))).toEqual(['vox']);
  });
});

/** Pub/sub in memory that can lose messages, like Redis pub/sub during a reconnect. */
class LossyBus {
  private readonly channels = new Map<string, Set<{ id: string; handler: (m: Buffer) => void }>>();
  dropping = false;
  dropped = 0;

  endpoint(id: string): PubSub {
    return {
      instanceId: id,
      subscribe: async (channel, handler) => {
        const entry = { id, handler };
        const set = this.channels.get(channel) ?? new Set();
        set.add(entry);
        this.channels.set(channel, set);
        return async () => {
          set.delete(entry);
        };
      },
      publish: async (channel, message) => {
        if (this.dropping) {
          this.dropped++;
          return;
        }
        const copy = Buffer.from(message);
        for (const entry of this.channels.get(channel) ?? []) queueMicrotask(() => entry.handler(copy));
      },
    };
  }
}

describe('[SY-14] fan-out between instances', () => {
  it('changes reach the other instance without being stored twice, and lost messages heal by reconciliation', async () => {
    const storage = new MemoryStorage(); // shared, like one PostgreSQL
    const bus = new LossyBus();
    const a = makeHub(storage);
    const b = makeHub(storage);
    const fanA = new SyncFanout(bus.endpoint('a'), a, { reconcileIntervalMs: 30 });
    const fanB = new SyncFanout(bus.endpoint('b'), b, { reconcileIntervalMs: 30 });
    a.use(fanA);
    b.use(fanB);
    try {
      const leaseA = await a.acquire('session:x');
      const leaseB = await b.acquire('session:x');
      const same = () =>
        Buffer.from(Y.encodeStateAsUpdate(leaseA.room.doc)).equals(
          Buffer.from(Y.encodeStateAsUpdate(leaseB.room.doc)),
        );

      await a.change('session:x', (doc) => addStem(doc, { id: 'vox', fileId: 'f1', name: 'Vox' }));
      await tick(() => readMix(leaseB.room.doc).stems.length === 1, 'the stem on b');
      const rows = storage.rows.get('session:x')!.length;

      bus.dropping = true;
      await b.change('session:x', (doc) => setFader(doc, 'vox', -9));
      await a.change('session:x', (doc) => setPan(doc, 'vox', -0.5));
      expect(bus.dropped).toBeGreaterThan(0);
      bus.dropping = false;
      await tick(same, 'reconciliation');
      expect(readMix(leaseA.room.doc).stems[0]).toMatchObject({ faderDb: -9, pan: -0.5 });
      // Two server changes were stored, once each; nothing that arrived from a peer was stored again.
      expect(storage.rows.get('session:x')!.length).toBe(rows + 2);
      leaseA.release();
      leaseB.release();
    } finally {
      fanA.close();
      fanB.close();
    }
  });
});
