import { type CreateNoteBody, mediaRoutes, noteRoutes, type Revision } from '@mixroom/contract';
import { api, request } from './client';
import { flattenThreads, type Note, type ReviewRevision, withMixFileId } from './types';

/** Revisions in delivery order (v1 first). */
export async function listRevisions(sessionId: string): Promise<ReviewRevision[]> {
  const { revisions } = await api.call(mediaRoutes.listRevisions, { params: { id: sessionId } });
  return revisions.map(withMixFileId).sort((a, b) => a.number - b.number);
}

export async function createRevision(
  sessionId: string,
  body: { mixUploadId: string; stemUploadIds?: string[]; changelog?: string },
): Promise<Revision> {
  return (await api.call(mediaRoutes.createRevision, { params: { id: sessionId }, body })).revision;
}

export type NoteFilter = 'open' | 'resolved' | 'all';

export async function listNotes(revisionId: string, status: NoteFilter = 'all'): Promise<Note[]> {
  const { notes } = await api.call(noteRoutes.listNotes, { params: { id: revisionId }, query: { status } });
  return flattenThreads(notes);
}

export type NewNote = CreateNoteBody;

export async function createNote(revisionId: string, body: NewNote): Promise<Note> {
  return (await api.call(noteRoutes.createNote, { params: { id: revisionId }, body })).note;
}

export async function updateNote(noteId: string, body: { body?: string; resolved?: boolean }): Promise<Note> {
  return (await api.call(noteRoutes.updateNote, { params: { id: noteId }, body })).note;
}

export async function deleteNote(noteId: string): Promise<void> {
  await api.call(noteRoutes.deleteNote, { params: { id: noteId } });
}

export async function decide(revisionId: string, decision: 'approve' | 'request_changes', message?: string) {
  return api.call(noteRoutes.createDecision, {
    params: { id: revisionId },
    body: message ? { decision, message } : { decision },
  });
}

export async function listDecisions(revisionId: string) {
  return api.call(noteRoutes.listDecisions, { params: { id: revisionId } });
}

export async function listSignatures(sessionId: string) {
  return api.call(noteRoutes.listBriefSignatures, { params: { id: sessionId } });
}

export async function signBrief(sessionId: string) {
  return (await api.call(noteRoutes.signBrief, { params: { id: sessionId } })).signature;
}

export async function createDemoSession(): Promise<{ sessionId: string }> {
  const body = await request<{ session?: { id: string } }>('POST', '/api/demo', {});
  return { sessionId: body.session?.id ?? '' };
}

const enc = encodeURIComponent;
export const audioUrl = (fileId: string) => `/api/files/${enc(fileId)}/audio`;
export const waveformUrl = (fileId: string) => `/api/files/${enc(fileId)}/waveform`;
/** Note exports for the DAW, by format. */
export const exportUrl = (revisionId: string, format: 'csv' | 'reaper' | 'audacity' | 'html') =>
  `/api/revisions/${enc(revisionId)}/${
    { csv: 'notes.csv', reaper: 'notes.reaper.csv', audacity: 'notes.audacity.txt', html: 'notes.html' }[
      format
    ]
  }`;
