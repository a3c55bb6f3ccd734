import { sessionRoutes } from '@mixroom/contract';
import { addStem, readMix, setFader } from '@mixroom/mix-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createSessionCast, type SessionCast, startTestServer, type TestServer } from './support/server.js';
import {
  connectProvider,
  credentialsOf,
  personalToken,
  rawSocket,
  stateOf,
  type TestProvider,
  waitFor,
  waitSynced,
} from './support/sync.js';

let t: TestServer;
let cast: SessionCast;
const providers: TestProvider[] = [];
const open = (...args: Parameters<typeof connectProvider>) => {
  const p = connectProvider(...args);
  providers.push(p);
  return p;
};

beforeAll(async () => {
  t = await startTestServer();
  cast = await createSessionCast(t.url, 'Night Drive');
});
afterAll(async () => {
  for (const p of providers) p.destroy();
  await t?.close();
});

describe('WS /sync/:sessionId access', () => {
  it('[SY-1] refuses anonymous (401), outsiders and unknown sessions (404) before the upgrade', async () => {
    const path = `/sync/${cast.sessionId}`;
    expect((await rawSocket(t.url, path)).status).toBe(401);
    expect((await rawSocket(t.url, `${path}?token=mxp_not-a-real-token`)).status).toBe(401);
    const stranger = await rawSocket(t.url, path, {
      cookie: `mixroom_session=${cast.stranger.sessionCookie}`,
    });
    expect(stranger.status).toBe(404);
    expect(JSON.parse(stranger.body)).toMatchObject({ error: { code: 'not_found' } });
    const unknown = await rawSocket(t.url, '/sync/00000000-0000-4000-8000-000000000000', {
      cookie: `mixroom_session=${cast.engineer.sessionCookie}`,
    });
    expect(unknown.status).toBe(404);
    const junk = await rawSocket(t.url, '/sync/not-a-uuid', {
      cookie: `mixroom_session=${cast.engineer.sessionCookie}`,
    });
    expect(junk.status).toBe(404);
    const member = await rawSocket(t.url, path, { cookie: `mixroom_session=${cast.viewer.sessionCookie}` });
    expect(member.status).toBe(101);
    member.ws!.close();
  });

  it('[SY-1] accepts a personal access token in ?token= and serves the seeded document', async () => {
    const token = await personalToken(cast.artist);
    const p = open(t.url, cast.sessionId, { token });
    await waitSynced(p);
    const mix = readMix(p.doc);
    expect(mix.meta.title).toBe('Night Drive');
    expect(mix.scenes.map((s) => s.id)).toEqual(['engineer']);
  });
});

describe('convergence', () => {
  it("two clients see each other's edits", async () => {
    const a = open(t.url, cast.sessionId, credentialsOf(cast.engineer));
    const b = open(t.url, cast.sessionId, credentialsOf(cast.artist));
    await Promise.all([waitSynced(a), waitSynced(b)]);
    const stem = addStem(a.doc, { fileId: 'f1', name: 'Vox' });
    await waitFor(() => readMix(b.doc).stems.some((s) => s.id === stem), 'the stem on b');
    setFader(b.doc, stem, -6);
    await waitFor(() => readMix(a.doc).stems.find((s) => s.id === stem)?.faderDb === -6, 'the fader on a');
    await waitFor(() => stateOf(a.doc).equals(stateOf(b.doc)), 'identical state');
  });
});

void sessionRoutes;
void Y;
