import { createHash } from 'node:crypto';
import { ApiError, MixroomClient } from '@mixroom/client';
import { mediaRoutes, noteRoutes as n, sessionRoutes } from '@mixroom/contract';
import { setBriefText } from '@mixroom/mix-model';
import { MixDocuments } from '@mixroom/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseReader } from './events-support.js';
import { deliverRevision } from './notes-support.js';
import {
  createSessionCast,
  type SessionCast,
  signUp,
  startTestServer,
  type TestServer,
} from './support/server.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
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

const decide = (
  client: MixroomClient,
  revisionId: string,
  decision: 'approve' | 'request_changes',
  message?: string,
) => client.call(n.createDecision, { params: { id: revisionId }, body: { decision, message } });

/** A cast with a second artist (also a required approver by default). */
async function castWithTwoArtists(
  title: string,
): Promise<SessionCast & { artist2: MixroomClient & { userId: string } }> {
  const c = await createSessionCast(t.url, title);
  const artist2 = await signUp(t.url, 'Second artist');
  const { token } = await c.engineer.call(sessionRoutes.createInvite, {
    params: { id: c.sessionId },
    body: { role: 'artist' },
  });
  await artist2.call(sessionRoutes.acceptInvite, { params: { token }, body: {} });
  return { ...c, artist2 };
}

/** The documented construction: sorted lowercase hex digests, each + "\n", hashed again. */
const expectedFilesHash = (sha256s: string[]) =>
  createHash('sha256')
    .update(
      [...sha256s]
        .sort()
        .map((h) => `${h}\n`)
        .join(''),
    )
    .digest('hex');

describe('approvals', () => {
  it('a revision is approved once every required approver approves; the record holds who, when and the files hash', async () => {
    const c = await castWithTwoArtists('Approvals');
    const rev = await deliverRevision(c.engineer, c.sessionId, { durationS: 5, stems: ['Vox', 'Gtr'] });
    const events = await SseReader.open(c.engineer, MixroomClient.path(n.sessionEvents, { id: c.sessionId }));

    const first = await decide(c.artist, rev.id, 'approve', 'Love it');
    expect(first.revisionStatus).toBe('in_review');
    expect(first.decision).toMatchObject({
      revisionId: rev.id,
      revisionNumber: 1,
      userId: c.artist.userId,
      displayName: 'artist',
      decision: 'approve',
      message: 'Love it',
      counts: true,
      filesHash: expectedFilesHash(rev.uploadedSha256s),
    });
    // The engineer is not a required approver: an opinion, recorded but not counted.
    const opinion = await decide(c.engineer, rev.id, 'request_changes', 'I want another pass');
    expect(opinion).toMatchObject({ revisionStatus: 'in_review', decision: { counts: false } });

    const changes = await decide(c.artist2, rev.id, 'request_changes', 'Vocal down 2 dB');
    expect(changes.revisionStatus).toBe('changes_requested');
    // The latest decision of each required approver counts.
    const final = await decide(c.artist2, rev.id, 'approve');
    expect(final.revisionStatus).toBe('approved');

    const locked = await c.artist
      .call(n.createDecision, { params: { id: rev.id }, body: { decision: 'request_changes' } })
      .catch((e: ApiError) => e);
    expect(locked).toBeInstanceOf(ApiError);
    expect((locked as ApiError).status).toBe(409);
    expect((locked as ApiError).code).toBe('revision_locked');

    const record = await c.viewer.call(n.listDecisions, { params: { id: rev.id } });
    expect(record.revisionStatus).toBe('approved');
    expect(record.approvedFilesHash).toBe(expectedFilesHash(rev.uploadedSha256s));
    expect(record.approvedAt).toBe(final.decision.createdAt);
    expect(record.approvers.map((a) => [a.displayName, a.latest])).toEqual([
      ['artist', 'approve'],
      ['Second artist', 'approve'],
    ]);
    expect(record.decisions.map((d) => [d.displayName, d.decision, d.counts])).toEqual([
      ['artist', 'approve', true],
      ['Engineer', 'request_changes', false],
      ['Second artist', 'request_changes', true],
      ['Second artist', 'approve', true],
    ]);
    // The revision itself says so, and its files are the ones hashed.
    const { revision } = await c.viewer.call(mediaRoutes.getRevision, { params: { id: rev.id } });
    expect(revision.status).toBe('approved');
    expect(expectedFilesHash(revision.files.map((f) => f.sha256))).toBe(record.approvedFilesHash);

    await events.next((f) => f.event === 'revision.status-changed' && f.data.data?.status === 'approved');
    expect(events.types().filter((x) => x === 'decision.created')).toHaveLength(4);
    events.close();

    // The engineer delivered it and hears about the decisions.
    const feed = await c.engineer.call(n.listActivity, {});
    expect(feed.items.map((i) => i.summary)).toContain('Second artist approved v1 — it is final');
  });

  it('viewers cannot decide, outsiders cannot see, anonymous callers must sign in', async () => {
    const c = await createSessionCast(t.url, 'Rights');
    const rev = await deliverRevision(c.engineer, c.sessionId, { durationS: 3 });
    expect(await status(decide(c.viewer, rev.id, 'approve'))).toBe(403);
    expect(await status(decide(c.stranger, rev.id, 'approve'))).toBe(404);
    expect(await status(decide(t.anonymous(), rev.id, 'approve'))).toBe(401);
    expect(await status(c.stranger.call(n.listDecisions, { params: { id: rev.id } }))).toBe(404);
    expect(await status(c.viewer.call(n.listDecisions, { params: { id: rev.id } }))).toBe(200);
    expect(
      await status(
        c.artist.call(n.createDecision, { params: { id: rev.id }, body: { decision: 'maybe' } as never }),
      ),
    ).toBe(400);
  });

  it('the engineer chooses who must approve; simultaneous approvals still finalise the revision', async () => {
    const c = await castWithTwoArtists('Approvers');
    // The second artist's opinion stops counting.
    await c.engineer.call(sessionRoutes.updateMember, {
      params: { id: c.sessionId, userId: c.artist2.userId },
      body: { requiredApprover: false },
    });
    const v1 = await deliverRevision(c.engineer, c.sessionId, { durationS: 3 });
    expect((await decide(c.artist2, v1.id, 'request_changes')).decision.counts).toBe(false);
    expect((await decide(c.artist, v1.id, 'approve')).revisionStatus).toBe('approved');

    // Both required again: two approvals at the same moment, and the revision ends up approved.
    await c.engineer.call(sessionRoutes.updateMember, {
      params: { id: c.sessionId, userId: c.artist2.userId },
      body: { requiredApprover: true },
    });
    const v2 = await deliverRevision(c.engineer, c.sessionId, { durationS: 3 });
    const both = await Promise.all([decide(c.artist, v2.id, 'approve'), decide(c.artist2, v2.id, 'approve')]);
    expect(both.map((b) => b.revisionStatus)).toContain('approved');
    const record = await c.engineer.call(n.listDecisions, { params: { id: v2.id } });
    expect(record.revisionStatus).toBe('approved');
    expect(record.decisions.filter((d) => d.counts)).toHaveLength(2);
  });

  it('with no required approver marked, the engineers decide', async () => {
    const engineer = await signUp(t.url, 'Solo engineer');
    const { session } = await engineer.call(sessionRoutes.createSession, { body: { title: 'Solo' } });
    const rev = await deliverRevision(engineer, session.id, { durationS: 2 });
    const decided = await decide(engineer, rev.id, 'approve');
    expect(decided).toMatchObject({ revisionStatus: 'approved', decision: { counts: true } });
    const record = await engineer.call(n.listDecisions, { params: { id: rev.id } });
    expect(record.approvers.map((a) => [a.displayName, a.latest])).toEqual([['Solo engineer', 'approve']]);
  });

  it('rounds used are counted against rounds agreed', async () => {
    const c = await createSessionCast(t.url, 'Rounds');
    await c.engineer.call(sessionRoutes.updateSession, {
      params: { id: c.sessionId },
      body: { roundsAgreed: 2 },
    });
    await deliverRevision(c.engineer, c.sessionId, { durationS: 2 });
    await deliverRevision(c.engineer, c.sessionId, { durationS: 2 });
    const { session } = await c.artist.call(sessionRoutes.getSession, { params: { id: c.sessionId } });
    expect(session).toMatchObject({ roundsAgreed: 2, roundsUsed: 2 });
  });
});

