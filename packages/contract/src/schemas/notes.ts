import { z } from '../zod.js';

/** Longest note body in characters (UTF-16 code units); bodies are stored verbatim, clients escape. */
export const NOTE_BODY_MAX = 5000;
/** Largest amount a structured note may ask for, in dB. */
export const NOTE_AMOUNT_MAX_DB = 24;

/** Ids of mix-document entries (sections, stems, scenes): `[A-Za-z0-9_-]{1,64}`. */
const mixId = () => z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id of the mix document');
/** Seconds from the start of the song. */
const seconds = () =>
  z
    .number()
    .min(0)
    .max(24 * 3600);

export const NoteDirection = z.enum(['up', 'down']);
export type NoteDirection = z.infer<typeof NoteDirection>;

export const Note = z
  .object({
    id: z.uuid(),
    sessionId: z.uuid(),
    /** The revision the note was written on (replies share their thread's revision). */
    revisionId: z.uuid(),
    revisionNumber: z.number().int(),
    parentId: z.uuid().nullable(),
    authorId: z.uuid().nullable(),
    authorName: z.string(),
    /** Seconds from the start of the revision. */
    atS: z.number(),
    /** End of a range note, in seconds; null for a note at a moment. */
    endS: z.number().nullable(),
    body: z.string(),
    sectionId: z.string().nullable(),
    stemId: z.string().nullable(),
    direction: NoteDirection.nullable(),
    /** Always positive; the direction says which way. */
    amountDb: z.number().nullable(),
    /** Members mentioned (user ids). */
    mentions: z.array(z.uuid()),
    resolved: z.boolean(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.uuid().nullable(),
    resolvedByName: z.string().nullable(),
    /** "Addressed in v3": the revision in which the note was resolved. */
    resolvedInRevisionId: z.uuid().nullable(),
    resolvedInRevisionNumber: z.number().int().nullable(),
    /** True when listed under a later revision than the one it was written on (open notes carry over). */
    carriedOver: z.boolean(),
    /** Number of the revision it was written on (same as revisionNumber; explicit for carried-over notes). */
    originRevisionNumber: z.number().int(),
    /** 1 for an unedited note; each edit adds one (see the versions route). */
    version: z.number().int(),
    editedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Note');
export type Note = z.infer<typeof Note>;

export const NoteThread = Note.extend({ replies: z.array(Note) }).openapi('NoteThread');
export type NoteThread = z.infer<typeof NoteThread>;

export const NoteStatusQuery = z.strictObject({
  status: z.enum(['open', 'resolved', 'all']).default('all'),
});
export type NoteStatusQuery = z.infer<typeof NoteStatusQuery>;

export const NoteListResponse = z.object({
  revisionId: z.uuid(),
  revisionNumber: z.number().int(),
  notes: z.array(NoteThread),
});
export const NoteResponse = z.object({ note: Note });

const noteBody = () =>
  z
    .string()
    .max(NOTE_BODY_MAX, `must be at most ${NOTE_BODY_MAX} characters`)
    .refine((s) => s.trim().length > 0, 'must not be empty');

export const CreateNoteBody = z
  .strictObject({
    /** Required for a new thread; a reply sits at its thread's position. */
    atS: seconds().optional(),
    endS: seconds().optional(),
    body: noteBody(),
    parentId: z.uuid().optional(),
    sectionId: mixId().optional(),
    stemId: mixId().optional(),
    direction: NoteDirection.optional(),
    amountDb: z.number().gt(0).max(NOTE_AMOUNT_MAX_DB).optional(),
    /** Members to mention, besides `@Display Name` mentions found in the body. */
    mentions: z.array(z.uuid()).max(50).optional(),
  })
  .superRefine((b, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (b.parentId) {
      for (const key of ['endS', 'sectionId', 'stemId', 'direction', 'amountDb'] as const) {
        if (b[key] !== undefined) issue(key, 'a reply cannot set this; it belongs to its thread');
      }
    } else if (b.atS === undefined) {
      issue('atS', 'required for a new note');
    }
    if (b.endS !== undefined && b.atS !== undefined && b.endS <= b.atS) issue('endS', 'must be after atS');
    if (b.amountDb !== undefined && b.direction === undefined) issue('direction', 'required with amountDb');
    if (b.direction !== undefined && b.stemId === undefined) issue('stemId', 'required with a direction');
  })
  .openapi('CreateNoteBody');
export type CreateNoteBody = z.infer<typeof CreateNoteBody>;

export const UpdateNoteBody = z
  .strictObject({
    /** Author only; the previous text is kept as a version. */
    body: noteBody().optional(),
    mentions: z.array(z.uuid()).max(50).optional(),
    resolved: z.boolean().optional(),
    /** Revision the note was addressed in (default: the session's latest revision). */
    resolvedInRevisionId: z.uuid().optional(),
  })
  .refine((b) => b.body !== undefined || b.resolved !== undefined || b.mentions !== undefined, {
    message: 'nothing to update',
  })
  .refine((b) => b.resolvedInRevisionId === undefined || b.resolved === true, {
    message: 'only with resolved: true',
    path: ['resolvedInRevisionId'],
  })
  .openapi('UpdateNoteBody');
export type UpdateNoteBody = z.infer<typeof UpdateNoteBody>;

export const NoteVersion = z
  .object({
    version: z.number().int(),
    body: z.string(),
    mentions: z.array(z.uuid()),
    editedBy: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .openapi('NoteVersion');
export const NoteVersionListResponse = z.object({ versions: z.array(NoteVersion) });

export const ExportQuery = z.strictObject({
  status: z.enum(['open', 'resolved', 'all']).default('all'),
});

export const SceneParams = z.strictObject({ id: z.uuid(), sceneId: mixId() });

// Decisions (approvals)

export const DecisionKind = z.enum(['approve', 'request_changes']);
export type DecisionKind = z.infer<typeof DecisionKind>;

/**
 * Approval state of a revision: `approved` once every required approver's latest decision is approve
 * (the revision is then locked), `changes_requested` while any required approver's latest decision is
 * request_changes, else `in_review` (the revision's own status field).
 */
export const RevisionApprovalStatus = z.enum(['in_review', 'changes_requested', 'approved']);
export type RevisionApprovalStatus = z.infer<typeof RevisionApprovalStatus>;

export const Decision = z
  .object({
    id: z.uuid(),
    revisionId: z.uuid(),
    revisionNumber: z.number().int(),
    userId: z.uuid().nullable(),
    displayName: z.string(),
    decision: DecisionKind,
    message: z.string().nullable(),
    /**
     * SHA-256 (hex) of the revision's files at decision time: the lowercase hex SHA-256 of every file,
     * sorted, each followed by "\n", hashed again — `sha256sum FILES | cut -d' ' -f1 | sort | sha256sum`.
     */
    filesHash: z.string(),
    /** Whether it counts toward the revision's status (the decider was a required approver). */
    counts: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Decision');
export type Decision = z.infer<typeof Decision>;

export const CreateDecisionBody = z
  .strictObject({
    decision: DecisionKind,
    message: z.string().trim().max(2000).optional(),
  })
  .openapi('CreateDecisionBody');
export type CreateDecisionBody = z.infer<typeof CreateDecisionBody>;

export const ApproverState = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  latest: DecisionKind.nullable(),
  decidedAt: z.string().nullable(),
});

export const CreatedDecisionResponse = z.object({
  decision: Decision,
  revisionStatus: RevisionApprovalStatus,
});
export const DecisionListResponse = z.object({
  revisionId: z.uuid(),
  revisionStatus: RevisionApprovalStatus,
  /** Required approvers and their latest decision (the members whose decisions count). */
  approvers: z.array(ApproverState),
  /** When the revision became final; null until approved. */
  approvedAt: z.string().nullable(),
  /** Files hash the approval covers (see Decision.filesHash); null until approved. */
  approvedFilesHash: z.string().nullable(),
  decisions: z.array(Decision),
});

// Brief sign-off

export const BriefSignature = z
  .object({
    id: z.uuid(),
    userId: z.uuid().nullable(),
    displayName: z.string(),
    signedAt: z.string(),
    /** Hex SHA-256 of the brief content when signed (mix-model's briefContentHash). */
    briefHash: z.string(),
    /** Whether the brief is still exactly what was signed. */
    matchesCurrent: z.boolean(),
  })
  .openapi('BriefSignature');
export type BriefSignature = z.infer<typeof BriefSignature>;
export const BriefSignatureResponse = z.object({ signature: BriefSignature });
export const BriefSignatureListResponse = z.object({
  currentBriefHash: z.string(),
  /** Each signer's latest signature, oldest first. */
  signatures: z.array(BriefSignature),
});

// Activity feed

export const ActivityType = z.enum(['mention', 'reply', 'decision', 'revision']);
export const ActivityItem = z
  .object({
    id: z.number().int(),
    type: ActivityType,
    sessionId: z.uuid(),
    sessionTitle: z.string(),
    revisionId: z.uuid().nullable(),
    noteId: z.uuid().nullable(),
    actorId: z.uuid().nullable(),
    actorName: z.string().nullable(),
    /** A short human summary ("Ada mentioned you on v2 at 1:05"). */
    summary: z.string(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi('ActivityItem');
export type ActivityItem = z.infer<typeof ActivityItem>;

const booleanQuery = () =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1');

export const ActivityQuery = z.strictObject({
  unreadOnly: booleanQuery(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Items older than this id (paging). */
  before: z.coerce.number().int().positive().optional(),
});
export const ActivityListResponse = z.object({
  items: z.array(ActivityItem),
  unreadCount: z.number().int(),
});
export const MarkActivityReadBody = z
  .strictObject({
    ids: z.array(z.number().int().positive()).min(1).max(500).optional(),
    all: z.literal(true).optional(),
  })
  .refine((b) => (b.ids === undefined) !== (b.all === undefined), 'give either ids or all: true')
  .openapi('MarkActivityReadBody');
export type MarkActivityReadBody = z.infer<typeof MarkActivityReadBody>;
export const UnreadCountResponse = z.object({ unreadCount: z.number().int() });

// Real time

export const EventStreamQuery = z.strictObject({
  /** Resume after this event id (same as the Last-Event-ID header, for clients that cannot set it). */
  lastEventId: z.string().max(32).optional(),
  /** Send what is buffered after lastEventId, then end the response (polling instead of streaming). */
  once: booleanQuery(),
});
