import { addStem, insertBriefText, readMix, setFader } from '@mixroom/mix-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
// In-process server APIs (not part of the HTTP surface), reached through Nest.
import { MixDocuments } from '../apps/server/src/sync/mix-documents.js';
import { SyncRepository } from '../apps/server/src/sync/sync.repository.js';
import { SyncService } from '../apps/server/src/sync/sync.service.js';
import { createSessionCast, type SessionCast } from './support/server.js';
import {
  connectProvider,
  credentialsOf,
  freshStorage,
  type InProcessServer,
  startServerOn,
  stateOf,
  type TestProvider,
  waitFor,
  waitSynced,
} from './support/sync.js';

let storage: Awaited<ReturnType<typeof freshStorage>>;
const servers: InProcessServer[] = [];
const providers: TestProvider[] = [];
// Compact early, unload idle documents quickly.
const tuning: Record<string, string> = { SYNC_COMPACT_AFTER: '25', SYNC_IDLE_UNLOAD_MS: '100' };

beforeAll(async () => {
  storage = await freshStorage();
});
afterAll(async () => {
  for (const p of providers) p.destroy();
  for (const s of servers) await s.close();
  await storage?.dispose();
});

async function start(): Promise<InProcessServer> {
  const s = await startServerOn(storage.database, storage.dataDir, tuning);
  servers.push(s);
  return s;
}

function open(url: string, sessionId: string, client: Parameters<typeof credentialsOf>[0]) {
  const p = connectProvider(url, sessionId, credentialsOf(client));
  providers.push(p);
  return p;
}

describe('durable storage', () => {
  let cast: SessionCast;
  let finalState: Buffer;

  it('[SY-15] [SY-16] compacts the log and unloads an idle document; loading gives back the same state', async () => {
    const s1 = await start();
    cast = await createSessionCast(s1.url, 'Persisted');
    const name = `session:${cast.sessionId}`;
    const a = open(s1.url, cast.sessionId, cast.engineer);
    await waitSynced(a);
    const stem = addStem(a.doc, { fileId: 'f1', name: 'Vox' });
    for (let i = 0; i < 60; i++) {
      setFader(a.doc, stem, -(i % 40));
      insertBriefText(a.doc, 0, `${i};`);
    }
    const docs = s1.server.app.get(MixDocuments);
    await waitFor(
      async () => stateOf(a.doc).equals(await docs.read(cast.sessionId, (d) => stateOf(d))),
      'the server to hold every edit',
    );
    finalState = stateOf(a.doc);

    const sync = s1.server.app.get(SyncService);
    a.destroy();
    await waitFor(() => sync.hub.loaded(name) === undefined, 'the idle document to unload');
    await sync.store.flush();
    const repo = s1.server.app.get(SyncRepository);
    // Folded when it unloads (and earlier if the log passed 25 rows; edits sent together share rows).
    await waitFor(async () => (await repo.load(name)).snapshot !== undefined, 'compaction');
    expect(await repo.countUpdates(name)).toBeLessThan(25);
    const { snapshot, updates } = await repo.load(name);
    expect(snapshot).toBeDefined();
    const reloaded = new Y.Doc();
    for (const u of [snapshot!, ...updates.map((r) => r.update)]) Y.applyUpdate(reloaded, u);
    expect(stateOf(reloaded).equals(finalState)).toBe(true);
  });

  it('survives a server restart', async () => {
    await servers.pop()!.close();
    const s2 = await start();
    const b = open(s2.url, cast.sessionId, cast.artist);
    await waitSynced(b);
    expect(stateOf(b.doc).equals(finalState)).toBe(true);
    expect(readMix(b.doc).brief.text).toContain('59;');
  });

  it('[SY-10] close() stores every change it let finish, and refuses the rest', async () => {
    const s2 = servers.at(-1)!;
    const docs = s2.server.app.get(MixDocuments);
    await docs.read(cast.sessionId, () => null); // loaded, so the changes start at once
    const changes = Array.from({ length: 20 }, (_, i) =>
      docs.change(cast.sessionId, (doc) => insertBriefText(doc, 0, `late${i};`)),
    );
    await servers.pop()!.close();
    const results = await Promise.allSettled(changes);
    const s3 = await start();
    const text = await s3.server.app.get(MixDocuments).read(cast.sessionId, (d) => readMix(d).brief.text);
    for (const [i, r] of results.entries()) {
      expect(text.includes(`late${i};`), `change ${i}`).toBe(r.status === 'fulfilled');
    }
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);
  });
});
