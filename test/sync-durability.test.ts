import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MixroomClient } from '@mixroom/client';
import { sessionRoutes } from '@mixroom/contract';
import { openTestDatabase } from '@mixroom/db';
import { insertBriefText, readMix } from '@mixroom/mix-model';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createSessionCast } from './support/server.js';
import {
  type ChildServer,
  connectProvider,
  credentialsOf,
  startChildServer,
  stateOf,
  stopChildServers,
  type TestProvider,
  waitFor,
  waitSynced,
} from './support/sync.js';

// The server runs as a child process so it can be killed with SIGKILL. Storage: PostgreSQL when
// TEST_DATABASE_URL is set (a fresh database), else embedded PGlite in DATA_DIR.
const children: ChildServer[] = [];
const providers: TestProvider[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const p of providers) p.destroy();
  for (const c of children) await c.kill('SIGKILL');
  await stopChildServers();
  for (const cleanup of cleanups) await cleanup();
});

async function storageEnv(): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mixroom-kill-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = { DATA_DIR: dataDir, REDIS_URL: '', DATABASE_URL: '' };
  if (process.env.TEST_DATABASE_URL) {
    const database = await openTestDatabase();
    cleanups.push(() => database.close());
    env.DATABASE_URL = database.url!;
  }
  return env;
}

async function start(env: Record<string, string>): Promise<ChildServer> {
  const child = await startChildServer(env);
  children.push(child);
  return child;
}

let pgliteEnv: Record<string, string> | undefined;
let pgliteServer: ChildServer | undefined;

const markers = (doc: Y.Doc) => new Set(readMix(doc).brief.text.match(/\[\d+\]/g) ?? []);

describe('[SY-10] kill -9', () => {
  it('loses no update that another client had already received', async () => {
    const env = await storageEnv();
    const first = await start(env);
    const cast = await createSessionCast(first.url, 'Kill');
    const writer = connectProvider(first.url, cast.sessionId, credentialsOf(cast.engineer));
    const witness = connectProvider(first.url, cast.sessionId, credentialsOf(cast.artist));
    providers.push(writer, witness);
    await Promise.all([waitSynced(writer), waitSynced(witness)]);

    const N = 150;
    for (let i = 0; i < N; i++) insertBriefText(writer.doc, readMix(writer.doc).brief.text.length, `[${i}]`);
    await waitFor(() => markers(witness.doc).size === N, `the witness to receive all ${N} edits`, 30_000);
    // More edits in flight while the process dies.
    for (let i = N; i < 2 * N; i++)
      insertBriefText(writer.doc, readMix(writer.doc).brief.text.length, `[${i}]`);
    await first.kill('SIGKILL');
    // What the witness holds once the server is gone is what it had received.
    writer.destroy();
    witness.destroy();
    const received = Y.encodeStateVector(witness.doc);
    const receivedMarkers = markers(witness.doc);
    expect(receivedMarkers.size).toBeGreaterThanOrEqual(N);

    const second = await start(env);
    if (!env.DATABASE_URL) {
      pgliteEnv = env;
      pgliteServer = second;
    }
    const reader = connectProvider(second.url, cast.sessionId, credentialsOf(cast.viewer));
    providers.push(reader);
    await waitSynced(reader);
    const stored = markers(reader.doc);
    for (const m of receivedMarkers) expect(stored.has(m), m).toBe(true);
    const storedVector = Y.decodeStateVector(Y.encodeStateVector(reader.doc));
    for (const [client, clock] of Y.decodeStateVector(received)) {
      expect(storedVector.get(client) ?? 0).toBeGreaterThanOrEqual(clock);
    }
  }, 180_000);
});

