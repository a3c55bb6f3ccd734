import {
  type AnyPgColumn,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './accounts.js';
import { createdAt, id, ts } from './columns.js';
import { revisions } from './media.js';
import { sessions } from './sessions.js';

export const NOTE_DIRECTIONS = ['up', 'down'] as const;
export type NoteDirection = (typeof NOTE_DIRECTIONS)[number];

/**
 * Timestamped notes on a revision, and one level of replies (`parentId`; a reply shares its thread's
 * revision). Authorship and times are set by the server. Deleting is soft (`deletedAt`) so the record of
 * what was said stays; edits keep every earlier text in {@link noteVersions}.
 */
export const notes = pgTable(
  'notes',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    revisionId: uuid('revision_id')
      .notNull()
      .references(() => revisions.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id').references((): AnyPgColumn => notes.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** Seconds from the start of the revision. */
    atS: doublePrecision('at_s').notNull(),
    /** End of a range note in seconds; null for a note at a moment. */
    endS: doublePrecision('end_s'),
    /** Verbatim as written (clients escape when rendering). */
    body: text('body').notNull(),
    /** Mix-document ids (structured note: section / stem / direction / amount). */
    sectionId: text('section_id'),
    stemId: text('stem_id'),
    direction: text('direction').$type<NoteDirection>(),
    /** dB, > 0; the direction says which way. */
    amountDb: doublePrecision('amount_db'),
    /** User ids of mentioned members. */
    mentions: jsonb('mentions').$type<string[]>().notNull().default([]),
    /** Current version number: 1 + number of edits. */
    version: integer('version').notNull().default(1),
    editedAt: ts('edited_at'),
    resolvedAt: ts('resolved_at'),
    resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
    /** "Addressed in v3". */
    resolvedInRevisionId: uuid('resolved_in_revision_id').references(() => revisions.id, {
      onDelete: 'set null',
    }),
    deletedAt: ts('deleted_at'),
    deletedBy: uuid('deleted_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('notes_revision_idx').on(t.revisionId),
    index('notes_session_idx').on(t.sessionId),
    index('notes_parent_idx').on(t.parentId),
  ],
);

/** Every text a note has had: version 1 is the original, each edit appends the new text. */
export const noteVersions = pgTable(
  'note_versions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    noteId: uuid('note_id')
      .notNull()
      .references(() => notes.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    body: text('body').notNull(),
    mentions: jsonb('mentions').$type<string[]>().notNull().default([]),
    editedBy: uuid('edited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [unique('note_versions_note_version_uq').on(t.noteId, t.version)],
);

export const DECISION_KINDS = ['approve', 'request_changes'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/**
 * Approve / request-changes decisions on a revision: append-only, each with the hash of exactly the files
 * decided on. `counts` is whether the decider was a required approver then; `completesApproval` marks
 * the decision that made the revision final (the revision row's status becomes `approved`).
 */
export const decisions = pgTable(
  'decisions',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    revisionId: uuid('revision_id')
      .notNull()
      .references(() => revisions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Display name when decided (the record survives account deletion). */
    displayName: text('display_name').notNull(),
    decision: text('decision').$type<DecisionKind>().notNull(),
    message: text('message'),
    filesHash: text('files_hash').notNull(),
    counts: boolean('counts').notNull(),
    completesApproval: boolean('completes_approval').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index('decisions_revision_idx').on(t.revisionId, t.createdAt)],
);

/** Signatures of the vision brief: who signed which brief content (hash), when. Append-only. */
export const briefSignatures = pgTable(
  'brief_signatures',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    displayName: text('display_name').notNull(),
    briefHash: text('brief_hash').notNull(),
    signedAt: createdAt(),
  },
  (t) => [index('brief_signatures_session_idx').on(t.sessionId, t.signedAt)],
);

export const ACTIVITY_TYPES = ['mention', 'reply', 'decision', 'revision'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Per-user activity feed (in-app notifications; mailed too when SMTP is configured). */
export const activity = pgTable(
  'activity',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Recipient. */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    type: text('type').$type<ActivityType>().notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    revisionId: uuid('revision_id').references(() => revisions.id, { onDelete: 'cascade' }),
    noteId: uuid('note_id').references(() => notes.id, { onDelete: 'cascade' }),
    summary: text('summary').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    readAt: ts('read_at'),
    emailedAt: ts('emailed_at'),
  },
  (t) => [index('activity_user_idx').on(t.userId, t.id)],
);
