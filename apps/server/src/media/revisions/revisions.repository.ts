import {
  analyses,
  type Database,
  type FileKind,
  files,
  type RevisionStatus,
  revisions,
  sessions,
} from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { DATABASE } from '../../common/tokens.js';

export type RevisionRow = typeof revisions.$inferSelect;
export type FileRow = typeof files.$inferSelect;

export interface NewRevisionFile {
  kind: FileKind;
  name: string;
  filename: string;
  sha256: string;
  size: number;
  format: string;
  sampleRate: number;
  channels: number;
  bitsPerSample: number | null;
  durationS: number;
}

/** Revisions and their files: the only place that writes the `revisions` and `files` tables. */
@Injectable()
export class RevisionsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Creates the next revision of a session with its files and a pending analysis per file, atomically.
   * Locking the session row serialises concurrent deliveries, so numbers are 1, 2, ... without gaps; the
   * unique (session_id, number) constraint backs that up.
   */
  async create(values: {
    sessionId: string;
    createdBy: string;
    changelog: string | null;
    files: NewRevisionFile[];
  }): Promise<{ revision: RevisionRow; files: FileRow[] }> {
    return this.db.transaction(async (tx) => {
      await tx.execute(
        sql`select ${sessions.id} from ${sessions} where ${sessions.id} = ${values.sessionId} for update`,
      );
      const [next] = await tx
        .select({ number: sql<number>`coalesce(max(${revisions.number}), 0)::int + 1` })
        .from(revisions)
        .where(eq(revisions.sessionId, values.sessionId));
      const [revision] = await tx
        .insert(revisions)
        .values({
          sessionId: values.sessionId,
          number: next!.number,
          changelog: values.changelog,
          createdBy: values.createdBy,
        })
        .returning();
      const fileRows = await tx
        .insert(files)
        .values(
          values.files.map((f, position) => ({
            ...f,
            revisionId: revision!.id,
            sessionId: values.sessionId,
            position,
          })),
        )
        .returning();
      await tx.insert(analyses).values(fileRows.map((f) => ({ fileId: f.id })));
      return { revision: revision!, files: fileRows.sort((a, b) => a.position - b.position) };
    });
  }

  async findById(id: string): Promise<RevisionRow | undefined> {
    const [row] = await this.db.select().from(revisions).where(eq(revisions.id, id));
    return row;
  }

  /** Newest first. */
  async listForSession(sessionId: string): Promise<RevisionRow[]> {
    return this.db
      .select()
      .from(revisions)
      .where(eq(revisions.sessionId, sessionId))
      .orderBy(desc(revisions.number));
  }

  async countForSession(sessionId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(revisions)
      .where(eq(revisions.sessionId, sessionId));
    return row?.n ?? 0;
  }

  /**
   * Sets a revision's review status (the decisions feature calls this). With `from`, only when the status is
   * currently one of those (returns undefined otherwise), so concurrent decisions cannot overwrite each other.
   */
  async setStatus(
    id: string,
    status: RevisionStatus,
    from?: readonly RevisionStatus[],
  ): Promise<RevisionRow | undefined> {
    const [row] = await this.db
      .update(revisions)
      .set({ status, statusChangedAt: new Date() })
      .where(and(eq(revisions.id, id), from ? inArray(revisions.status, [...from]) : undefined))
      .returning();
    return row;
  }
}
