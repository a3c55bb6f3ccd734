import { sessionRoutes } from '@mixroom/contract';
import {
  addSection,
  addStem,
  createScene,
  deleteBriefText,
  insertBriefText,
  MixModelError,
  readMix,
  removeStem,
  renameStem,
  setFader,
  setMute,
  setPan,
  setSceneFader,
  setSongInfo,
} from '@mixroom/mix-model';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocketType from 'ws';
import * as Y from 'yjs';
// MixDocuments is the server's in-process API (not part of the HTTP surface), reached through Nest.
import { MixChangeRejectedError, MixDocuments } from '../apps/server/src/sync/mix-documents.js';
import { SyncRepository } from '../apps/server/src/sync/sync.repository.js';
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

// Small limits so the size rules can be exercised with small messages.
const MAX_MESSAGE = 16 * 1024;
const MAX_DOCUMENT = 64 * 1024;

let t: TestServer;
let cast: SessionCast;
let docs: MixDocuments;
const providers: TestProvider[] = [];
const open = (...args: Parameters<typeof connectProvider>) => {
  const p = connectProvider(...args);
  providers.push(p);
  return p;
};
const as = (who: keyof Omit<SessionCast, 'sessionId'>) => credentialsOf(cast[who]);
const cookieHeader = (who: keyof Omit<SessionCast, 'sessionId'>) => ({
  cookie: `mixroom_session=${cast[who].sessionCookie}`,
});

beforeAll(async () => {
  t = await startTestServer({
    MAX_SYNC_MESSAGE_BYTES: String(MAX_MESSAGE),
    MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT),
  });
  cast = await createSessionCast(t.url, 'Night Drive');
  docs = t.server.app.get(MixDocuments);
});
afterAll(async () => {
  for (const p of providers) p.destroy();
  await t?.close();
});

/** A new session owned by the cast's engineer, with the artist and viewer invited. */
async function newSession(title: string): Promise<string> {
  const { session } = await cast.engineer.call(sessionRoutes.createSession, { body: { title } });
  for (const role of ['artist', 'viewer'] as const) {
    const { token } = await cast.engineer.call(sessionRoutes.createInvite, {
      params: { id: session.id },
      body: { role },
    });
    await cast[role].call(sessionRoutes.acceptInvite, { params: { token }, body: {} });
  }
  return session.id;
}

const serverState = (sessionId: string) => docs.read(sessionId, (doc) => stateOf(doc));
const stemsOf = (doc: Y.Doc) => readMix(doc).stems;

/** Sends raw frames on a fresh socket; resolves with the close code and reason. */
async function sendRaw(
  sessionId: string,
  who: keyof Omit<SessionCast, 'sessionId'>,
  frames: (Uint8Array | string)[],
): Promise<{ code: number; reason: string }> {
  const opened = await rawSocket(t.url, `/sync/${sessionId}`, cookieHeader(who));
  const ws = opened.ws as WebSocketType;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  for (const frame of frames) ws.send(frame, { binary: typeof frame !== 'string' });
  const timer = setTimeout(() => ws.close(1000, 'no verdict'), 5000);
  const result = await closed;
  clearTimeout(timer);
  return result;
}

function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** A client-side copy of the server's document, to craft updates from. */
async function copyOfServer(sessionId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await docs.read(sessionId, (d) => Y.encodeStateAsUpdate(d)));
  return doc;
}

function updateFrom(doc: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  change();
  return Y.encodeStateAsUpdate(doc, before);
}

