import { blobs, type Database, files, uploads } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, eq, inArray, notExists, sql } from 'drizzle-orm';
import { DATABASE } from '../../common/tokens.js';

const unreferenced = (db: Database) =>
  and(
    notExists(db.select({ one: sql`1` }).from(uploads).where(eq(uploads.sha256, blobs.sha256))),
    notExists(db.select({ one: sql`1` }).from(files).where(eq(files.sha256, blobs.sha256))),
  );

/** The `blobs` table: which content the blob store holds, and whether anything still refers to it. */
@Injectable()
export class BlobsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async find(sha256: string) {
    const [row] = await this.db.select().from(blobs).where(eq(blobs.sha256, sha256));
    return row;
  }

  /**
   * Deletes the blob row when no upload or file refers to it, and runs `removeBytes` before the deletion
   * commits: a concurrent upload of the same content waits on the row lock, so it re-creates the row and moves
   * its bytes in only after these are gone. Returns whether the blob was removed.
   */
  async deleteIfUnreferenced(sha256: string, removeBytes: () => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const gone = await tx
        .delete(blobs)
        .where(and(eq(blobs.sha256, sha256), unreferenced(tx)))
        .returning({ sha256: blobs.sha256 });
      if (gone.length === 0) return false;
      await removeBytes();
      return true;
    });
  }

  /** Blobs nothing refers to any more (e.g. after a session was deleted). */
  async listUnreferenced(limit = 500): Promise<string[]> {
    const rows = await this.db
      .select({ sha256: blobs.sha256 })
      .from(blobs)
      .where(unreferenced(this.db))
      .limit(limit);
    return rows.map((r) => r.sha256);
  }

  async count(shas?: string[]): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(blobs)
      .where(shas ? inArray(blobs.sha256, shas) : undefined);
    return row?.n ?? 0;
  }
}
