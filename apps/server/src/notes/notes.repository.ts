import { type Database, noteVersions, notes, revisions, users } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { DATABASE } from '../common/tokens.js';

export type NoteRow = typeof notes.$inferSelect;
export type NoteVersionRow = typeof noteVersions.$inferSelect;

/** A note with what it is shown with: author, the numbers of its revisions, who resolved it. */
export interface NoteRecord {
  note: NoteRow;
  authorName: string | null;
  revisionNumber: number;
  resolverName: string | null;
  resolvedInNumber: number | null;
}

export type NoteStatus = 'open' | 'resolved' | 'all';

const author = alias(users, 'author');
const resolver = alias(users, 'resolver');
const origin = alias(revisions, 'origin');
const resolvedIn = alias(revisions, 'resolved_in');

/** Notes and their versions: the only place that touches those tables. */
@Injectable()
export class NotesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  private select(where: SQL | undefined) {
    return this.db
      .select({
        note: notes,
        authorName: author.displayName,
        revisionNumber: origin.number,
        resolverName: resolver.displayName,
        resolvedInNumber: resolvedIn.number,
      })
      .from(notes)
      .innerJoin(origin, eq(origin.id, notes.revisionId))
      .leftJoin(author, eq(author.id, notes.authorId))
      .leftJoin(resolver, eq(resolver.id, notes.resolvedBy))
      .leftJoin(resolvedIn, eq(resolvedIn.id, notes.resolvedInRevisionId))
      .where(where);
  }

  /** A note that is not deleted. */
  async findById(id: string): Promise<NoteRecord | undefined> {
    const [row] = await this.select(and(eq(notes.id, id), isNull(notes.deletedAt)));
    return row;
  }

  /**
   * The threads shown on revision number `number` of a session: notes written on it, and threads from
   * earlier revisions that were still open when it was delivered — unresolved now, or resolved in this
   * revision or a later one. Thread status filters on the first note; replies come with their thread.
   */
  async listThreads(
    sessionId: string,
    revisionId: string,
    number: number,
    status: NoteStatus,
  ): Promise<{ roots: NoteRecord[]; replies: NoteRecord[] }> {
    const carried = and(
      lt(origin.number, number),
      or(isNull(notes.resolvedAt), gte(resolvedIn.number, number)),
    );
    const statusFilter =
      status === 'open'
        ? isNull(notes.resolvedAt)
        : status === 'resolved'
          ? isNotNull(notes.resolvedAt)
          : undefined;
    const roots = await this.select(
      and(
        eq(notes.sessionId, sessionId),
        isNull(notes.parentId),
        isNull(notes.deletedAt),
        or(eq(notes.revisionId, revisionId), carried),
        statusFilter,
      ),
    ).orderBy(asc(notes.atS), asc(notes.createdAt), asc(notes.id));
    if (roots.length === 0) return { roots, replies: [] };
    const replies = await this.select(
      and(
        inArray(
          notes.parentId,
          roots.map((r) => r.note.id),
        ),
        isNull(notes.deletedAt),
      ),
    ).orderBy(asc(notes.createdAt), asc(notes.id));
    return { roots, replies };
  }

  /** Inserts a note and its first version, atomically. */
  async create(values: typeof notes.$inferInsert): Promise<NoteRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(notes).values(values).returning();
      await tx.insert(noteVersions).values({
        noteId: row!.id,
        version: 1,
        body: row!.body,
        mentions: row!.mentions,
        editedBy: row!.authorId,
      });
      return row!;
    });
  }

  /** Replaces the text (and mentions); the new text becomes the next version. */
  async edit(id: string, values: { body: string; mentions: string[]; editedBy: string }): Promise<NoteRow> {
    return this.db.transaction(async (tx) => {
      // The row lock of this UPDATE serialises concurrent edits, so version numbers never collide.
      const [row] = await tx
        .update(notes)
        .set({
          body: values.body,
          mentions: values.mentions,
          version: sql`${notes.version} + 1`,
          editedAt: new Date(),
        })
        .where(eq(notes.id, id))
        .returning();
      await tx.insert(noteVersions).values({
        noteId: id,
        version: row!.version,
        body: values.body,
        mentions: values.mentions,
        editedBy: values.editedBy,
      });
      return row!;
    });
  }

  async setResolved(id: string, resolved: { by: string; inRevisionId: string } | null): Promise<void> {
    await this.db
      .update(notes)
      .set(
        resolved
          ? { resolvedAt: new Date(), resolvedBy: resolved.by, resolvedInRevisionId: resolved.inRevisionId }
          : { resolvedAt: null, resolvedBy: null, resolvedInRevisionId: null },
      )
      .where(eq(notes.id, id));
  }

  /** Soft delete, so the history stays; a thread's replies go with it. */
  async softDelete(id: string, by: string): Promise<void> {
    await this.db
      .update(notes)
      .set({ deletedAt: new Date(), deletedBy: by })
      .where(and(or(eq(notes.id, id), eq(notes.parentId, id)), isNull(notes.deletedAt)));
  }

  async versions(noteId: string): Promise<NoteVersionRow[]> {
    return this.db
      .select()
      .from(noteVersions)
      .where(eq(noteVersions.noteId, noteId))
      .orderBy(asc(noteVersions.version));
  }
}
