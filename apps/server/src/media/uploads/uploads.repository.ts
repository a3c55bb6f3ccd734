import { blobs, type Database, uploads } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, eq, inArray, lt } from 'drizzle-orm';
import { DATABASE } from '../../common/tokens.js';

export type UploadRow = typeof uploads.$inferSelect;

/** The `uploads` table: one row per tus upload, from creation until it expires or is used up. */
@Injectable()
export class UploadsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async create(values: typeof uploads.$inferInsert): Promise<UploadRow> {
    const [row] = await this.db.insert(uploads).values(values).returning();
    return row!;
  }

  async findById(id: string): Promise<UploadRow | undefined> {
    const [row] = await this.db.select().from(uploads).where(eq(uploads.id, id));
    return row;
  }

  async findMany(ids: string[]): Promise<UploadRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(uploads).where(inArray(uploads.id, ids));
  }

  /**
   * Records the finished upload's content: the blob row (shared by identical content) and the upload's
   * reference to it, in one transaction, so the blob is referenced before its bytes move into the store.
   * Returns undefined when the upload is gone or was already completed.
   */
  async complete(id: string, sha256: string, size: number): Promise<UploadRow | undefined> {
    return this.db.transaction(async (tx) => {
      await tx.insert(blobs).values({ sha256, size }).onConflictDoNothing();
      const [row] = await tx
        .update(uploads)
        .set({ status: 'complete', sha256, size, completedAt: new Date() })
        .where(and(eq(uploads.id, id), eq(uploads.status, 'receiving')))
        .returning();
      return row;
    });
  }

  async delete(id: string): Promise<UploadRow | undefined> {
    const [row] = await this.db.delete(uploads).where(eq(uploads.id, id)).returning();
    return row;
  }

  async deleteMany(ids: string[]): Promise<UploadRow[]> {
    if (ids.length === 0) return [];
    return this.db.delete(uploads).where(inArray(uploads.id, ids)).returning();
  }

  /** Uploads in `status` started before `before`. */
  async listOlderThan(status: UploadRow['status'], before: Date, limit = 500): Promise<UploadRow[]> {
    return this.db
      .select()
      .from(uploads)
      .where(and(eq(uploads.status, status), lt(uploads.createdAt, before)))
      .limit(limit);
  }
}