describe('brief sign-off', () => {
  it('engineer and artist sign the brief; an edit makes earlier signatures stop matching', async () => {
    const c = await createSessionCast(t.url, 'Brief');
    const docs = t.server.app.get(MixDocuments, { strict: false });
    await docs.change(c.sessionId, (doc) =>
      setBriefText(doc, 'Like if Bon Iver produced a Depeche Mode track.'),
    );
    const events = await SseReader.open(c.viewer, MixroomClient.path(n.sessionEvents, { id: c.sessionId }));

    const byEngineer = await c.engineer.call(n.signBrief, { params: { id: c.sessionId } });
    expect(byEngineer.signature).toMatchObject({
      userId: c.engineer.userId,
      displayName: 'Engineer',
      matchesCurrent: true,
    });
    expect(byEngineer.signature.briefHash).toMatch(/^[0-9a-f]{64}$/);
    await c.artist.call(n.signBrief, { params: { id: c.sessionId } });
    expect(await status(c.viewer.call(n.signBrief, { params: { id: c.sessionId } }))).toBe(403);
    expect(await status(c.stranger.call(n.signBrief, { params: { id: c.sessionId } }))).toBe(404);
    expect(await status(c.stranger.call(n.listBriefSignatures, { params: { id: c.sessionId } }))).toBe(404);

    const signed = await c.viewer.call(n.listBriefSignatures, { params: { id: c.sessionId } });
    expect(signed.currentBriefHash).toBe(byEngineer.signature.briefHash);
    expect(signed.signatures.map((s) => [s.displayName, s.matchesCurrent])).toEqual([
      ['Engineer', true],
      ['artist', true],
    ]);
    const frame = await events.next((f) => f.event === 'brief.signature.created');
    expect(frame.data.data?.signature).toMatchObject({ userId: c.engineer.userId });
    events.close();

    await docs.change(c.sessionId, (doc) =>
      setBriefText(doc, 'Like if Bon Iver produced a Depeche Mode track, but warmer.'),
    );
    const changed = await c.artist.call(n.listBriefSignatures, { params: { id: c.sessionId } });
    expect(changed.currentBriefHash).not.toBe(byEngineer.signature.briefHash);
    expect(changed.signatures.map((s) => s.matchesCurrent)).toEqual([false, false]);

    // Signing again replaces the signer's listed signature with a matching one.
    await c.artist.call(n.signBrief, { params: { id: c.sessionId } });
    const resigned = await c.artist.call(n.listBriefSignatures, { params: { id: c.sessionId } });
    expect(resigned.signatures.map((s) => [s.displayName, s.matchesCurrent])).toEqual([
      ['Engineer', false],
      ['artist', true],
    ]);
  });
});
