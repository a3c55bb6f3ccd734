import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountRoutes, mediaRoutes, sessionRoutes } from '@mixroom/contract';
import { MixroomClient } from '@mixroom/client';
import { type DatabaseHandle, openTestDatabase } from '@mixroom/db';
import { insertBriefText, readMix } from '@mixroom/mix-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SseReader } from './events-support.js';
import { sineWav } from './support/audio-fixtures.js';
import { tusCreate, tusPatch } from './support/media.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './support/proxy.js';
import {
  type ChildServer,
  connectProvider,
  credentialsOf,
  startChildServer,
  stopChildServers,
  type TestProvider,
  WebSocket,
  waitFor,
  waitSynced,
} from './support/sync.js';

// The proxy the topology test (and bench/load) relies on: round robin, websocket upgrades passed through.
describe('the test round-robin proxy', () => {
  const backends: Server[] = [];
  let proxy: RoundRobinProxy;
  beforeAll(async () => {
    for (const name of ['one', 'two']) {
      const server = createServer((req, res) => {
        res.end(`${name} ${req.headers['x-forwarded-for'] ?? ''}`);
      });
      server.on('upgrade', (_req, socket) => {
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        socket.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      backends.push(server);
    }
    const urls = backends.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    proxy = await startRoundRobinProxy(urls);
  });
  afterAll(async () => {
    await proxy?.close();
    for (const s of backends) await new Promise((r) => s.close(r));
  });

  it('alternates requests between the targets and says who the client is', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await (await fetch(proxy.url)).text());
    expect(answers).toEqual(['one 127.0.0.1', 'two 127.0.0.1', 'one 127.0.0.1', 'two 127.0.0.1']);
  });

  it('passes websocket upgrades through, taking turns separately', async () => {
    for (const expected of [0, 1]) {
      const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/sync/x`);
      await new Promise<void>((resolve) => {
        ws.on('upgrade', () => resolve());
        ws.on('error', () => resolve());
      });
      ws.terminate();
      expect(proxy.upgrades.at(-1)?.target).toBe(proxy.requests[expected]?.target);
    }
  });
});

// The deployment of docker/compose.yml without Docker: two server processes on one PostgreSQL database
// and one Redis, sharing a data directory, behind a round-robin proxy with websocket pass-through.
// It needs real PostgreSQL and Redis (several processes cannot share an embedded database), so it is
// registered only when the run names them (TEST_DATABASE_URL and TEST_REDIS_URL, as CI does).
if (process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL) {
  describe('two instances behind a round-robin proxy (PostgreSQL + Redis)', () => {
    let database: DatabaseHandle & { url?: string };
    let dataDir: string;
    let a: ChildServer;
    let b: ChildServer;
    let proxy: RoundRobinProxy;
    let engineer: MixroomClient;
    let artist: MixroomClient;
    let sessionId = '';
    const providers: TestProvider[] = [];

    beforeAll(async () => {
      database = await openTestDatabase('postgres');
      dataDir = mkdtempSync(join(tmpdir(), 'mixroom-topology-'));
      const env = {
        DATABASE_URL: database.url as string,
        REDIS_URL: process.env.TEST_REDIS_URL as string,
        REDIS_PREFIX: `mixroom-topology-${randomBytes(4).toString('hex')}:`,
        DATA_DIR: dataDir,
        ANALYSIS_WORKERS: '1',
        LOGIN_ATTEMPTS_PER_IP: '100000',
        INVITE_ATTEMPTS_PER_IP: '100000',
      };
      [a, b] = await Promise.all([startChildServer(env), startChildServer(env)]);
      proxy = await startRoundRobinProxy([a.url, b.url]);
    }, 180_000);

    afterAll(async () => {
      for (const p of providers) p.destroy();
      await proxy?.close();
      await stopChildServers();
      await database?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('serves one product through the proxy: sign up, create a session, invite, join', async () => {
      engineer = new MixroomClient({ baseUrl: proxy.url });
      await engineer.call(accountRoutes.signup, {
        body: { email: 'sam@example.com', password: 'a long enough password', displayName: 'Sam' },
      });
      ({
        session: { id: sessionId },
      } = await engineer.call(sessionRoutes.createSession, { body: { title: 'Night Drive' } }));
      const { token } = await engineer.call(sessionRoutes.createInvite, {
        params: { id: sessionId },
        body: { role: 'artist' },
      });
      artist = new MixroomClient({ baseUrl: proxy.url });
      await artist.call(sessionRoutes.acceptInvite, { params: { token }, body: { displayName: 'Ada' } });
      // The cookie from one instance is good on the other: requests alternated between them.
      const { role } = await artist.call(sessionRoutes.getSession, { params: { id: sessionId } });
      expect(role).toBe('artist');
      expect(new Set(proxy.requests.map((r) => r.target))).toEqual(new Set([a.url, b.url]));
    });

    it('syncs the mix document between clients attached to different instances', async () => {
      const p1 = connectProvider(proxy.url, sessionId, credentialsOf(engineer));
      providers.push(p1);
      await waitSynced(p1);
      const p2 = connectProvider(proxy.url, sessionId, credentialsOf(artist));
      providers.push(p2);
      await waitSynced(p2);
      expect(proxy.upgrades.map((u) => u.target)).toEqual([a.url, b.url]);

      insertBriefText(p1.doc, 0, 'Warm and wide. ');
      await waitFor(
        () => readMix(p2.doc).brief.text.includes('Warm and wide.'),
        'the edit on the other instance',
      );
      insertBriefText(p2.doc, 0, 'Vocal forward. ');
      await waitFor(
        () => readMix(p1.doc).brief.text.includes('Vocal forward.'),
        'the reply on the first instance',
      );
      await waitFor(
        () => Buffer.from(Y.encodeStateVector(p1.doc)).equals(Buffer.from(Y.encodeStateVector(p2.doc))),
        'both clients to converge',
      );
      expect(readMix(p1.doc).brief.text).toBe(readMix(p2.doc).brief.text);
    });

    it('shares presence across instances', async () => {
      const [p1, p2] = providers as [TestProvider, TestProvider];
      p1.awareness.setLocalState({ playhead: 42.5, playing: true });
      await waitFor(
        () =>
          [...p2.awareness.getStates().values()].some(
            // The server stamps who it is from; the client only says where the playhead is.
            (s) => s.playhead === 42.5 && (s.user as { displayName?: string })?.displayName === 'Sam',
          ),
        "the engineer's playhead on the other instance",
      );
    });

    it('continues an upload on the other instance (the shared data directory)', async () => {
      const wav = sineWav({ seconds: 1 });
      const half = Math.floor(wav.length / 2);
      const created = await tusCreate(engineer, { sessionId, filename: 'mix.wav', length: wav.length });
      expect(created.status).toBe(201);
      const first = await tusPatch(engineer, created.id as string, 0, wav.subarray(0, half));
      expect(first.status).toBe(204);
      const second = await tusPatch(engineer, created.id as string, half, wav.subarray(half));
      expect(second.status).toBe(204);
      const served = proxy.requests.filter((r) => r.path.startsWith('/api/uploads')).map((r) => r.target);
      expect(served.slice(-3)).toContain(a.url);
      expect(served.slice(-3)).toContain(b.url);
      const { revision } = await engineer.call(mediaRoutes.createRevision, {
        params: { id: sessionId },
        body: { mixUploadId: created.id as string },
      });
      expect(revision.files[0]?.size).toBe(wav.length);
      // Ranged audio through the proxy, from whichever instance.
      const file = revision.files[0]?.id as string;
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${proxy.url}/api/files/${file}/audio`, {
          headers: { ...engineer.authHeaders(), range: 'bytes=44-99' },
        });
        expect(res.status).toBe(206);
        expect(Buffer.from(await res.arrayBuffer()).equals(wav.subarray(44, 100))).toBe(true);
      }
    });

    it('delivers session events to a member streaming from the other instance', async () => {
      const stream = await SseReader.open(artist, `/api/sessions/${sessionId}/events`);
      expect(stream.status).toBe(200);
      const streamOn = proxy.requests.filter((r) => r.path.endsWith('/events')).at(-1)?.target;
      // Change the title until the proxy sends the change to the instance the stream is not on (the
      // round robin makes that the first or the second request).
      let changedOn = streamOn;
      let title = '';
      for (let i = 0; i < 2 && changedOn === streamOn; i++) {
        title = `Night Drive (take ${i + 2})`;
        await engineer.call(sessionRoutes.updateSession, { params: { id: sessionId }, body: { title } });
        changedOn = proxy.requests.filter((r) => r.method === 'PATCH').at(-1)?.target;
      }
      expect(changedOn).not.toBe(streamOn);
      const frame = await stream.next(
        (f) => f.event === 'session.updated' && (f.data.data?.session as { title?: string })?.title === title,
      );
      expect(frame.data.actorId).toBeTruthy();
      stream.close();
    });
  });
}
