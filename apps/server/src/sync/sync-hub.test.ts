import { addStem, readMix, setFader, setPan } from '@mixroom/mix-model';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mixSeedUpdate, validateMixTransaction } from './mix-schema.js';
import { type PubSub, SyncFanout } from './sync-fanout.js';
import { SyncHub } from './sync-hub.js';
import type { HeldUpdates, SyncRoom } from './sync-room.js';
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

/** A client copy of a room's document and the updates it makes. */
async function clientOf(room: SyncRoom) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await room.read((d) => Y.encodeStateAsUpdate(d)));
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return { doc, updates };
}

const stateOf = (room: SyncRoom) => room.read((d) => Buffer.from(Y.encodeStateAsUpdate(d)));

/** Offers an update once the room is consistent (after a rebuild, if one runs). */
const offer = (room: SyncRoom, update: Uint8Array, h: HeldUpdates = held()) =>
  new Promise<ReturnType<SyncRoom['receive']>>((resolve) =>
    room.whenConsistent(() => resolve(room.receive(update, origin, h))),
  );

describe('SyncRoom', () => {
  it('[SY-11] seeds a new document and stores the seed before serving it', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    const lease = await hub.acquire('session:a');
    expect((await lease.room.read(readMix)).meta.title).toBe('Song');
    expect(storage.rows.get('session:a')).toHaveLength(1);
    expect(Buffer.from(mixSeedUpdate('session:a', 'Song'))).toEqual(
      Buffer.from(storage.rows.get('session:a')![0]!),
    );
    lease.release();
  });

  it('[SY-10] nothing of an accepted update leaves the room before it is stored', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    const { room, release } = await hub.acquire('session:b');
    const client = await clientOf(room);
    const peer = new Y.Doc();
    Y.applyUpdate(peer, await room.read((d) => Y.encodeStateAsUpdate(d)));
    addStem(client.doc, { id: 'vox', fileId: 'f1', name: 'Vox' });
    storage.hold = true;
    expect(room.receive(client.updates[0]!, origin, held())).toEqual({ status: 'accepted' });
    // A peer asking for what it lacks (sync step 1), and a server read, both wait for the commit.
    const answers: Uint8Array[] = [];
    room.diffFor(Y.encodeStateVector(peer), (update) => answers.push(update));
    let readDone = false;
    const read = room
      .read((d) => readMix(d).stems.map((s) => s.id))
      .then((ids) => {
        readDone = true;
        return ids;
      });
    await new Promise((r) => setTimeout(r, 20));
    expect(answers).toHaveLength(0);
    expect(readDone).toBe(false);
    expect(storage.rows.get('session:b')).toHaveLength(1); // the seed only
    storage.release();
    expect(await read).toEqual(['vox']);
    expect(answers).toHaveLength(1);
    Y.applyUpdate(peer, answers[0]!);
    expect(readMix(peer).stems.map((s) => s.id)).toEqual(['vox']);
    expect(readMix(storage.stateOf('session:b')).stems.map((s) => s.id)).toEqual(['vox']);
    release();
  });

  it('[SY-4] a rejected update leaves the document and storage as they were; later updates still apply', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    const { room, release } = await hub.acquire('session:c');
    const client = await clientOf(room);
    addStem(client.doc, { id: 'vox', fileId: 'f1', name: 'Vox' });
    room.receive(client.updates[0]!, origin, held());
    storage.hold = true;
    setFader(client.doc, 'vox', -3); // accepted, still being stored when the hostile one arrives
    expect(room.receive(client.updates[1]!, origin, held()).status).toBe('accepted');
    const hostile = new Y.Doc();
    Y.applyUpdate(hostile, Y.encodeStateAsUpdate(client.doc));
    const hostileUpdates: Uint8Array[] = [];
    hostile.on('update', (u: Uint8Array) => hostileUpdates.push(u));
    (hostile.getMap('stems').get('vox') as Y.Map<unknown>).set('pan', 7);
    const result = room.receive(hostileUpdates[0]!, origin, held());
    expect(result).toMatchObject({ status: 'rejected', code: 'invalid' });
    expect(result.status === 'rejected' && result.reason).toMatch(/pan/);
    // The document is rebuilt from storage plus the queue; the update still being stored survives it.
    setPan(client.doc, 'vox', 0.25);
    expect((await offer(room, client.updates[2]!)).status).toBe('accepted');
    storage.release();
    await room.drained();
    expect((await room.read(readMix)).stems[0]).toMatchObject({ faderDb: -3, pan: 0.25 });
    expect(Buffer.from(Y.encodeStateAsUpdate(storage.stateOf('session:c')))).toEqual(await stateOf(room));
    expect(Buffer.from(Y.encodeStateAsUpdate(client.doc))).toEqual(await stateOf(room));
    release();
  });

  it('[SY-5] holds an update that overtook the one it depends on, then applies both', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage);
    const { room, release } = await hub.acquire('session:d');
    const client = await clientOf(room);
    addStem(client.doc, { id: 'vox', fileId: 'f1', name: 'Vox' });
    setFader(client.doc, 'vox', -6);
    const h = held();
    expect(room.receive(client.updates[1]!, origin, h)).toEqual({ status: 'held' });
    expect(h.updates).toHaveLength(1);
    expect(await offer(room, client.updates[0]!, h)).toEqual({ status: 'accepted' });
    expect(h.updates).toHaveLength(0);
    await room.drained();
    expect((await room.read(readMix)).stems[0]).toMatchObject({ id: 'vox', faderDb: -6 });
    release();
  });

  it('[SY-5] closes a connection that keeps sending updates whose dependencies never come', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage, { maxHeldBytes: 2000 });
    const { room, release } = await hub.acquire('session:e');
    const client = await clientOf(room);
    addStem(client.doc, { id: 'vox', fileId: 'f1', name: 'Vox' });
    for (let i = 0; i < 200; i++) setFader(client.doc, 'vox', -(i % 50));
    const h = held();
    let result = await offer(room, client.updates[1]!, h);
    for (let i = 2; i < 200 && result.status === 'held'; i++)
      result = await offer(room, client.updates[i]!, h);
    expect(result).toMatchObject({ status: 'rejected', code: 'invalid' });
    expect((await room.read(readMix)).stems).toHaveLength(0);
    release();
  });

  it('[SY-3] refuses an update that would exceed the document budget', async () => {
    const storage = new MemoryStorage();
    const hub = makeHub(storage, { maxDocumentBytes: 4096 });
    const { room, release } = await hub.acquire('session:f');
    const client = await clientOf(room);
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
      const same = async () => (await stateOf(leaseA.room)).equals(await stateOf(leaseB.room));

      await a.change('session:x', (doc) => addStem(doc, { id: 'vox', fileId: 'f1', name: 'Vox' }));
      await expect
        .poll(async () => (await leaseB.room.read(readMix)).stems.length, { timeout: 2500 })
        .toBe(1);
      const rows = storage.rows.get('session:x')!.length;

      bus.dropping = true;
      await b.change('session:x', (doc) => setFader(doc, 'vox', -9));
      await a.change('session:x', (doc) => setPan(doc, 'vox', -0.5));
      expect(bus.dropped).toBeGreaterThan(0);
      bus.dropping = false;
      await expect.poll(same, { timeout: 2500 }).toBe(true);
      expect((await leaseA.room.read(readMix)).stems[0]).toMatchObject({ faderDb: -9, pan: -0.5 });
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