describe('embedded PGlite', () => {
  it('refuses a second server process on the same DATA_DIR (DataDirLockedError)', async () => {
    // Reuses the PGlite server of the kill -9 test when there is one.
    let env = pgliteEnv;
    let first = pgliteServer;
    if (!env || !first || first.child.exitCode !== null) {
      const dataDir = mkdtempSync(join(tmpdir(), 'mixroom-lock-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      env = { DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' };
      first = await start(env);
    }
    const error = await startChildServer(env).then(
      (unexpected) => {
        children.push(unexpected);
        return undefined;
      },
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/server exited \(1\) before it started/);
    expect(error?.message).toMatch(/already open in process \d+/);
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
  }, 180_000);
});

// Two instances need a shared PostgreSQL and Redis, so this block is only defined when TEST_DATABASE_URL
// and TEST_REDIS_URL are both set. Without them, the fan-out and reconciliation protocol is still covered
// in-process (apps/server/src/sync/sync-hub.test.ts, "[SY-14] fan-out between instances").
if (process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL) {
  describe('[SY-14] two server instances on one PostgreSQL and Redis', () => {
    it('clients on different instances converge; after one instance dies its clients resume on the other', async () => {
      const database = await openTestDatabase();
      cleanups.push(() => database.close());
      const dataDir = mkdtempSync(join(tmpdir(), 'mixroom-cluster-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const env = {
        DATABASE_URL: database.url!,
        REDIS_URL: process.env.TEST_REDIS_URL!,
        REDIS_PREFIX: `mixroom-cluster-${process.pid}-${Date.now()}:`,
        DATA_DIR: dataDir,
        SYNC_RECONCILE_MS: '500',
      };
      const [a, b] = await Promise.all([start(env), start(env)]);
      const cast = await createSessionCast(a.url, 'Cluster');
      const on = (server: ChildServer, who: 'engineer' | 'artist') => {
        const p = connectProvider(server.url, cast.sessionId, credentialsOf(cast[who]));
        providers.push(p);
        return p;
      };
      const onA = [on(a, 'engineer'), on(a, 'artist')];
      const onB = [on(b, 'engineer'), on(b, 'artist')];
      const all = [...onA, ...onB];
      await Promise.all(all.map((p) => waitSynced(p)));
      const sameEverywhere = () => all.every((p) => stateOf(p.doc).equals(stateOf(all[0]!.doc)));

      let marker = 0;
      const edit = (p: TestProvider) => insertBriefText(p.doc, 0, `[${marker++}]`);
      for (let round = 0; round < 10; round++) for (const p of all) edit(p);
      await waitFor(sameEverywhere, 'clients on both instances to converge', 30_000);
      expect(markers(all[0]!.doc).size).toBe(marker);

      // Presence crosses instances too.
      onB[1]!.awareness.setLocalStateField('playhead', 33);
      await waitFor(
        () => onA[0]!.awareness.getStates().get(onB[1]!.doc.clientID)?.playhead === 33,
        'presence from the other instance',
      );

      // Session events cross instances: a role change made through B closes the artist's socket on A
      // (4001), which reconnects as a viewer; changing it back reconnects it as an artist.
      const engineerOnB = new MixroomClient({ baseUrl: b.url });
      engineerOnB.sessionCookie = cast.engineer.sessionCookie;
      const setArtistRole = (role: 'viewer' | 'artist') =>
        engineerOnB.call(sessionRoutes.updateMember, {
          params: { id: cast.sessionId, userId: cast.artist.userId },
          body: { role },
        });
      const artistOnA = onA[1]!;
      await setArtistRole('viewer');
      await waitFor(() => artistOnA.closes.filter((c) => c.code === 4001).length === 1, 'the close on A');
      await waitSynced(artistOnA);
      await setArtistRole('artist');
      await waitFor(() => artistOnA.closes.filter((c) => c.code === 4001).length === 2, 'the second close');
      await waitSynced(artistOnA);

      // Instance A dies; its clients are pointed at B, as a load balancer would, and keep editing.
      await a.kill('SIGKILL');
      for (const p of onA) edit(p);
      for (const p of onA) p.serverUrl = `${b.url.replace(/^http/, 'ws')}/sync`;
      for (const p of all) edit(p);
      await waitFor(sameEverywhere, 'convergence after the failover', 30_000);
      expect(markers(all[0]!.doc).size).toBe(marker);

      // And it is all stored: a fresh client on B loads every edit.
      const fresh = on(b, 'engineer');
      await waitSynced(fresh);
      await waitFor(() => markers(fresh.doc).size === marker, 'every edit in storage', 30_000);
    }, 180_000);
  });
}
