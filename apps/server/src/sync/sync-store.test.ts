import { type DatabaseHandle, openTestDatabase, testDatabaseKind } from '@mixroom/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SyncRepository } from './sync.repository.js';
import { mergeInProcess } from './snapshot-merge.js';
import { SyncStore, type SyncStoreBackend } from './sync-store.js';

// Storage contract: runs on PGlite by default and on PostgreSQL when TEST_DATABASE_URL is set.
let handle: DatabaseHandle;
let repo: SyncRepository;
beforeAll(async () => {
  handle = await openTestDatabase();
  repo = new SyncRepository(handle.db);
});
afterAll(async () => {
  await handle?.close();
});

/** A document that records every update it emits. */
function recordingDoc() {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return { doc, updates };
}

function stateOf(updates: readonly Uint8Array[]): Buffer {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return Buffer.from(Y.encodeStateAsUpdate(doc));
}

describe(`sync storage on ${testDatabaseKind}`, () => {
  it('[SY-10] group-commits appends that arrive together, one row per document and commit', async () => {
    let inserts = 0;
    const counting: SyncStoreBackend = {
      appendUpdates: (rows) => {
        inserts++;
        return repo.appendUpdates(rows);
      },
      load: (name) => repo.load(name),
      compact: (name, merge) => repo.compact(name, merge),
    };
    const store = new SyncStore(counting, { compactAfterRows: 1_000_000 });
    const a = recordingDoc();
    const b = recordingDoc();
    for (let i = 0; i < 300; i++) {
      a.doc.getText('t').insert(i, 'a');
      b.doc.getMap('m').set('fader', i);
    }
    // Interleaved, as two busy rooms would be; each append resolves once its row is committed.
    await Promise.all(
      a.updates.flatMap((u, i) => [
        store.append('doc:group-a', u),
        store.append('doc:group-b', b.updates[i]!),
      ]),
    );
    expect(inserts).toBeLessThan(10);
    const loadedA = await store.load('doc:group-a');
    const loadedB = await store.load('doc:group-b');
    expect(loadedA.length).toBeLessThanOrEqual(inserts); // one row per document and commit
    expect(stateOf(loadedA).equals(stateOf(a.updates))).toBe(true);
    expect(stateOf(loadedB).equals(stateOf(b.updates))).toBe(true);
  });

  it('stores every byte of an update and any document name exactly (PGlite inserts literal values)', async () => {
    const names = ["doc:o'brien", "doc:'; drop table sync_updates; --", 'doc:\\x00\\\\', 'doc:émoji 🎚️'];
    const every = Uint8Array.from({ length: 256 }, (_, i) => i);
    // A view into a larger buffer, as updates sliced out of a WebSocket frame are.
    const framed = Buffer.concat([Buffer.from([9, 9]), Buffer.from(every), Buffer.from([9])]).subarray(2, 258);
    await repo.appendUpdates(names.map((docName) => ({ docName, update: framed })));
    for (const name of names) {
      const { updates } = await repo.load(name);
      expect(updates.map((u) => Buffer.from(u.update)), name).toEqual([Buffer.from(every)]);
    }
    await expect(repo.appendUpdates([{ docName: 'doc:\0', update: every }])).rejects.toThrow();
  });

  it('[SY-15] compaction folds rows into the snapshot and deletes exactly the ids it folded', async () => {
    const name = 'doc:compact';
    const { doc, updates } = recordingDoc();
    const map = doc.getMap('m');
    for (let i = 0; i < 50; i++) map.set(`k${i % 7}`, i); // overwrites: the snapshot is smaller than the log
    await repo.appendUpdates(updates.map((update) => ({ docName: name, update })));

    // An update appended while the compaction transaction runs must survive it.
    map.set('late', true);
    const late = updates.at(-1)!;
    let lateAppend: Promise<void> | undefined;
    const folded = await repo.compact(name, async (snapshot, rows) => {
      lateAppend = repo.appendUpdates([{ docName: name, update: late }]);
      const d = new Y.Doc();
      if (snapshot) Y.applyUpdate(d, snapshot);
      for (const r of rows) Y.applyUpdate(d, r);
      return Y.encodeStateAsUpdate(d);
    });
    await lateAppend;
    expect(folded).toBe(50);
    const { snapshot, updates: rest } = await repo.load(name);
    expect(snapshot).toBeDefined();
    expect(rest.map((r) => Buffer.from(r.update))).toEqual([Buffer.from(late)]);
    expect(stateOf([snapshot!, ...rest.map((r) => r.update)]).equals(stateOf(updates))).toBe(true);
  });

  it('[SY-15] concurrent compactions of one document lose nothing', async () => {
    const name = 'doc:concurrent';
    const { doc, updates } = recordingDoc();
    const text = doc.getText('t');
    for (let i = 0; i < 120; i++) text.insert(0, String.fromCharCode(65 + (i % 26)));
    const store = new SyncStore(repo, { compactAfterRows: 1_000_000 });
    await Promise.all(updates.slice(0, 60).map((u) => store.append(name, u)));
    const merge = async (snapshot: Uint8Array | undefined, rows: Uint8Array[]) =>
      Y.mergeUpdates(snapshot ? [snapshot, ...rows] : rows);
    const appending = Promise.all(updates.slice(60).map((u) => store.append(name, u)));
    await Promise.all([repo.compact(name, merge), repo.compact(name, merge), appending]);
    const loaded = await store.load(name);
    expect(stateOf(loaded).equals(stateOf(updates))).toBe(true);
  });

  it('[SY-15] a compaction whose snapshot was replaced meanwhile writes nothing', async () => {
    const name = 'doc:race';
    const { doc, updates } = recordingDoc();
    for (let i = 0; i < 30; i++) doc.getMap('m').set(`k${i % 4}`, i);
    await repo.appendUpdates(updates.map((update) => ({ docName: name, update })));
    let other: Promise<number> | undefined;
    const first = await repo.compact(name, (snapshot, rows) => {
      // Another instance compacts the same document while this one merges.
      other ??= repo.compact(name, mergeInProcess);
      return mergeInProcess(snapshot, rows);
    });
    const second = await other!;
    expect([first, second].sort((x, y) => x - y)).toEqual([0, 30]);
    const { snapshot, updates: rest } = await repo.load(name);
    expect(rest).toHaveLength(0);
    expect(stateOf([snapshot!]).equals(stateOf(updates))).toBe(true);
  });

  it('[SY-15] a store compacts in the background after the configured number of rows', async () => {
    const name = 'doc:auto';
    const store = new SyncStore(repo, { compactAfterRows: 20 });
    const { doc, updates } = recordingDoc();
    for (let i = 0; i < 45; i++) doc.getMap('m').set('fader', i);
    for (const u of updates) await store.append(name, u);
    await store.close();
    expect(await repo.countUpdates(name)).toBeLessThan(20);
    const reloaded = await new SyncStore(repo).load(name);
    expect(stateOf(reloaded).equals(stateOf(updates))).toBe(true);
  });

  it('[SY-10] with overlapping commits, every append still lands and the document loads the same', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow: SyncStoreBackend = {
      appendUpdates: async (rows) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        await repo.appendUpdates(rows);
        inFlight--;
      },
      load: (n) => repo.load(n),
      compact: (n, m) => repo.compact(n, m),
    };
    const store = new SyncStore(slow, { maxConcurrentCommits: 3, commitIntervalMs: 0, maxBatchRows: 10 });
    const { doc, updates } = recordingDoc();
    for (let i = 0; i < 100; i++) doc.getText('t').insert(0, String(i % 10));
    await Promise.all(updates.map((u) => store.append('doc:overlap', u)));
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(stateOf(await store.load('doc:overlap')).equals(stateOf(updates))).toBe(true);
  });

  it('a failed INSERT rejects exactly the appends of that batch', async () => {
    let fail = true;
    const flaky: SyncStoreBackend = {
      appendUpdates: async (rows) => {
        if (fail) throw new Error('database unavailable');
        await repo.appendUpdates(rows);
      },
      load: (n) => repo.load(n),
      compact: (n, m) => repo.compact(n, m),
    };
    const store = new SyncStore(flaky);
    const first = store.append('doc:flaky', Y.encodeStateAsUpdate(new Y.Doc()));
    await expect(first).rejects.toThrow('database unavailable');
    fail = false;
    await store.append('doc:flaky', Y.encodeStateAsUpdate(new Y.Doc()));
    expect(await repo.countUpdates('doc:flaky')).toBe(1);
  });
});
