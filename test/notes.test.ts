import { ApiError, MixroomClient } from '@mixroom/client';
import { CreateNoteBody, type Note, noteRoutes as n, sessionRoutes, type z } from '@mixroom/contract';
import { addSection, addStem } from '@mixroom/mix-model';
import { MixDocuments } from '@mixroom/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseReader } from './events-support.js';
import { deliverRevision } from './notes-support.js';
import { createSessionCast, type SessionCast, startTestServer, type TestServer } from './support/server.js';

let t: TestServer;
let cast: SessionCast;
let v1: { id: string; number: number };
let sectionId = '';
let stemId = '';

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an API error, got ${String(error)}`);
  return error;
}

const post = (client: MixroomClient, revisionId: string, body: z.input<typeof CreateNoteBody>) =>
  client.call(n.createNote, { params: { id: revisionId }, body }).then((r) => r.note);

const list = (client: MixroomClient, revisionId: string, status: 'open' | 'resolved' | 'all' = 'all') =>
  client.call(n.listNotes, { params: { id: revisionId }, query: { status } });

beforeAll(async () => {
  t = await startTestServer();
  cast = await createSessionCast(t.url, 'Night Drive');
  v1 = await deliverRevision(cast.engineer, cast.sessionId, { durationS: 30 });
  const docs = t.server.app.get(MixDocuments, { strict: false });
  await docs.change(cast.sessionId, (doc) => {
    sectionId = addSection(doc, { label: 'Chorus', kind: 'chorus', startS: 10, endS: 20 });
    stemId = addStem(doc, { fileId: 'file-1', name: 'Rhythm gtr' });
  });
});
afterAll(async () => {
  await t?.close();
});

describe('timestamped notes', () => {
  it('notes at a moment and over a range, in song order, with threaded replies from any member', async () => {
    const c = await createSessionCast(t.url, 'Threads');
    const rev = await deliverRevision(c.engineer, c.sessionId, { durationS: 20 });
    const range = await post(c.artist, rev.id, { atS: 12.5, endS: 15, body: 'Chorus feels small here' });
    const moment = await post(c.engineer, rev.id, { atS: 3, body: 'Intro click?' });
    expect(range).toMatchObject({
      revisionId: rev.id,
      revisionNumber: 1,
      atS: 12.5,
      endS: 15,
      authorId: c.artist.userId,
      authorName: 'artist',
      parentId: null,
      resolved: false,
      carriedOver: false,
      version: 1,
    });
    expect(moment.endS).toBeNull();

    // A viewer may comment; a reply sits at its thread's place.
    const reply = await post(c.viewer, rev.id, { parentId: range.id, body: 'Agreed, +1' });
    expect(reply).toMatchObject({ parentId: range.id, atS: 12.5, endS: 15, revisionId: rev.id });
    // One level of replies: replying to a reply is refused with the field named.
    const nested = await failure(post(c.engineer, rev.id, { parentId: reply.id, body: 'deeper' }));
    expect(nested.status).toBe(400);
    expect(nested.details).toEqual([expect.objectContaining({ field: 'body.parentId' })]);
    // Replies cannot set their own position or structure.
    const shaped = await failure(post(c.engineer, rev.id, { parentId: range.id, body: 'x', stemId: 'abc' }));
    expect(shaped.details).toEqual([expect.objectContaining({ field: 'body.stemId' })]);

    const { notes, revisionNumber } = await list(c.viewer, rev.id);
    expect(revisionNumber).toBe(1);
    expect(notes.map((x) => x.body)).toEqual(['Intro click?', 'Chorus feels small here']);
    expect(notes[1]!.replies.map((x) => [x.body, x.authorName])).toEqual([['Agreed, +1', 'viewer']]);

    expect((await failure(post(c.stranger, rev.id, { atS: 1, body: 'hi' }))).status).toBe(404);
    expect((await failure(list(c.stranger, rev.id))).status).toBe(404);
    expect((await failure(post(t.anonymous(), rev.id, { atS: 1, body: 'hi' }))).status).toBe(401);
    // A reply to a thread of another session is refused.
    const other = await post(cast.artist, v1.id, { atS: 1, body: 'elsewhere' });
    expect((await failure(post(c.artist, rev.id, { parentId: other.id, body: 'x' }))).status).toBe(400);
  });

  it('checks structured notes against the mix document, with per-field details', async () => {
    const good = await post(cast.artist, v1.id, {
      atS: 12,
      body: 'guitars up in the chorus',
      sectionId,
      stemId,
      direction: 'up',
      amountDb: 3,
    });
    expect(good).toMatchObject({ sectionId, stemId, direction: 'up', amountDb: 3 });

    const unknown = await failure(
      post(cast.artist, v1.id, { atS: 12, body: 'x', sectionId: 'nope', stemId: 'nada', direction: 'down' }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.details).toEqual([
      expect.objectContaining({ field: 'body.sectionId', code: 'unknown_section' }),
      expect.objectContaining({ field: 'body.stemId', code: 'unknown_stem' }),
    ]);
    const cases: [Record<string, unknown>, string][] = [
      [{ stemId, direction: 'up', amountDb: 0 }, 'body.amountDb'],
      [{ stemId, direction: 'up', amountDb: 24.5 }, 'body.amountDb'],
      [{ stemId, direction: 'sideways' }, 'body.direction'],
      [{ direction: 'up' }, 'body.stemId'],
      [{ stemId, amountDb: 2 }, 'body.direction'],
      [{ sectionId: 'has space' }, 'body.sectionId'],
    ];
    for (const [fields, field] of cases) {
      const error = await failure(post(cast.artist, v1.id, { atS: 5, body: 'x', ...fields } as never));
      expect(error.status, JSON.stringify(fields)).toBe(400);
      expect(error.details, JSON.stringify(fields)).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
    }
    // 24 dB is the largest amount allowed.
    expect(
      (await post(cast.artist, v1.id, { atS: 5, body: 'x', stemId, direction: 'down', amountDb: 24 }))
        .amountDb,
    ).toBe(24);
  });

  it("refuses notes beyond the end of the revision's mix", async () => {
    const late = await failure(post(cast.artist, v1.id, { atS: 30.5, body: 'after the end' }));
    expect(late.status).toBe(400);
    expect(late.details).toEqual([expect.objectContaining({ field: 'body.atS', code: 'beyond_duration' })]);
    const longRange = await failure(
      post(cast.artist, v1.id, { atS: 25, endS: 31, body: 'runs past the end' }),
    );
    expect(longRange.details).toEqual([
      expect.objectContaining({ field: 'body.endS', code: 'beyond_duration' }),
    ]);
    const backwards = await failure(post(cast.artist, v1.id, { atS: 10, endS: 5, body: 'backwards' }));
    expect(backwards.details).toEqual([expect.objectContaining({ field: 'body.endS' })]);
    expect((await post(cast.artist, v1.id, { atS: 25, endS: 30, body: 'to the very end' })).endS).toBe(30);
  });

  it('stores bodies verbatim up to 5000 characters', async () => {
    const body = '  <script>alert("x")</script> & \'quotes\', commas\n\nnew lines — ünïcødé 🎸  ';
    const note = await post(cast.viewer, v1.id, { atS: 1, body });
    expect(note.body).toBe(body);
    expect((await cast.artist.call(n.getNote, { params: { id: note.id } })).note.body).toBe(body);
    expect((await post(cast.viewer, v1.id, { atS: 1, body: 'x'.repeat(5000) })).body).toHaveLength(5000);
    const long = await failure(post(cast.viewer, v1.id, { atS: 1, body: 'x'.repeat(5001) }));
    expect(long.details).toEqual([expect.objectContaining({ field: 'body.body' })]);
    const blank = await failure(post(cast.viewer, v1.id, { atS: 1, body: '  \n ' }));
    expect(blank.details).toEqual([expect.objectContaining({ field: 'body.body' })]);
  });

  it('mentions members by @Display Name or by id, never outsiders, and tells them in their feed', async () => {
    const c = await createSessionCast(t.url, 'Mentions');
    const rev = await deliverRevision(c.engineer, c.sessionId, { durationS: 10 });
    // Every member but the engineer who delivered it hears about the new revision.
    for (const member of [c.artist, c.viewer]) {
      // Recorded just after the revision's response: wait for it (bounded).
      await expect
        .poll(async () =>
          (await member.call(n.listActivity, {})).items.map((i) => [i.type, i.summary, i.revisionId]),
        )
        .toEqual([['revision', 'Engineer delivered v1', rev.id]]);
      expect((await member.call(n.markActivityRead, { body: { all: true } })).unreadCount).toBe(0);
    }
    expect((await c.engineer.call(n.listActivity, {})).items).toEqual([]);

    const note = await post(c.engineer, rev.id, {
      atS: 2,
      body: '@artist can you check the vocal? @Stranger too',
      mentions: [c.viewer.userId],
    });
    expect([...note.mentions].sort()).toEqual([c.artist.userId, c.viewer.userId].sort());
    const outsider = await failure(
      post(c.engineer, rev.id, { atS: 2, body: 'hi', mentions: [c.stranger.userId] }),
    );
    expect(outsider.details).toEqual([
      expect.objectContaining({ field: 'body.mentions', code: 'not_a_member' }),
    ]);

    const feed = await c.artist.call(n.listActivity, { query: { unreadOnly: 'true' } });
    expect(feed.unreadCount).toBe(1);
    expect(feed.items[0]).toMatchObject({
      type: 'mention',
      sessionId: c.sessionId,
      sessionTitle: 'Mentions',
      noteId: note.id,
      actorId: c.engineer.userId,
      actorName: 'Engineer',
      summary: 'Engineer mentioned you on v1 at 0:02.000',
    });
    // The stranger was not mentioned and hears nothing.
    expect((await c.stranger.call(n.listActivity, {})).items).toEqual([]);

    // A reply tells the thread's author.
    await post(c.artist, rev.id, { parentId: note.id, body: 'On it' });
    const engineerFeed = await c.engineer.call(n.listActivity, {});
    expect(engineerFeed.items.map((i) => [i.type, i.summary])).toEqual([
      ['reply', 'artist replied to your note on v1 at 0:02.000'],
    ]);

    // Editing in a new mention tells only the newly mentioned member.
    const viewerBefore = (await c.viewer.call(n.listActivity, {})).items.length;
    await c.engineer.call(n.updateNote, {
      params: { id: note.id },
      body: { body: '@artist and @Engineer, check the vocal' },
    });
    expect((await c.viewer.call(n.listActivity, {})).items.length).toBe(viewerBefore);

    const read = await c.artist.call(n.markActivityRead, { body: { ids: [feed.items[0]!.id] } });
    expect(read.unreadCount).toBe(0);
    expect((await c.viewer.call(n.markActivityRead, { body: { all: true } })).unreadCount).toBe(0);
    // Ids of someone else's items are ignored.
    expect(
      (await c.engineer.call(n.markActivityRead, { body: { ids: [feed.items[0]!.id] } })).unreadCount,
    ).toBe(1);
  });

  it('only the author edits; every earlier text is kept; the author or an engineer deletes', async () => {
    const note = await post(cast.artist, v1.id, { atS: 7, body: 'first take' });
    const forbidden = await failure(
      cast.engineer.call(n.updateNote, { params: { id: note.id }, body: { body: 'engineer rewrite' } }),
    );
    expect(forbidden.status).toBe(403);
    const edited = await cast.artist.call(n.updateNote, {
      params: { id: note.id },
      body: { body: 'second take' },
    });
    expect(edited.note).toMatchObject({ body: 'second take', version: 2 });
    expect(edited.note.editedAt).not.toBeNull();
    await cast.artist.call(n.updateNote, { params: { id: note.id }, body: { body: 'third take' } });
    const { versions } = await cast.viewer.call(n.listNoteVersions, { params: { id: note.id } });
    expect(versions.map((v) => [v.version, v.body, v.editedBy])).toEqual([
      [1, 'first take', cast.artist.userId],
      [2, 'second take', cast.artist.userId],
      [3, 'third take', cast.artist.userId],
    ]);

    expect((await failure(cast.viewer.call(n.deleteNote, { params: { id: note.id } }))).status).toBe(403);
    expect((await failure(cast.stranger.call(n.deleteNote, { params: { id: note.id } }))).status).toBe(404);
    await cast.engineer.call(n.deleteNote, { params: { id: note.id } });
    expect((await failure(cast.artist.call(n.getNote, { params: { id: note.id } }))).status).toBe(404);
    expect((await list(cast.artist, v1.id)).notes.some((x) => x.id === note.id)).toBe(false);

    const own = await post(cast.viewer, v1.id, { atS: 8, body: 'mine' });
    await cast.viewer.call(n.deleteNote, { params: { id: own.id } });
    expect((await failure(cast.viewer.call(n.getNote, { params: { id: own.id } }))).status).toBe(404);
  });

  it('open threads carry over to later revisions until resolved, and record where they were addressed', async () => {
    const c = await createSessionCast(t.url, 'Rounds');
    const r1 = await deliverRevision(c.engineer, c.sessionId, { durationS: 20 });
    const open1 = await post(c.artist, r1.id, { atS: 4, body: 'vocal too loud' });
    const done1 = await post(c.artist, r1.id, { atS: 9, body: 'fix the click' });
    await post(c.viewer, r1.id, { parentId: open1.id, body: 'yes' });
    const resolvedInV1 = await c.engineer.call(n.updateNote, {
      params: { id: done1.id },
      body: { resolved: true },
    });
    expect(resolvedInV1.note).toMatchObject({
      resolved: true,
      resolvedBy: c.engineer.userId,
      resolvedByName: 'Engineer',
      resolvedInRevisionNumber: 1,
    });

    const r2 = await deliverRevision(c.engineer, c.sessionId, { durationS: 20 });
    const own2 = await post(c.engineer, r2.id, { atS: 2, body: 'new on v2' });
    const onV2 = (await list(c.artist, r2.id)).notes;
    expect(onV2.map((x) => [x.body, x.carriedOver, x.originRevisionNumber])).toEqual([
      ['new on v2', false, 2],
      ['vocal too loud', true, 1],
    ]);
    expect(onV2[1]!.replies.map((x) => x.body)).toEqual(['yes']);

    // Replying to a carried thread from v2 keeps the reply in the thread (on v1).
    const reply = await post(c.engineer, r2.id, { parentId: open1.id, body: 'turned it down 1.5 dB' });
    expect(reply.revisionId).toBe(r1.id);
    // A thread resolved on v1 is not shown on v2, so it cannot be replied to from there.
    expect((await failure(post(c.engineer, r2.id, { parentId: done1.id, body: 'x' }))).status).toBe(400);

    // A viewer cannot resolve someone else's note, but may resolve their own.
    expect(
      (await failure(c.viewer.call(n.updateNote, { params: { id: open1.id }, body: { resolved: true } })))
        .status,
    ).toBe(403);
    const viewerNote = await post(c.viewer, r2.id, { atS: 1, body: 'mine' });
    await c.viewer.call(n.updateNote, { params: { id: viewerNote.id }, body: { resolved: true } });
    // Resolving a reply, or "addressing" a note in a revision before it was written, is refused.
    expect(
      (await failure(c.engineer.call(n.updateNote, { params: { id: reply.id }, body: { resolved: true } })))
        .status,
    ).toBe(400);
    const early = await failure(
      c.engineer.call(n.updateNote, {
        params: { id: own2.id },
        body: { resolved: true, resolvedInRevisionId: r1.id },
      }),
    );
    expect(early.details).toEqual([expect.objectContaining({ field: 'body.resolvedInRevisionId' })]);

    // The artist marks the v1 note addressed: by default in the latest revision, v2.
    const addressed = await c.artist.call(n.updateNote, {
      params: { id: open1.id },
      body: { resolved: true },
    });
    expect(addressed.note).toMatchObject({
      resolved: true,
      resolvedBy: c.artist.userId,
      resolvedInRevisionId: r2.id,
      resolvedInRevisionNumber: 2,
    });

    const r3 = await deliverRevision(c.engineer, c.sessionId, { durationS: 20 });
    expect((await list(c.artist, r3.id)).notes.map((x) => x.body)).toEqual(['new on v2']);
    // On v2 it still shows, as addressed there; the open filter hides it.
    const v2all = (await list(c.artist, r2.id, 'all')).notes.find((x) => x.id === open1.id);
    expect(v2all).toMatchObject({ carriedOver: true, resolved: true, resolvedInRevisionNumber: 2 });
    expect((await list(c.artist, r2.id, 'open')).notes.map((x) => x.body)).toEqual(['new on v2']);
    expect((await list(c.artist, r2.id, 'resolved')).notes.map((x) => x.body).sort()).toEqual([
      'mine',
      'vocal too loud',
    ]);

    // Reopened, it carries over again, with no resolution left on it.
    const reopened = await c.engineer.call(n.updateNote, {
      params: { id: open1.id },
      body: { resolved: false },
    });
    expect(reopened.note).toMatchObject({
      resolved: false,
      resolvedAt: null,
      resolvedBy: null,
      resolvedInRevisionId: null,
    });
    const onV3 = (await list(c.artist, r3.id, 'open')).notes;
    expect(onV3.map((x) => [x.body, x.originRevisionNumber])).toEqual([
      ['new on v2', 2],
      ['vocal too loud', 1],
    ]);
    expect(onV3[1]!.replies.map((x) => x.body)).toEqual(['yes', 'turned it down 1.5 dB']);
    // Addressed explicitly in v3.
    const inV3 = await c.engineer.call(n.updateNote, {
      params: { id: open1.id },
      body: { resolved: true, resolvedInRevisionId: r3.id },
    });
    expect(inV3.note.resolvedInRevisionNumber).toBe(3);
  });

  it('publishes note events to the members streaming the session', async () => {
    const streams = await Promise.all(
      [cast.engineer, cast.viewer].map((m) =>
        SseReader.open(m, MixroomClient.path(n.sessionEvents, { id: cast.sessionId })),
      ),
    );
    try {
      const note = await post(cast.artist, v1.id, { atS: 6, body: 'live' });
      await cast.artist.call(n.updateNote, { params: { id: note.id }, body: { body: 'live, edited' } });
      await cast.engineer.call(n.updateNote, { params: { id: note.id }, body: { resolved: true } });
      await cast.engineer.call(n.deleteNote, { params: { id: note.id } });
      for (const s of streams) {
        await s.next((f) => f.event === 'note.deleted');
        const mine = s.frames.filter(
          (f) => (f.data.data?.note as Note | undefined)?.id === note.id || f.data.data?.noteId === note.id,
        );
        expect(mine.map((f) => f.event)).toEqual([
          'note.created',
          'note.updated',
          'note.resolved',
          'note.deleted',
        ]);
        expect((mine[0]!.data.data!.note as Note).body).toBe('live');
      }
    } finally {
      for (const s of streams) s.close();
    }
    // Removing the member also ends access to notes.
    const c = await createSessionCast(t.url, 'Leaving');
    const rev = await deliverRevision(c.engineer, c.sessionId, { durationS: 5 });
    await c.engineer.call(sessionRoutes.removeMember, {
      params: { id: c.sessionId, userId: c.viewer.userId },
    });
    expect((await failure(post(c.viewer, rev.id, { atS: 1, body: 'still here?' }))).status).toBe(404);
  });
});
