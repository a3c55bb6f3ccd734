import { type DatabaseHandle, openTestDatabase, resultRows, testDatabaseKind } from '@mixroom/db';
import { sql } from 'drizzle-orm';
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
      compact: (name, merge, maxRows) => repo.compact(name, merge, maxRows),
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
    const framed = Buffer.concat([Buffer.from([9, 9]), Buffer.from(every), Buffer.from([9])]).subarray(
      2,
      258,
    );
    await repo.appendUpdates(names.map((docName) => ({ docName, update: framed })));
    for (const name of names) {
      const { updates } = await repo.load(name);
      expect(
        updates.map((u) => Buffer.from(u.update)),
        name,
      ).toEqual([Buffer.from(every)]);
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
    let lateAppend: Promise<unknown> | undefined;
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
    let other: Promise<number | 'lost'> | undefined;
    const first = await repo.compact(name, (snapshot, rows) => {
      // Another instance compacts the same document while this one merges.
      other ??= repo.compact(name, mergeInProcess);
      return mergeInProcess(snapshot, rows);
    });
    // Whichever writes first folds everything; the other loses its round, or finds nothing left to fold.
    const outcomes = [first, await other!].map(String).sort();
    expect(outcomes[0]).toMatch(/^(0|30)$/);
    expect(outcomes).toContain('30');
    expect(outcomes.filter((o) => o === '30')).toHaveLength(1);
    const { snapshot, updates: rest } = await repo.load(name);
    expect(rest).toHaveLength(0);
    expect(stateOf([snapshot!]).equals(stateOf(updates))).toBe(true);
  });

  it('[SY-15] a store compacts in the background after the configured number of rows', async () => {
    const name = 'doc:auto';
    const store = new SyncStore(repo, { compactAfterRows: 20 });
    await store.load(name);
    const { doc, updates } = recordingDoc();
    for (let i = 0; i < 45; i++) doc.getMap('m').set('fader', i);
    for (const u of updates) await store.append(name, u);
    await store.close();
    expect(await repo.countUpdates(name)).toBeLessThan(20);
    const reloaded = await new SyncStore(repo).load(name);
    expect(stateOf(reloaded).equals(stateOf(updates))).toBe(true);
  });

  /** The repository, recording how compaction is called. */
  function watchedBackend() {
    const calls = { compactions: 0, largestBatch: 0, running: 0, maxRunning: 0 };
    const backend: SyncStoreBackend = {
      appendUpdates: (rows) => repo.appendUpdates(rows),
      load: (n) => repo.load(n),
      compact: async (n, m, maxRows) => {
        calls.compactions++;
        calls.largestBatch = Math.max(calls.largestBatch, maxRows);
        calls.running++;
        calls.maxRunning = Math.max(calls.maxRunning, calls.running);
        try {
          return await repo.compact(n, m, maxRows);
        } finally {
          calls.running--;
        }
      },
    };
    return { backend, calls };
  }

  it('[SY-15] compacts one document at a time, in batches, counting the rows it found at load', async () => {
    const { backend, calls } = watchedBackend();
    const store = new SyncStore(backend, { compactAfterRows: 30, compactionBatchRows: 10 });
    const names = ['doc:queue-a', 'doc:queue-b', 'doc:queue-c'];
    // Rows already in the log when a document loads count too.
    const early = recordingDoc();
    for (let i = 0; i < 12; i++) early.doc.getMap('m').set('k', i);
    await repo.appendUpdates(early.updates.map((update) => ({ docName: names[0]!, update })));
    for (const name of names) await store.load(name);
    const docs = names.map(() => recordingDoc());
    for (let i = 0; i < 40; i++) {
      for (const [d, { doc }] of docs.entries()) doc.getMap('m').set('fader', i * 10 + d);
      // One commit per round, so every document gains one row per round.
      await Promise.all(docs.map(({ updates }, d) => store.append(names[d]!, updates.at(-1)!)));
    }
    await store.close();
    expect(calls.compactions).toBeGreaterThanOrEqual(3);
    expect(calls.largestBatch).toBe(10);
    expect(calls.maxRunning).toBe(1);
    for (const [d, name] of names.entries()) {
      expect(await repo.countUpdates(name), name).toBeLessThan(30);
      const all = d === 0 ? [...early.updates, ...docs[d]!.updates] : docs[d]!.updates;
      expect(stateOf(await new SyncStore(repo).load(name)).equals(stateOf(all)), name).toBe(true);
    }
  });

  it('[SY-15] folds everything of a released document, and survives losing a round to another instance', async () => {
    const { backend, calls } = watchedBackend();
    const name = 'doc:release';
    let competed = false;
    const store = new SyncStore(backend, {
      compactAfterRows: 1000,
      compactionBatchRows: 8,
      // Another instance compacts the same document while this one merges its first batch.
      merge: async (snapshot, rows) => {
        if (!competed) {
          competed = true;
          expect(await repo.compact(name, mergeInProcess, 5)).toBe(5);
        }
        return mergeInProcess(snapshot, rows);
      },
    });
    await store.load(name);
    const { doc, updates } = recordingDoc();
    for (let i = 0; i < 20; i++) {
      doc.getText('t').insert(0, `${i},`);
      await store.append(name, updates.at(-1)!);
    }
    store.release(name);
    await store.compactionSettled(name);
    expect(calls.compactions).toBeGreaterThanOrEqual(3); // lost, then 8 + 7 (and an empty round)
    expect(await repo.countUpdates(name)).toBe(0);
    expect(stateOf(await new SyncStore(repo).load(name)).equals(stateOf(updates))).toBe(true);
    await store.close();
  });

  it('[SY-15] on PGlite (no autovacuum) the space of folded rows is reclaimed, so the log does not grow', async () => {
    // PGlite whatever this run's database: PostgreSQL vacuums by itself.
    const pglite = await openTestDatabase('pglite');
    try {
      const pgliteRepo = new SyncRepository(pglite.db);
      const sizes: number[] = [];
      const store = new SyncStore(pgliteRepo, {
        compactAfterRows: 50,
        compactionBatchRows: 50,
        reclaimAfterRows: 200,
      });
      const name = 'doc:reclaim';
      const { doc, updates } = recordingDoc();
      for (let cycle = 0; cycle < 6; cycle++) {
        for (let i = 0; i < 400; i++) doc.getMap('m').set('fader', `${cycle}:${i}:${'x'.repeat(200)}`);
        // 400 log rows (as 400 separate commits would leave), loaded, then folded when the document unloads.
        await pgliteRepo.appendUpdates(updates.slice(-400).map((update) => ({ docName: name, update })));
        await store.load(name);
        store.release(name);
        await store.compactionSettled(name);
        const result = await pglite.db.execute(
          sql`select pg_total_relation_size('sync_updates')::int as bytes`,
        );
        sizes.push(resultRows<{ bytes: number }>(result)[0]!.bytes);
      }
      await store.close();
      // Without reclaiming, every cycle adds its 400 rows' pages for good (about 6x the first by the end).
      expect(sizes.at(-1)!).toBeLessThan(sizes[0]! * 2);
      expect(stateOf(await new SyncStore(pgliteRepo).load(name)).equals(stateOf(updates))).toBe(true);
    } finally {
      await pglite.close();
    }
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
      compact: (n, m, maxRows) => repo.compact(n, m, maxRows),
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
      compact: (n, m, maxRows) => repo.compact(n, m, maxRows),
    };
    const store = new SyncStore(flaky);
    const first = store.append('doc:flaky', Y.encodeStateAsUpdate(new Y.Doc()));
    await expect(first).rejects.toThrow('database unavailable');
    fail = false;
    await store.append('doc:flaky', Y.encodeStateAsUpdate(new Y.Doc()));
    expect(await repo.countUpdates('doc:flaky')).toBe(1);
  });
});
