import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MixroomClient } from '@mixroom/client';
import { noteRoutes, sessionRoutes } from '@mixroom/contract';
import { openTestDatabase } from '@mixroom/db';
import { createServer, loadConfig, type MixroomServer } from '@mixroom/server';
import { ActivityService, EventStreams } from '@mixroom/server/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseReader } from './events-support.js';
import { deliverRevision } from './notes-support.js';
import { createSessionCast, type SessionCast, startTestServer, type TestServer } from './support/server.js';

let t: TestServer;
let cast: SessionCast;
const open: SseReader[] = [];

const eventsPath = (sessionId: string, query = '') =>
  `${MixroomClient.path(noteRoutes.sessionEvents, { id: sessionId })}${query}`;

async function stream(
  client: MixroomClient,
  sessionId: string,
  headers: Record<string, string> = {},
  query = '',
) {
  const reader = await SseReader.open(client, eventsPath(sessionId, query), headers);
  open.push(reader);
  return reader;
}

/** Changes something small so the session publishes `member.updated`. */
async function touch(c: SessionCast, requiredApprover: boolean) {
  await c.engineer.call(sessionRoutes.updateMember, {
    params: { id: c.sessionId, userId: c.viewer.userId },
    body: { requiredApprover },
  });
}

beforeAll(async () => {
  t = await startTestServer();
  cast = await createSessionCast(t.url);
});
afterAll(async () => {
  for (const r of open) r.close();
  await t?.close();
});

