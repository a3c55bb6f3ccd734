import { demoRoutes, mediaRoutes, noteRoutes, sessionRoutes } from '@mixroom/contract';
import { ApiError } from '@mixroom/client';
import { readMix } from '@mixroom/mix-model';
import { MixDocuments } from '@mixroom/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from './support/server.js';

let t: TestServer;
let user: Awaited<ReturnType<typeof signUp>>;
let sessionId: string;
// Building the demo synthesises a minute of audio and uploads eight files: allow for a busy machine.
beforeAll(async () => {
  t = await startTestServer();
  user = await signUp(t.url, 'Newcomer');
  const { session } = await user.call(demoRoutes.createDemo);
  expect(session.title).toBe('Night Drive (demo)');
  sessionId = session.id;
}, 180_000);
afterAll(async () => {
  await t?.close();
});

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

describe('the demo session', () => {
  it('is built for someone without sessions: stems, two revisions, sections, brief and notes', async () => {
    const session = { id: sessionId };
    const { revisions } = await user.call(mediaRoutes.listRevisions, { params: { id: session.id } });
    const byNumber = [...revisions].sort((a, b) => a.number - b.number);
    expect(byNumber.map((r) => r.number)).toEqual([1, 2]);
    const [v1, v2] = byNumber as [(typeof revisions)[number], (typeof revisions)[number]];
    expect(v1.files.filter((f) => f.kind === 'stem').map((f) => f.name)).toEqual([
      'drums',
      'bass',
      'rhythm-gtr',
      'melody-gtr',
      'lead-vocal',
      'pad',
    ]);
    for (const file of [...v1.files, ...v2.files]) {
      expect(file.format).toBe('wav');
      expect(file.sampleRate).toBe(48_000);
      expect(file.durationS).toBeCloseTo(60, 1);
    }
    expect(v2.files.map((f) => f.kind)).toEqual(['mix']);

    // The shared document: song length, five sections with intents, a brief, and the stems the server added.
    const mix = await t.server.app
      .get(MixDocuments, { strict: false })
      .read(session.id, (doc) => readMix(doc));
    expect(mix.meta.durationS).toBe(60);
    expect(mix.sections.map((s) => [s.label, s.startS, s.endS])).toEqual([
      ['Intro', 0, 8],
      ['Verse', 8, 24],
      ['Chorus 1', 24, 40],
      ['Bridge', 40, 48],
      ['Chorus 2', 48, 60],
    ]);
    expect(mix.sections.every((s) => s.intent.length > 0)).toBe(true);
    expect(mix.brief.text).toMatch(/Bon Iver/);
    expect(mix.brief.references).toHaveLength(2);
    expect(mix.stems).toHaveLength(6);

    // Notes: a structured chorus note resolved in v2 (with a reply), a verse note carried over, a range note on v2.
    const onV1 = await user.call(noteRoutes.listNotes, { params: { id: v1.id }, query: { status: 'all' } });
    const chorus = onV1.notes.find((n) => n.direction === 'up');
    expect(chorus).toMatchObject({
      atS: 24,
      endS: 40,
      amountDb: 3,
      resolved: true,
      authorName: 'Ada (demo artist)',
    });
    expect(chorus?.replies).toHaveLength(1);
    const onV2 = await user.call(noteRoutes.listNotes, { params: { id: v2.id }, query: { status: 'open' } });
    expect(onV2.notes.map((n) => [n.atS, n.endS, n.carriedOver])).toEqual([
      [12.5, null, true],
      [46, 50, false],
    ]);

    const { members } = await user.call(sessionRoutes.listMembers, { params: { id: session.id } });
    expect(members.map((m) => [m.displayName, m.role])).toEqual([
      ['Newcomer', 'engineer'],
      ['Ada (demo artist)', 'artist'],
    ]);

    // Offered once: now that the user has a session, a second demo is refused.
    expect(await status(user.call(demoRoutes.createDemo))).toBe(409);
  }, 60_000);

  it('the synthesised bounce analyses like a real mix', async () => {
    const session = { id: sessionId };
    const mixOfV1 = async () => {
      const { revisions } = await user.call(mediaRoutes.listRevisions, { params: { id: session.id } });
      return revisions.find((r) => r.number === 1)!.files.find((f) => f.kind === 'mix')!;
    };
    let file = await mixOfV1();
    for (
      let i = 0;
      i < 300 && file.analysis.status !== 'completed' && file.analysis.status !== 'failed';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 200));
      file = await mixOfV1();
    }
    expect(file.analysis.status).toBe('completed');
    const result = file.analysis.result!;
    // Peak-normalised to -1 dBFS; a dense pop arrangement lands well inside the usual loudness range.
    expect(result.samplePeakDbfs).toBeCloseTo(-1, 0);
    expect(result.integratedLufs).toBeGreaterThan(-24);
    expect(result.integratedLufs).toBeLessThan(-8);
    expect(result.clippedSamples).toBe(0);
  }, 120_000);
});
