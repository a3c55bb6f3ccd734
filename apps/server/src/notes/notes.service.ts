import type { CreateNoteBody, Note, NoteThread, UpdateNoteBody } from '@mixroom/contract';
import { Inject, Injectable } from '@nestjs/common';
import { ActivityService, type NewActivity } from '../activity/activity.service.js';
import type { Caller } from '../common/caller.js';
import { badRequest, forbidden, notFound } from '../common/errors.js';
import { SessionEvents } from '../events/session-events.js';
import { type Permission, SessionAccess } from '../sessions/session-access.service.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { findMentions } from './mentions.js';
import { MIX_DOCUMENTS, type MixDocumentReader, readMixState } from './mix-reader.js';
import { type NoteRecord, NotesRepository, type NoteStatus } from './notes.repository.js';
import { RevisionLookup, type RevisionRow } from './revision-lookup.repository.js';
import { clock } from './time-format.js';

type FieldError = { field: string; message: string; code: string };

/** Tolerance for float seconds compared with the probed duration. */
const DURATION_EPSILON_S = 1e-6;

/** A note as the API shows it on revision number `shownOn`. */
export function toNote(r: NoteRecord, shownOn = r.revisionNumber): Note {
  const n = r.note;
  return {
    id: n.id,
    sessionId: n.sessionId,
    revisionId: n.revisionId,
    revisionNumber: r.revisionNumber,
    parentId: n.parentId,
    authorId: n.authorId,
    authorName: r.authorName ?? 'Former member',
    atS: n.atS,
    endS: n.endS,
    body: n.body,
    sectionId: n.sectionId,
    stemId: n.stemId,
    direction: n.direction,
    amountDb: n.amountDb,
    mentions: n.mentions,
    resolved: n.resolvedAt !== null,
    resolvedAt: n.resolvedAt?.toISOString() ?? null,
    resolvedBy: n.resolvedBy,
    resolvedByName: n.resolvedAt ? (r.resolverName ?? 'Former member') : null,
    resolvedInRevisionId: n.resolvedInRevisionId,
    resolvedInRevisionNumber: r.resolvedInNumber,
    carriedOver: r.revisionNumber < shownOn,
    originRevisionNumber: r.revisionNumber,
    version: n.version,
    editedAt: n.editedAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}

const excerpt = (body: string) => (body.length > 200 ? `${body.slice(0, 199)}…` : body);

/**
 * Timestamped notes on revisions: threads, mentions, resolve/reopen with "addressed in vN", edit history,
 * and carry-over of open threads to later revisions.
 */
@Injectable()
export class NotesService {
  constructor(
    @Inject(NotesRepository) private readonly notes: NotesRepository,
    @Inject(RevisionLookup) private readonly revisions: RevisionLookup,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Inject(ActivityService) private readonly activity: ActivityService,
    @Inject(MIX_DOCUMENTS) private readonly mixDocs: MixDocumentReader,
  ) {}

  /** The revision, after checking the caller may `permission` in its session (404 for outsiders). */
  async revisionFor(caller: Caller, revisionId: string, permission: Permission = 'read') {
    const revision = await this.revisions.findById(revisionId);
    if (!revision) throw notFound('Revision not found.');
    const membership = await this.access.require(revision.sessionId, caller, permission);
    return { revision, membership };
  }

  /** Threads shown on a revision (its own and carried-over open ones), in song order. */
  async threads(revision: RevisionRow, status: NoteStatus): Promise<NoteThread[]> {
    const { roots, replies } = await this.notes.listThreads(
      revision.sessionId,
      revision.id,
      revision.number,
      status,
    );
    return roots.map((root) => ({
      ...toNote(root, revision.number),
      replies: replies.filter((r) => r.note.parentId === root.note.id).map((r) => toNote(r, revision.number)),
    }));
  }

  async list(caller: Caller, revisionId: string, status: NoteStatus) {
    const { revision } = await this.revisionFor(caller, revisionId, 'read');
    return {
      revisionId: revision.id,
      revisionNumber: revision.number,
      notes: await this.threads(revision, status),
    };
  }

  async get(caller: Caller, noteId: string) {
    const record = await this.noteFor(caller, noteId, 'read');
    return { note: toNote(record) };
  }

  async create(caller: Caller, revisionId: string, body: CreateNoteBody) {
    const { revision } = await this.revisionFor(caller, revisionId, 'comment');
    const sessionId = revision.sessionId;
    let parent: NoteRecord | undefined;
    let atS: number;
    let endS: number | null;
    if (body.parentId) {
      parent = await this.notes.findById(body.parentId);
      const fail = (message: string) =>
        badRequest('The note cannot be posted.', [
          { field: 'body.parentId', message, code: 'invalid_parent' },
        ]);
      if (!parent || parent.note.sessionId !== sessionId) throw fail('no such note in this session');
      if (parent.note.parentId) throw fail('reply to the thread, not to a reply');
      const shownHere =
        parent.note.revisionId === revision.id ||
        (parent.revisionNumber < revision.number &&
          (parent.note.resolvedAt === null || (parent.resolvedInNumber ?? 0) >= revision.number));
      if (!shownHere) throw fail(`the thread is not open on v${revision.number}`);
      // A reply lives in its thread: same revision, same place in the song.
      atS = parent.note.atS;
      endS = parent.note.endS;
    } else {
      atS = body.atS!;
      endS = body.endS ?? null;
      await this.checkPlacement(revision, body, atS, endS);
    }

    const members = (await this.sessions.listMembers(sessionId)).map((m) => ({
      userId: m.member.userId,
      displayName: m.user.displayName,
    }));
    const mentions = this.mentions(body.body, body.mentions ?? [], members);

    const row = await this.notes.create({
      sessionId,
      revisionId: parent?.note.revisionId ?? revision.id,
      parentId: parent?.note.id ?? null,
      authorId: caller.userId,
      atS,
      endS,
      body: body.body,
      sectionId: body.sectionId ?? null,
      stemId: body.stemId ?? null,
      direction: body.direction ?? null,
      amountDb: body.amountDb ?? null,
      mentions,
    });
    const note = toNote((await this.notes.findById(row.id))!);
    this.events.publish(sessionId, 'note.created', { note }, caller.userId);

    const where = `v${note.revisionNumber} at ${clock(note.atS)}`;
    const items: NewActivity[] = mentions.map((userId) => ({
      userId,
      type: 'mention',
      revisionId: note.revisionId,
      noteId: note.id,
      summary: `${caller.displayName} mentioned you on ${where}`,
      data: { excerpt: excerpt(note.body) },
    }));
    if (parent?.note.authorId && !mentions.includes(parent.note.authorId)) {
      items.push({
        userId: parent.note.authorId,
        type: 'reply',
        revisionId: note.revisionId,
        noteId: note.id,
        summary: `${caller.displayName} replied to your note on ${where}`,
        data: { excerpt: excerpt(note.body), threadId: parent.note.id },
      });
    }
    await this.activity.notify(sessionId, caller.userId, items);
    return { note };
  }

  async update(caller: Caller, noteId: string, body: UpdateNoteBody) {
    const record = await this.noteFor(caller, noteId, 'read');
    const { note } = record;
    const isAuthor = note.authorId === caller.userId;
    const editing = body.body !== undefined || body.mentions !== undefined;

    // Every check before any write.
    if (editing && !isAuthor) throw forbidden('Only the author can edit a note.');
    let resolveIn: RevisionRow | undefined;
    if (body.resolved !== undefined) {
      if (note.parentId) {
        throw badRequest('Resolve the thread, not a reply.', [
          { field: 'body.resolved', message: 'only the first note of a thread is resolved', code: 'reply' },
        ]);
      }
      if (!isAuthor) await this.access.require(note.sessionId, caller, 'edit');
      if (body.resolved) resolveIn = await this.resolutionRevision(record, body.resolvedInRevisionId);
    }

    let newMentions: string[] = [];
    if (editing) {
      const members = (await this.sessions.listMembers(note.sessionId)).map((m) => ({
        userId: m.member.userId,
        displayName: m.user.displayName,
      }));
      const text = body.body ?? note.body;
      // Mentions given explicitly before stay unless new explicit ones are given.
      const explicitBefore = note.mentions.filter((id) => !findMentions(note.body, members).includes(id));
      const mentions = this.mentions(text, body.mentions ?? explicitBefore, members);
      const same =
        text === note.body &&
        mentions.length === note.mentions.length &&
        mentions.every((id) => note.mentions.includes(id));
      if (!same) {
        await this.notes.edit(note.id, { body: text, mentions, editedBy: caller.userId });
        newMentions = mentions.filter((id) => !note.mentions.includes(id));
      }
    }
    if (body.resolved === true && resolveIn) {
      const already = note.resolvedAt !== null && note.resolvedInRevisionId === resolveIn.id;
      if (!already) await this.notes.setResolved(note.id, { by: caller.userId, inRevisionId: resolveIn.id });
    } else if (body.resolved === false && note.resolvedAt !== null) {
      await this.notes.setResolved(note.id, null);
    }

    const updated = toNote((await this.notes.findById(note.id))!);
    if (editing && updated.version !== toNote(record).version) {
      this.events.publish(note.sessionId, 'note.updated', { note: updated }, caller.userId);
    }
    if (
      updated.resolved !== (note.resolvedAt !== null) ||
      updated.resolvedInRevisionId !== note.resolvedInRevisionId
    ) {
      this.events.publish(
        note.sessionId,
        updated.resolved ? 'note.resolved' : 'note.reopened',
        { note: updated },
        caller.userId,
      );
    }
    if (newMentions.length > 0) {
      await this.activity.notify(
        note.sessionId,
        caller.userId,
        newMentions.map((userId) => ({
          userId,
          type: 'mention',
          revisionId: updated.revisionId,
          noteId: updated.id,
          summary: `${caller.displayName} mentioned you on v${updated.revisionNumber} at ${clock(updated.atS)}`,
          data: { excerpt: excerpt(updated.body) },
        })),
      );
    }
    return { note: updated };
  }

  async delete(caller: Caller, noteId: string): Promise<void> {
    const record = await this.noteFor(caller, noteId, 'read');
    if (record.note.authorId !== caller.userId)
      await this.access.require(record.note.sessionId, caller, 'manage');
    await this.notes.softDelete(record.note.id, caller.userId);
    this.events.publish(
      record.note.sessionId,
      'note.deleted',
      { noteId: record.note.id, revisionId: record.note.revisionId, parentId: record.note.parentId },
      caller.userId,
    );
  }

  async versions(caller: Caller, noteId: string) {
    const record = await this.noteFor(caller, noteId, 'read');
    const rows = await this.notes.versions(record.note.id);
    return {
      versions: rows.map((v) => ({
        version: v.version,
        body: v.body,
        mentions: v.mentions,
        editedBy: v.editedBy,
        createdAt: v.createdAt.toISOString(),
      })),
    };
  }

  /** A live note after checking access to its session (404 for outsiders and deleted notes). */
  private async noteFor(caller: Caller, noteId: string, permission: Permission): Promise<NoteRecord> {
    const record = await this.notes.findById(noteId);
    if (!record) throw notFound('Note not found.');
    await this.access.require(record.note.sessionId, caller, permission);
    return record;
  }

  /** Explicit mentions must be members; `@Name` mentions are found among members. */
  private mentions(text: string, explicit: string[], members: { userId: string; displayName: string }[]) {
    const ids = new Set(members.map((m) => m.userId));
    const strangers = explicit.filter((id) => !ids.has(id));
    if (strangers.length > 0) {
      throw badRequest('Only members can be mentioned.', [
        { field: 'body.mentions', message: `not members: ${strangers.join(', ')}`, code: 'not_a_member' },
      ]);
    }
    return [...new Set([...findMentions(text, members), ...explicit])];
  }

  /** Time inside the revision's mix, and section/stem ids that exist in the session's mix document. */
  private async checkPlacement(
    revision: RevisionRow,
    body: CreateNoteBody,
    atS: number,
    endS: number | null,
  ) {
    const details: FieldError[] = [];
    const durationS = await this.revisions.mixDurationS(revision.id);
    if (durationS !== undefined) {
      const limit = durationS + DURATION_EPSILON_S;
      const message = `beyond the end of v${revision.number} (${clock(durationS)})`;
      if (atS > limit) details.push({ field: 'body.atS', message, code: 'beyond_duration' });
      if (endS !== null && endS > limit)
        details.push({ field: 'body.endS', message, code: 'beyond_duration' });
    }
    if (body.sectionId !== undefined || body.stemId !== undefined) {
      const mix = await readMixState(this.mixDocs, revision.sessionId);
      if (body.sectionId !== undefined && !mix.sections.some((s) => s.id === body.sectionId)) {
        details.push({
          field: 'body.sectionId',
          message: 'no such section in the mix',
          code: 'unknown_section',
        });
      }
      if (body.stemId !== undefined && !mix.stems.some((s) => s.id === body.stemId)) {
        details.push({ field: 'body.stemId', message: 'no such stem in the mix', code: 'unknown_stem' });
      }
    }
    if (details.length > 0) throw badRequest('The note does not fit this revision or mix.', details);
  }

  /** "Addressed in": the given revision (same session, not before the note's) or the latest one. */
  private async resolutionRevision(record: NoteRecord, revisionId: string | undefined): Promise<RevisionRow> {
    const fail = (message: string) =>
      badRequest('The note cannot be resolved there.', [
        { field: 'body.resolvedInRevisionId', message, code: 'invalid_revision' },
      ]);
    if (revisionId === undefined) return (await this.revisions.latest(record.note.sessionId))!;
    const revision = await this.revisions.findById(revisionId);
    if (!revision || revision.sessionId !== record.note.sessionId)
      throw fail('no such revision in this session');
    if (revision.number < record.revisionNumber) {
      throw fail(
        `the note was written on v${record.revisionNumber}; it cannot be addressed in v${revision.number}`,
      );
    }
    return revision;
  }
}