describe('[SY-1] WS /sync/:sessionId access', () => {
  it('refuses anonymous (401), outsiders and unknown sessions (404) with plain HTTP, before the upgrade', async () => {
    const path = `/sync/${cast.sessionId}`;
    expect((await rawSocket(t.url, path)).status).toBe(401);
    expect((await rawSocket(t.url, `${path}?token=mxp_not-a-real-token`)).status).toBe(401);
    const stranger = await rawSocket(t.url, path, cookieHeader('stranger'));
    expect(stranger.status).toBe(404);
    expect(JSON.parse(stranger.body)).toMatchObject({ error: { code: 'not_found' } });
    const unknown = await rawSocket(
      t.url,
      '/sync/00000000-0000-4000-8000-000000000000',
      cookieHeader('engineer'),
    );
    expect(unknown.status).toBe(404);
    expect((await rawSocket(t.url, '/sync/not-a-uuid', cookieHeader('engineer'))).status).toBe(404);
    expect((await rawSocket(t.url, '/sync/%E0%A4%A', cookieHeader('engineer'))).status).toBe(404);
    const member = await rawSocket(t.url, path, cookieHeader('viewer'));
    expect(member.status).toBe(101);
    member.ws!.close();
  });

  it('refuses cookie sockets from a foreign Origin (403) and accepts same-origin ones', async () => {
    const path = `/sync/${cast.sessionId}`;
    const foreign = await rawSocket(t.url, path, {
      ...cookieHeader('engineer'),
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    const same = await rawSocket(t.url, path, { ...cookieHeader('engineer'), origin: t.url });
    expect(same.status).toBe(101);
    same.ws!.close();
  });

  it('[SY-11] accepts a personal access token in ?token= and serves the document the server seeded', async () => {
    const token = await personalToken(cast.artist);
    const p = open(t.url, cast.sessionId, { token });
    await waitSynced(p);
    const mix = readMix(p.doc);
    expect(mix.meta.title).toBe('Night Drive');
    expect(mix.scenes.map((s) => s.id)).toEqual(['engineer']);
    expect(stateOf(p.doc).equals(await serverState(cast.sessionId))).toBe(true);
  });
});

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random mix-model operation on a client's document (an operation the model refuses is skipped). */
function randomEdit(doc: Y.Doc, random: () => number, who: number): void {
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const stems = readMix(doc).stems.map((s) => s.id);
  const op = Math.floor(random() * 10);
  try {
    const stem = pick(stems);
    if (op === 0 || stem === undefined) addStem(doc, { fileId: `file-${who}`, name: `Stem ${who}` });
    else if (op === 1) setFader(doc, stem, Math.round(random() * 84 - 60));
    else if (op === 2) setPan(doc, stem, Math.round(random() * 200 - 100) / 100);
    else if (op === 3) setMute(doc, stem, random() < 0.5);
    else if (op === 4) renameStem(doc, stem, `Stem ${who}.${Math.floor(random() * 100)}`);
    else if (op === 5) setSceneFader(doc, 'engineer', stem, Math.round(random() * 30 - 20));
    else if (op === 6) {
      const text = doc.getMap('brief').get('text') as Y.Text;
      insertBriefText(doc, Math.floor(random() * (text.length + 1)), `<${who}>`);
    } else if (op === 7) {
      const text = doc.getMap('brief').get('text') as Y.Text;
      if (text.length > 2) deleteBriefText(doc, Math.floor(random() * (text.length - 2)), 2);
    } else if (op === 8 && random() < 0.3) removeStem(doc, stem);
    else if (op === 9) {
      const start = Math.floor(random() * 20) * 10;
      addSection(doc, { label: `S${who}`, kind: 'verse', startS: start, endS: start + 5 + random() * 4 });
    }
  } catch (error) {
    if (!(error instanceof MixModelError)) throw error;
  }
}

describe('convergence', () => {
  for (const clients of [2, 5]) {
    it(`[SY-3] ${clients} clients converge under a seeded random concurrent-edit matrix`, async () => {
      const sessionId = await newSession(`Matrix ${clients}`);
      const writers = [as('engineer'), as('artist')];
      const peers = Array.from({ length: clients }, (_, i) => open(t.url, sessionId, writers[i % 2]));
      await Promise.all(peers.map((p) => waitSynced(p)));
      setSongInfo(peers[0]!.doc, { durationS: 240 });
      await waitFor(
        () => peers.every((p) => readMix(p.doc).meta.durationS === 240),
        'the song length everywhere',
      );

      const random = rng(1234 + clients);
      for (let round = 0; round < 6; round++) {
        // Every other round some clients go offline, edit, and come back: their edits meet the others'
        // as concurrent changes through sync step 2.
        const offline = round % 2 === 1 ? peers.filter(() => random() < 0.4) : [];
        for (const p of offline) p.disconnect();
        for (let i = 0; i < 8 * clients; i++) {
          const who = Math.floor(random() * clients);
          randomEdit(peers[who]!.doc, random, who);
        }
        for (const p of offline) p.connect();
        await Promise.all(peers.map((p) => waitSynced(p)));
      }

      const expected = await (async () => {
        await waitFor(async () => {
          const server = await serverState(sessionId);
          return peers.every((p) => stateOf(p.doc).equals(server));
        }, 'every client to hold the server state');
        return serverState(sessionId);
      })();
      for (const p of peers) {
        expect(stateOf(p.doc).equals(expected)).toBe(true);
        expect(Y.encodeStateVector(p.doc)).toEqual(Y.encodeStateVector(peers[0]!.doc));
        expect(readMix(p.doc)).toEqual(readMix(peers[0]!.doc));
        expect(p.closes).toEqual([]);
      }
      expect(stemsOf(peers[0]!.doc).length).toBeGreaterThan(0);
    });
  }
});

describe('[SY-8] viewers', () => {
  it('are answered but never applied: the document is unchanged on the server and for everyone else', async () => {
    const sessionId = await newSession('Viewer');
    const engineer = open(t.url, sessionId, as('engineer'));
    const viewer = open(t.url, sessionId, as('viewer'));
    await Promise.all([waitSynced(engineer), waitSynced(viewer)]);
    const stem = addStem(engineer.doc, { fileId: 'f1', name: 'Vox' });
    await waitFor(() => stemsOf(viewer.doc).length === 1, 'the stem at the viewer');
    const before = await serverState(sessionId);

    setFader(viewer.doc, stem, -30);
    addStem(viewer.doc, { fileId: 'f2', name: 'Viewer stem' });
    // Presence travels on the same socket after the updates, so once it arrives they were processed.
    viewer.awareness.setLocalStateField('playhead', 42);
    await waitFor(
      () => [...engineer.awareness.getStates().values()].some((s) => s.playhead === 42),
      "the viewer's presence at the engineer",
    );
    expect((await serverState(sessionId)).equals(before)).toBe(true);
    expect(stemsOf(engineer.doc).map((s) => [s.name, s.faderDb])).toEqual([['Vox', 0]]);

    // Still connected and still served: a later edit reaches the viewer. (Not the fader: the viewer's own
    // refused value for it stays in its local copy and may win there against a concurrent one.)
    setPan(engineer.doc, stem, 0.5);
    await waitFor(
      () => stemsOf(viewer.doc).find((s) => s.id === stem)?.pan === 0.5,
      "the engineer's edit at the viewer",
    );
    expect(viewer.wsconnected).toBe(true);
    expect(viewer.closes).toEqual([]);
  });
});

describe('[SY-6] malformed frames and [SY-3] size caps', () => {
  it('each close only the sending socket; the server, the document and other clients are unaffected', async () => {
    const sessionId = await newSession('Battery');
    const engineer = open(t.url, sessionId, as('engineer'));
    await waitSynced(engineer);
    addStem(engineer.doc, { fileId: 'f1', name: 'Vox' });
    await waitFor(async () => stateOf(engineer.doc).equals(await serverState(sessionId)), 'the stem stored');
    const before = await serverState(sessionId);

    const random = rng(99);
    const noise = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    const cases: [string, (Uint8Array | string)[], number][] = [
      ['empty frame', [new Uint8Array(0)], 4400],
      ['text frame', ['hello'], 4400],
      ['truncated varint', [Uint8Array.of(0x80)], 4400],
      ['unknown message type', [Uint8Array.of(9, 0)], 4400],
      ['auth message from a client', [Uint8Array.of(2, 0, 0)], 4400],
      ['unknown sync step', [Uint8Array.of(0, 7, 0)], 4400],
      ['huge length prefix', [Uint8Array.of(0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2)], 4400],
      ['garbage update', [syncMessage(2, noise(300))], 4400],
      ['garbage step 2', [syncMessage(1, noise(64))], 4400],
      ['truncated real update', [syncMessage(2, Y.encodeStateAsUpdate(engineer.doc).slice(0, 40))], 4400],
      ['awareness with absurd entry count', [Uint8Array.of(1, 3, 0xff, 0xff, 0x03)], 4400],
      ['update above the message cap', [syncMessage(2, noise(MAX_MESSAGE + 1))], 4413],
      ['frame above the frame cap', [syncMessage(2, noise(MAX_MESSAGE * 4))], 1009],
      ['awareness above its cap', [Uint8Array.of(1, ...encodeLength(16_390), ...noise(16_390))], 4413],
    ];
    for (let i = 0; i < 12; i++)
      cases.push([`random bytes #${i}`, [noise(1 + Math.floor(random() * 200))], -1]);

    for (const [name, frames, code] of cases) {
      const result = await sendRaw(sessionId, 'artist', frames);
      if (code === -1) expect([4400, 4413], name).toContain(result.code);
      else expect(result.code, name).toBe(code);
    }

    expect((await t.anonymous().raw('GET', '/health')).status).toBe(200);
    expect((await serverState(sessionId)).equals(before)).toBe(true);
    expect(engineer.wsconnected).toBe(true);
    expect(engineer.closes).toEqual([]);
    addStem(engineer.doc, { fileId: 'f2', name: 'Bass' });
    await waitFor(
      async () => stateOf(engineer.doc).equals(await serverState(sessionId)),
      'a later edit stored',
    );
  });

  it('an update that would push the document past its budget closes that socket with 4413', async () => {
    const sessionId = await newSession('Budget');
    const engineer = open(t.url, sessionId, as('engineer'));
    const artist = open(t.url, sessionId, as('artist'));
    await Promise.all([waitSynced(engineer), waitSynced(artist)]);
    const chunk = 'x'.repeat(15_000);
    for (let i = 0; i < 3; i++) {
      insertBriefText(artist.doc, 0, chunk);
      await waitFor(() => readMix(engineer.doc).brief.text.length === (i + 1) * chunk.length, `chunk ${i}`);
    }
    let closed: { code: number } | undefined;
    artist.on('closed', (event) => {
      closed = event;
    });
    insertBriefText(artist.doc, 0, chunk); // fits: 60 000 characters, about 61 KB
    insertBriefText(artist.doc, 0, chunk); // would need about 76 KB
    await waitFor(() => closed !== undefined, 'the artist to be closed');
    expect(closed!.code).toBe(4413);
    await waitFor(() => readMix(engineer.doc).brief.text.length === 4 * chunk.length, 'the fourth chunk');
    const server = await serverState(sessionId);
    expect(server.byteLength).toBeLessThanOrEqual(MAX_DOCUMENT);
    expect(stateOf(engineer.doc).equals(server)).toBe(true);
    expect(engineer.closes).toEqual([]);
  });
});

describe('[SY-7] message rate', () => {
  it('a socket that floods messages, or sync requests, is closed with 4429; the server and others carry on', async () => {
    const sessionId = await newSession('Flood');
    const engineer = open(t.url, sessionId, as('engineer'));
    await waitSynced(engineer);
    const before = await serverState(sessionId);

    // Default budget: 200 messages a second, bursts of 400. Query-awareness is the cheapest message to send.
    const flood = await sendRaw(
      sessionId,
      'viewer',
      Array.from({ length: 1000 }, () => Uint8Array.of(3)),
    );
    expect(flood).toEqual({ code: 4429, reason: 'Too many messages; slow down.' });
    // A sync step 1 costs an encoding of the whole document: ten at once pass, then one per two seconds.
    const step1 = syncMessage(0, Y.encodeStateVector(new Y.Doc()));
    const requests = await sendRaw(
      sessionId,
      'artist',
      Array.from({ length: 30 }, () => step1),
    );
    expect(requests).toEqual({ code: 4429, reason: 'Too many sync requests; slow down.' });

    expect((await serverState(sessionId)).equals(before)).toBe(true);
    expect(engineer.closes).toEqual([]);
    addStem(engineer.doc, { fileId: 'f1', name: 'Vox' });
    await waitFor(
      async () => stateOf(engineer.doc).equals(await serverState(sessionId)),
      'a later edit stored',
    );
    // An honest pace passes: a fader drag sends about 60 updates a second.
    const artist = open(t.url, sessionId, as('artist'));
    await waitSynced(artist);
    const stem = stemsOf(artist.doc)[0]!.id;
    for (let i = 0; i < 120; i++) {
      setFader(artist.doc, stem, -(i % 40));
      await new Promise((r) => setTimeout(r, 16));
    }
    await waitFor(async () => stateOf(artist.doc).equals(await serverState(sessionId)), 'the drag stored');
    expect(artist.closes).toEqual([]);
  });
});

/** An awareness update: [clientId, clock, JSON state] entries. */
function encodeAwarenessEntriesForTest(entries: [number, number, string][]): number[] {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const [clientId, clock, json] of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return [...encoding.toUint8Array(encoder)];
}

function encodeLength(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

describe('[SY-3] hostile but well-formed updates', () => {
  it('are refused with 4400 naming the field; nothing changes anywhere', async () => {
    const sessionId = await newSession('Hostile');
    const engineer = open(t.url, sessionId, as('engineer'));
    await waitSynced(engineer);
    const stem = addStem(engineer.doc, { fileId: 'f1', name: 'Vox' });
    await waitFor(async () => stateOf(engineer.doc).equals(await serverState(sessionId)), 'the stem stored');
    const before = await serverState(sessionId);

    const hostile: [string, (doc: Y.Doc) => void, RegExp][] = [
      ['fader +99 dB', (d) => (d.getMap('stems').get(stem) as Y.Map<unknown>).set('faderDb', 99), /faderDb/],
      ['a new root type', (d) => d.getMap('evil').set('x', 1), /evil/],
      ['a wrong type', (d) => (d.getMap('stems').get(stem) as Y.Map<unknown>).set('mute', 'yes'), /mute/],
      ['a stem missing fields', (d) => d.getMap('stems').set('ghost', new Y.Map()), /ghost/],
      ['an unknown field', (d) => d.getMap('meta').set('admin', true), /admin/],
    ];
    for (const [name, change, reason] of hostile) {
      const copy = await copyOfServer(sessionId);
      const result = await sendRaw(sessionId, 'artist', [
        syncMessage(
          2,
          updateFrom(copy, () => change(copy)),
        ),
      ]);
      expect(result.code, name).toBe(4400);
      expect(result.reason, name).toMatch(reason);
    }

    // The stock client: a hostile edit closes it for good (no reconnect loop).
    const artist = open(t.url, sessionId, as('artist'));
    await waitSynced(artist);
    let closed: { code: number; reason: string } | undefined;
    artist.on('closed', (event) => {
      closed = event;
    });
    artist.doc.getArray('hack').push([1]);
    await waitFor(() => closed !== undefined, 'the artist to be closed');
    expect(closed!.code).toBe(4400);
    expect(artist.shouldConnect).toBe(false);

    expect((await serverState(sessionId)).equals(before)).toBe(true);
    expect(stateOf(engineer.doc).equals(before)).toBe(true);
    expect(engineer.closes).toEqual([]);
  });
});

describe('[SY-9] presence', () => {
  it('carries the authenticated user and allowed fields only, and disappears when the socket closes', async () => {
    const sessionId = await newSession('Presence');
    const engineer = open(t.url, sessionId, as('engineer'));
    const artist = open(t.url, sessionId, as('artist'));
    await Promise.all([waitSynced(engineer), waitSynced(artist)]);
    artist.awareness.setLocalState({
      user: { id: cast.engineer.userId, displayName: 'Engineer' },
      playhead: 12.5,
      playing: true,
      sceneId: 'engineer',
      playbackSystem: 'headphones',
      secret: 'x'.repeat(100),
    });
    const artistState = () => engineer.awareness.getStates().get(artist.doc.clientID);
    await waitFor(() => artistState()?.playhead === 12.5, "the artist's presence");
    expect(artistState()).toEqual({
      user: { id: cast.artist.userId, displayName: 'artist', role: 'artist' },
      playhead: 12.5,
      playing: true,
      sceneId: 'engineer',
      playbackSystem: 'headphones',
    });

    // Another socket cannot take over the engineer's presence entry (its client id belongs to the
    // engineer's connection); its own entry goes through, which tells us both were processed.
    const engineerId = engineer.doc.clientID;
    const clock = (engineer.awareness.meta.get(engineerId)?.clock ?? 0) + 100;
    const raw = await rawSocket(t.url, `/sync/${sessionId}`, cookieHeader('viewer'));
    const entries = encodeAwarenessEntriesForTest([
      [engineerId, clock, JSON.stringify({ playhead: 999 })],
      [424242, 1, JSON.stringify({ playhead: 5 })],
    ]);
    raw.ws!.send(Uint8Array.of(1, ...encodeLength(entries.length), ...entries));
    await waitFor(
      () => artist.awareness.getStates().get(424242)?.playhead === 5,
      "the viewer socket's own entry",
    );
    expect(artist.awareness.getStates().get(engineerId)?.playhead).not.toBe(999);
    expect(artist.awareness.getStates().get(424242)?.user).toEqual({
      id: cast.viewer.userId,
      displayName: 'viewer',
      role: 'viewer',
    });
    raw.ws!.close();
    await waitFor(() => !artist.awareness.getStates().has(424242), "the viewer socket's entry to be removed");

    artist.disconnect();
    await waitFor(() => artistState() === undefined, 'the presence to be removed');
  });
});

describe('[SY-17] membership changes', () => {
  it('a demoted artist is reconnected as a viewer; a removed member is closed for good', async () => {
    const sessionId = await newSession('Roles');
    const engineer = open(t.url, sessionId, as('engineer'));
    const artist = open(t.url, sessionId, as('artist'));
    const viewer = open(t.url, sessionId, as('viewer'));
    await Promise.all([waitSynced(engineer), waitSynced(artist), waitSynced(viewer)]);
    const stem = addStem(artist.doc, { fileId: 'f1', name: 'Vox' });
    await waitFor(() => stemsOf(engineer.doc).length === 1, "the artist's edit");

    await cast.engineer.call(sessionRoutes.updateMember, {
      params: { id: sessionId, userId: cast.artist.userId },
      body: { role: 'viewer' },
    });
    await waitFor(() => artist.closes.some((c) => c.code === 4001), 'the role-change close');
    await waitSynced(artist);
    setFader(artist.doc, stem, -20);
    artist.awareness.setLocalStateField('playhead', 7);
    await waitFor(
      () => engineer.awareness.getStates().get(artist.doc.clientID)?.user?.role === 'viewer',
      'the artist back as a viewer',
    );
    expect(stemsOf(engineer.doc)[0]!.faderDb).toBe(0);

    let closed: { code: number } | undefined;
    viewer.on('closed', (event) => {
      closed = event;
    });
    await cast.engineer.call(sessionRoutes.removeMember, {
      params: { id: sessionId, userId: cast.viewer.userId },
    });
    await waitFor(() => closed !== undefined, 'the removed viewer to be closed');
    expect(closed!.code).toBe(4403);
    expect(viewer.shouldConnect).toBe(false);
    expect(engineer.closes).toEqual([]);
  });
});

describe('[SY-17] deleting a session', () => {
  it('closes its sockets for good (4410) and removes its stored document', async () => {
    const sessionId = await newSession('Doomed');
    const engineer = open(t.url, sessionId, as('engineer'));
    await waitSynced(engineer);
    addStem(engineer.doc, { fileId: 'f1', name: 'Vox' });
    const repo = t.server.app.get(SyncRepository);
    await waitFor(async () => (await repo.countUpdates(`session:${sessionId}`)) >= 2, 'the stem stored');
    let closed: { code: number } | undefined;
    engineer.on('closed', (event) => {
      closed = event;
    });
    await cast.engineer.call(sessionRoutes.deleteSession, { params: { id: sessionId } });
    await waitFor(() => closed !== undefined, 'the close');
    expect(closed!.code).toBe(4410);
    await waitFor(async () => {
      const { snapshot, updates } = await repo.load(`session:${sessionId}`);
      return snapshot === undefined && updates.length === 0;
    }, 'the stored document to be removed');
  });
});

describe('[SY-13] MixDocuments', () => {
  it('broadcasts server-made changes, and refuses invalid ones without changing anything', async () => {
    const sessionId = await newSession('Server changes');
    const engineer = open(t.url, sessionId, as('engineer'));
    await waitSynced(engineer);
    let stem = '';
    await docs.change(sessionId, (doc) => {
      stem = addStem(doc, { fileId: 'f9', name: 'From the server' });
    });
    await waitFor(() => stemsOf(engineer.doc).some((s) => s.id === stem), 'the server-made stem');
    expect(await docs.read(sessionId, (doc) => readMix(doc).stems.map((s) => s.name))).toEqual([
      'From the server',
    ]);

    const before = await serverState(sessionId);
    await expect(
      docs.change(sessionId, (doc) => (doc.getMap('stems').get(stem) as Y.Map<unknown>).set('pan', 5)),
    ).rejects.toBeInstanceOf(MixChangeRejectedError);
    await expect(
      docs.change(sessionId, (doc) => {
        setFader(doc, stem, -1);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await serverState(sessionId)).equals(before)).toBe(true);
    await docs.change(sessionId, (doc) => createScene(doc, { name: 'Later', createdBy: 'server' }));
    await waitFor(() => readMix(engineer.doc).scenes.length === 2, 'a later server change');
    expect(readMix(engineer.doc).stems[0]!.faderDb).toBe(0);
  });
});
