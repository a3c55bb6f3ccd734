import { type Database, files, revisions } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq } from 'drizzle-orm';
import { DATABASE } from '../common/tokens.js';

export type RevisionRow = typeof revisions.$inferSelect;

/**
 * Read-only look-ups of revisions and their files for notes, decisions and exports (the media feature
 * owns and writes those tables).
 */
@Injectable()
export class RevisionLookup {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findById(id: string): Promise<RevisionRow | undefined> {
    const [row] = await this.db.select().from(revisions).where(eq(revisions.id, id));
    return row;
  }

  async latest(sessionId: string): Promise<RevisionRow | undefined> {
    const [row] = await this.db
      .select()
      .from(revisions)
      .where(eq(revisions.sessionId, sessionId))
      .orderBy(desc(revisions.number))
      .limit(1);
    return row;
  }

  /** Length of the revision's mix in seconds (from probing the file), or undefined without a mix file. */
  async mixDurationS(revisionId: string): Promise<number | undefined> {
    const [row] = await this.db
      .select({ durationS: files.durationS })
      .from(files)
      .where(and(eq(files.revisionId, revisionId), eq(files.kind, 'mix')))
      .orderBy(asc(files.position))
      .limit(1);
    return row?.durationS;
  }

  /** SHA-256 (hex) of every file of the revision. */
  async fileHashes(revisionId: string): Promise<string[]> {
    const rows = await this.db
      .select({ sha256: files.sha256 })
      .from(files)
      .where(eq(files.revisionId, revisionId));
    return rows.map((r) => r.sha256);
  }
}
