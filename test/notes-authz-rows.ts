import { noteRoutes as n } from '@mixroom/contract';
import { DEFAULT_SCENE_ID } from '@mixroom/mix-model';
import { type Fixture, type MatrixRow, members, signedIn } from './authz/matrix.js';
import { deliverRevision } from './notes-support.js';

/**
 * Authorization-matrix rows for notes, decisions, brief sign-off, exports, the activity feed and the
 * event stream (see test/authz-matrix.test.ts; add `...noteRows` to its table).
 *
 * Rights: every member reads and comments (viewers too); only the author edits a note's text; the
 * author or an engineer deletes; the author, engineers and artists resolve/reopen; engineers and
 * artists decide and sign the brief; viewers get 403 for those; outsiders 404; anonymous 401.
 */

/** A revision of the fixture session (made once per fixture). */
function revision(f: Fixture): Promise<{ id: string }> {
  f.extra.notesRevision ??= deliverRevision(f.engineer, f.sessionId, { durationS: 2 });
  return f.extra.notesRevision as Promise<{ id: string }>;
}

/** A note by the engineer on the fixture's revision (made once per fixture). */
async function engineerNote(f: Fixture): Promise<string> {
  const rev = await revision(f);
  f.extra.notesEngineerNote ??= f.engineer
    .call(n.createNote, { params: { id: rev.id }, body: { atS: 1, body: 'matrix note' } })
    .then((r) => r.note.id);
  return f.extra.notesEngineerNote as Promise<string>;
}

/** A fresh note by the artist, for a caller to delete. */
async function artistNote(f: Fixture): Promise<string> {
  const rev = await revision(f);
  const { note } = await f.artist.call(n.createNote, {
    params: { id: rev.id },
    body: { atS: 1, body: 'delete me' },
  });
  return note.id;
}

const onRevision = async (f: Fixture) => ({ params: { id: (await revision(f)).id } });

export const noteRows: MatrixRow[] = [
  { route: n.listNotes, expect: members(200), request: onRevision },
  {
    route: n.createNote,
    expect: members(201),
    request: async (f) => ({ ...(await onRevision(f)), body: { atS: 1, body: 'hello' } }),
  },
  {
    route: n.getNote,
    expect: members(200),
    request: async (f) => ({ params: { id: await engineerNote(f) } }),
  },
  {
    // Resolving/reopening someone else's note: engineers and artists; a viewer only their own.
    route: n.updateNote,
    expect: members(200, 200, 403),
    request: async (f) => ({ params: { id: await engineerNote(f) }, body: { resolved: true } }),
  },
  {
    // An artist's note: its author or an engineer deletes it.
    route: n.deleteNote,
    expect: members(204, 204, 403),
    request: async (f) => ({ params: { id: await artistNote(f) } }),
  },
  {
    route: n.listNoteVersions,
    expect: members(200),
    request: async (f) => ({ params: { id: await engineerNote(f) } }),
  },
  {
    // request_changes never locks the revision, so every caller meets the same state.
    route: n.createDecision,
    expect: members(201, 201, 403),
    request: async (f) => ({ ...(await onRevision(f)), body: { decision: 'request_changes' } }),
  },
  { route: n.listDecisions, expect: members(200), request: onRevision },
  {
    route: n.signBrief,
    expect: members(201, 201, 403),
    request: (f) => ({ params: { id: f.sessionId } }),
  },
  { route: n.listBriefSignatures, expect: members(200), request: (f) => ({ params: { id: f.sessionId } }) },
  { route: n.exportNotesCsv, expect: members(200), request: onRevision },
  { route: n.exportNotesReaper, expect: members(200), request: onRevision },
  { route: n.exportNotesAudacity, expect: members(200), request: onRevision },
  { route: n.exportNotesHtml, expect: members(200), request: onRevision },
  {
    route: n.exportAutomationCsv,
    expect: members(200),
    request: (f) => ({ params: { id: f.sessionId, sceneId: DEFAULT_SCENE_ID } }),
  },
  // The caller's own feed: any signed-in user.
  { route: n.listActivity, expect: signedIn(200) },
  { route: n.markActivityRead, expect: signedIn(200), request: () => ({ body: { all: true } }) },
  {
    // `once` ends the response after the buffered events, so the matrix can read it to the end.
    route: n.sessionEvents,
    expect: members(200),
    request: (f) => ({ params: { id: f.sessionId }, query: { once: 'true' } }),
  },
];
