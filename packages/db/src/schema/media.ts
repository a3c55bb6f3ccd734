import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './accounts.js';
import { bytea, createdAt, id, ts } from './columns.js';
import { sessions } from './sessions.js';

/**
 * Audio bytes are content-addressed: one row per distinct SHA-256 (hex) in the blob store. Uploads and files
 * reference blobs (ON DELETE RESTRICT), so a blob row can only be removed once nothing refers to it.
 */
export const blobs = pgTable('blobs', {
  sha256: text('sha256').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  createdAt: createdAt(),
});

export const UPLOAD_STATUSES = ['receiving', 'complete'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

/** Resumable (tus) uploads. `id` is the tus upload id; the row exists from creation on. */
export const uploads = pgTable(
  'uploads',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    /** The content type the client declared (not trusted; the served type comes from the decoded format). */
    declaredType: text('declared_type'),
    /** Declared length in bytes; null while the client defers it. */
    size: bigint('size', { mode: 'number' }),
    status: text('status').$type<UploadStatus>().notNull().default('receiving'),
    sha256: text('sha256').references(() => blobs.sha256, { onDelete: 'restrict' }),
    createdAt: createdAt(),
    completedAt: ts('completed_at'),
  },
  (t) => [
    index('uploads_session_idx').on(t.sessionId),
    index('uploads_sha256_idx').on(t.sha256),
    index('uploads_status_created_idx').on(t.status, t.createdAt),
  ],
);

export const REVISION_STATUSES = ['in_review', 'changes_requested', 'approved'] as const;
export type RevisionStatus = (typeof REVISION_STATUSES)[number];

/** A delivered version of the mix (and its stems), numbered 1, 2, ... per session. */
export const revisions = pgTable(
  'revisions',
  {
    id: id(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    status: text('status').$type<RevisionStatus>().notNull().default('in_review'),
    changelog: text('changelog'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    statusChangedAt: ts('status_changed_at'),
  },
  (t) => [unique('revisions_session_number_uq').on(t.sessionId, t.number)],
);

export const FILE_KINDS = ['mix', 'stem'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** One audio file of a revision: the mix or a stem, with what the headers said about it. */
export const files = pgTable(
  'files',
  {
    id: id(),
    revisionId: uuid('revision_id')
      .notNull()
      .references(() => revisions.id, { onDelete: 'cascade' }),
    /** Denormalised from the revision so access checks need one lookup. */
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<FileKind>().notNull(),
    /** Order within the revision: the mix is 0, stems follow in the order they were given. */
    position: integer('position').notNull(),
    /** Display name (the file name without its extension). */
    name: text('name').notNull(),
    filename: text('filename').notNull(),
    sha256: text('sha256')
      .notNull()
      .references(() => blobs.sha256, { onDelete: 'restrict' }),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** Container format read from the magic bytes: wav | aiff | flac | mp3. */
    format: text('format').notNull(),
    sampleRate: integer('sample_rate').notNull(),
    channels: integer('channels').notNull(),
    bitsPerSample: integer('bits_per_sample'),
    durationS: doublePrecision('duration_s').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('files_revision_idx').on(t.revisionId),
    index('files_session_idx').on(t.sessionId),
    index('files_sha256_idx').on(t.sha256),
  ],
);

export const ANALYSIS_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

/** The loudness/peak/waveform analysis of one file, run as a background job. */
export const analyses = pgTable(
  'analyses',
  {
    fileId: uuid('file_id')
      .primaryKey()
      .references(() => files.id, { onDelete: 'cascade' }),
    status: text('status').$type<AnalysisStatus>().notNull().default('pending'),
    /** 0..1 */
    progress: real('progress').notNull().default(0),
    /** The analysis summary (`AnalysisJson` of @mixroom/audio): levels in dB, null for digital silence. */
    result: jsonb('result').$type<Record<string, unknown>>(),
    /** Layout of `waveform`: sample rate, channels and each zoom level's samples per pixel and length. */
    waveformInfo: jsonb('waveform_info').$type<{
      sampleRate: number;
      channels: number;
      levels: { samplesPerPixel: number; length: number }[];
    }>(),
    /** Every zoom level's (min, max) int16 pairs, little-endian, levels one after another. */
    waveform: bytea('waveform'),
    error: jsonb('error').$type<{ code: string; message: string }>(),
    attempts: integer('attempts').notNull().default(0),
    /** Which server instance runs the job, and when it last said so (a stale heartbeat frees the job). */
    claimedBy: text('claimed_by'),
    heartbeatAt: ts('heartbeat_at'),
    createdAt: createdAt(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('analyses_status_idx').on(t.status)],
);