describe('session event stream', () => {
  it('delivers to every member; a stranger gets 404 and an anonymous caller 401', async () => {
    const engineer = await stream(cast.engineer, cast.sessionId);
    const artist = await stream(cast.artist, cast.sessionId);
    expect(engineer.status).toBe(200);
    expect(engineer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(engineer.headers.get('cache-control')).toContain('no-cache');

    const stranger = await stream(cast.stranger, cast.sessionId);
    expect(stranger.status).toBe(404);
    expect(stranger.errorBody).toMatchObject({ error: { code: 'not_found' } });
    expect((await stream(t.anonymous(), cast.sessionId)).status).toBe(401);

    await touch(cast, true);
    for (const reader of [engineer, artist]) {
      const frame = await reader.next((f) => f.event === 'member.updated');
      expect(frame.id).toMatch(/^\d+$/);
      expect(frame.data).toMatchObject({
        id: frame.id,
        type: 'member.updated',
        sessionId: cast.sessionId,
        actorId: cast.engineer.userId,
        data: { member: { userId: cast.viewer.userId, requiredApprover: true } },
      });
    }
    // Both members saw the same event under the same id.
    expect(artist.frames.at(-1)?.id).toBe(engineer.frames.at(-1)?.id);
    engineer.close();
    artist.close();
  });

  it('ids increase per session and a stream resumes after Last-Event-ID with exactly the missed events', async () => {
    const c = await createSessionCast(t.url, 'Resume');
    const first = await stream(c.artist, c.sessionId);
    await touch(c, true);
    const seen = await first.next((f) => f.event === 'member.updated');
    first.close();

    await touch(c, false);
    await c.engineer.call(sessionRoutes.updateSession, {
      params: { id: c.sessionId },
      body: { title: 'Resumed' },
    });

    const resumed = await stream(c.artist, c.sessionId, { 'last-event-id': seen.id! });
    await resumed.next((f) => f.event === 'session.updated');
    expect(resumed.types()).toEqual(['member.updated', 'session.updated']);
    const ids = [seen.id!, ...resumed.frames.map((f) => f.id!)].map(BigInt);
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
    expect(resumed.frames[0]!.data.data).toMatchObject({ member: { requiredApprover: false } });

    // Live events still flow after the replay.
    await touch(c, true);
    await resumed.next((f) => f.event === 'member.updated', { from: 2 });
    resumed.close();

    // The query form (for clients that cannot set headers), polling once: the buffered tail, then the end.
    const polled = await stream(c.viewer, c.sessionId, {}, `?lastEventId=${seen.id}&once=true`);
    await polled.waitEnded();
    expect(polled.types()).toEqual(['member.updated', 'session.updated', 'member.updated']);
  });

  it('asks the client to reload when the missed events are no longer buffered', async () => {
    const c = await createSessionCast(t.url, 'Gap');
    const reader = await stream(c.artist, c.sessionId, { 'last-event-id': '12' });
    await reader.next((f) => f.event === 'stream.resync');
    await touch(c, true);
    await reader.next((f) => f.event === 'member.updated');
    reader.close();
  });

  it('ends the stream of a removed member (after telling them) while others keep theirs', async () => {
    const c = await createSessionCast(t.url, 'Removal');
    const viewer = await stream(c.viewer, c.sessionId);
    const artist = await stream(c.artist, c.sessionId);
    await c.engineer.call(sessionRoutes.removeMember, {
      params: { id: c.sessionId, userId: c.viewer.userId },
    });
    const removed = await viewer.next((f) => f.event === 'member.removed');
    expect(removed.data.data).toEqual({ userId: c.viewer.userId });
    await viewer.waitEnded();

    await c.engineer.call(sessionRoutes.updateSession, {
      params: { id: c.sessionId },
      body: { title: 'After' },
    });
    await artist.next((f) => f.event === 'session.updated');
    expect(viewer.types()).not.toContain('session.updated');
    expect((await stream(c.viewer, c.sessionId)).status).toBe(404);
    artist.close();
  });

  it('sends heartbeat comments', async () => {
    const streams = t.server.app.get(EventStreams);
    const before = streams.heartbeatMs;
    streams.heartbeatMs = 30;
    try {
      const reader = await stream(cast.viewer, cast.sessionId);
      for (let i = 0; i < 200 && !reader.comments.includes('heartbeat'); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(reader.comments).toContain('heartbeat');
      reader.close();
    } finally {
      streams.heartbeatMs = before;
    }
  });
});

// Two instances on one database and one Redis: runs when the suite is pointed at a Redis (TEST_REDIS_URL).
const redisUrl = process.env.TEST_REDIS_URL;
if (redisUrl) {
  describe('session events across instances (Redis fan-out)', () => {
    const servers: MixroomServer[] = [];
    const urls: string[] = [];
    const dirs: string[] = [];
    let database: Awaited<ReturnType<typeof openTestDatabase>>;

    beforeAll(async () => {
      database = await openTestDatabase();
      const prefix = `mixroom-test-${randomBytes(4).toString('hex')}:`;
      for (let i = 0; i < 2; i++) {
        const dir = mkdtempSync(join(tmpdir(), 'mixroom-events-'));
        dirs.push(dir);
        const config = loadConfig({
          DATA_DIR: dir,
          LOG_LEVEL: 'silent',
          PORT: '0',
          REDIS_URL: redisUrl,
          REDIS_PREFIX: prefix,
        });
        const server = await createServer({ config, database, logger: pino({ level: 'silent' }) });
        servers.push(server);
        urls.push(await server.listen(0, '127.0.0.1'));
      }
    });
    afterAll(async () => {
      for (const s of servers) await s.close();
      await database?.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    /** The same signed-in user, talking to instance `i`. */
    const on = (client: MixroomClient, i: number) => {
      const copy = new MixroomClient({ baseUrl: urls[i]! });
      copy.sessionCookie = client.sessionCookie;
      return copy;
    };

    it('events from either instance reach streams on both, with the same ids, increasing', async () => {
      const c = await createSessionCast(urls[0]!, 'Two instances');
      const onB = await stream(on(c.artist, 1), c.sessionId);
      const onA = await stream(on(c.viewer, 0), c.sessionId);
      for (let i = 0; i < 6; i++) {
        await on(c.engineer, i % 2).call(sessionRoutes.updateMember, {
          params: { id: c.sessionId, userId: c.viewer.userId },
          body: { requiredApprover: i % 2 === 0 },
        });
      }
      for (const reader of [onA, onB]) {
        for (let i = 0; i < 200 && reader.types().filter((x) => x === 'member.updated').length < 6; i++) {
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      const idsA = onA.frames.filter((f) => f.event === 'member.updated').map((f) => BigInt(f.id!));
      const idsB = onB.frames.filter((f) => f.event === 'member.updated').map((f) => BigInt(f.id!));
      expect(idsA).toHaveLength(6);
      expect(idsB).toEqual(idsA);
      expect(idsA.every((id, i) => i === 0 || id > idsA[i - 1]!)).toBe(true);
      // The payloads alternate as published, whichever instance published them.
      expect(
        onB.frames.map(
          (f) => (f.data.data?.member as { requiredApprover?: boolean } | undefined)?.requiredApprover,
        ),
      ).toEqual([true, false, true, false, true, false]);

      // Resuming on instance B after events published on A.
      const last = onB.frames.at(-1)!.id!;
      onB.close();
      await on(c.engineer, 0).call(sessionRoutes.updateSession, {
        params: { id: c.sessionId },
        body: { title: 'Moved' },
      });
      await onA.next((f) => f.event === 'session.updated');
      const resumed = await stream(on(c.artist, 1), c.sessionId, { 'last-event-id': last });
      await resumed.next((f) => f.event === 'session.updated');
      expect(resumed.types()).toEqual(['session.updated']);
      resumed.close();
      onA.close();
    });

    it('notifications are recorded once, by the instance that published the event', async () => {
      const c = await createSessionCast(urls[0]!, 'Once');
      const rev = await deliverRevision(c.engineer, c.sessionId, { durationS: 2 });
      for (const s of servers) await s.app.get(ActivityService, { strict: false }).idle();
      await expect
        .poll(async () =>
          (await on(c.artist, 1).call(noteRoutes.listActivity, {})).items.map((i) => i.revisionId),
        )
        .toEqual([rev.id]);
      for (const s of servers) await s.app.get(ActivityService, { strict: false }).idle();
      expect((await on(c.viewer, 1).call(noteRoutes.listActivity, {})).items).toHaveLength(1);
    });

    it('a removal on one instance ends the member stream on the other', async () => {
      const c = await createSessionCast(urls[0]!, 'Removal across');
      const viewerOnB = await stream(on(c.viewer, 1), c.sessionId);
      await on(c.engineer, 0).call(sessionRoutes.removeMember, {
        params: { id: c.sessionId, userId: c.viewer.userId },
      });
      await viewerOnB.waitEnded();
      expect(viewerOnB.types()).toEqual(['member.removed']);
    });
  });
}
