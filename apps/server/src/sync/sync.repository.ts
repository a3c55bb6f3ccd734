import { type Database, resultRows, syncSnapshots, syncUpdates } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { asc, eq, sql } from 'drizzle-orm';
import { DATABASE } from '../common/tokens.js';
import type { SnapshotMerge } from './snapshot-merge.js';

/** A PostgreSQL string literal (standard_conforming_strings on: a quote is doubled, nothing else escaped). */
function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('A document name cannot contain NUL.');
  return `'${text.replaceAll("'", "''")}'`;
}

const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** The update log and snapshots of shared documents: the only place that touches their tables. */
@Injectable()
export class SyncRepository {
  private readonly rawQuery: ((text: string, params: unknown[]) => Promise<unknown>) | null;
  private readonly simpleQuery: ((text: string) => Promise<unknown>) | null;
  /**
   * PGlite has no autovacuum (it runs PostgreSQL as a single process): rows that compaction deletes would
   * keep their space, and the log's index its entries, for good. The store calls this every so many rows.
   */
  readonly reclaim?: () => Promise<void>;

  constructor(@Inject(DATABASE) private readonly db: Database) {
    // The driver under drizzle: postgres.js (`unsafe`, $1..$n parameters) or PGlite (`exec`, the simple
    // query protocol).
    const client = (db as unknown as { $client?: Record<string, unknown> }).$client;
    if (client && typeof client.unsafe === 'function') {
      const unsafe = client.unsafe as (text: string, params: unknown[]) => Promise<unknown>;
      this.rawQuery = (text, params) => unsafe.call(client, text, params);
      this.simpleQuery = null;
    } else if (client && typeof client.exec === 'function') {
      const exec = client.exec as (text: string) => Promise<unknown>;
      this.rawQuery = null;
      this.simpleQuery = (text) => exec.call(client, text);
      this.reclaim = async () => {
        await exec.call(client, 'vacuum sync_updates, sync_snapshots');
      };
    } else {
      this.rawQuery = null;
      this.simpleQuery = null;
    }
  }

  /** Appends updates in one multi-row INSERT (one round trip, one commit). */
  async appendUpdates(rows: readonly { docName: string; update: Uint8Array }[]): Promise<void> {
    if (rows.length === 0) return;
    // The hottest statement of the sync service, so it skips drizzle's builder (half its cost on PGlite).
    if (this.rawQuery) {
      const placeholders = rows.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
      const params: unknown[] = [];
      for (const r of rows) params.push(r.docName, r.update);
      await this.rawQuery(`insert into sync_updates (doc_name, update) values ${placeholders}`, params);
    } else if (this.simpleQuery) {
      // PGlite runs a parameterised statement as six protocol messages through its WebAssembly; one simple
      // query with literal values costs its thread about a third less for a 25-row commit. The literals are
      // a quoted string (standard_conforming_strings is on, so only ' needs doubling) and bytea in hex.
      const values = rows.map((r) => `(${quoteLiteral(r.docName)}, '\\x${hex(r.update)}')`).join(', ');
      await this.simpleQuery(`insert into sync_updates (doc_name, update) values ${values}`);
    } else {
      await this.db.insert(syncUpdates).values(rows.map((r) => ({ docName: r.docName, update: r.update })));
    }
  }

  /**
   * Snapshot (if any) and the log rows after it, oldest first, read in one transaction: a compaction that
   * commits between the two reads would otherwise leave neither its old rows nor its new snapshot in view.
   */
  async load(
    docName: string,
  ): Promise<{ snapshot?: Uint8Array; updates: { id: number; update: Uint8Array }[] }> {
    return this.db.transaction(
      async (tx) => {
        const [snapshot] = await tx
          .select({ state: syncSnapshots.state })
          .from(syncSnapshots)
          .where(eq(syncSnapshots.docName, docName));
        const updates = await tx
          .select({ id: syncUpdates.id, update: syncUpdates.update })
          .from(syncUpdates)
          .where(eq(syncUpdates.docName, docName))
          .orderBy(asc(syncUpdates.id));
        return { snapshot: snapshot?.state, updates };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  /**
   * Folds the oldest `maxRows` log rows into the snapshot and deletes exactly the rows it folded (by id: rows
   * appended meanwhile, by this or another instance, stay). `merge` turns the old snapshot
   * plus rows into the new snapshot; it runs before the write, so the database is not held while it works.
   * The write is one statement (one transaction, no round trips while PGlite or a row lock is held): it
   * replaces the snapshot only if nobody replaced it since it was read (another instance compacting the same
   * document; the row lock makes a concurrent writer re-check), and deletes the folded ids only if it did.
   * Returns how many rows were folded, or 'lost' when someone else replaced the snapshot (nothing written).
   */
  async compact(docName: string, merge: SnapshotMerge, maxRows = 500): Promise<number | 'lost'> {
    const [current] = await this.db
      .select({ state: syncSnapshots.state, version: sql<string>`${syncSnapshots.updatedAt}::text` })
      .from(syncSnapshots)
      .where(eq(syncSnapshots.docName, docName));
    const rows = await this.db
      .select({ id: syncUpdates.id, update: syncUpdates.update })
      .from(syncUpdates)
      .where(eq(syncUpdates.docName, docName))
      .orderBy(asc(syncUpdates.id))
      .limit(maxRows);
    if (rows.length === 0) return 0;
    const state = await merge(
      current?.state,
      rows.map((r) => r.update),
    );
    const ids = rows.map((r) => r.id);
    const write = current
      ? sql`update ${syncSnapshots} set state = ${state}, updated_at = clock_timestamp()
            where doc_name = ${docName} and updated_at::text = ${current.version} returning 1`
      : sql`insert into ${syncSnapshots} (doc_name, state) values (${docName}, ${state})
            on conflict (doc_name) do nothing returning 1`;
    // One array parameter rather than one per id.
    const result = await this.db.execute(sql`
      with written as (${write}),
      folded as (
        delete from ${syncUpdates}
        where doc_name = ${docName} and id = any(${sql.param(ids)}::bigint[]) and exists (select 1 from written)
        returning 1
      )
      select count(*)::int as written from written`);
    const [outcome] = resultRows<{ written: number }>(result);
    return outcome?.written ? rows.length : 'lost';
  }

  /** Rows in the log for a document (for tests and diagnostics). */
  async countUpdates(docName: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(syncUpdates)
      .where(eq(syncUpdates.docName, docName));
    return row?.n ?? 0;
  }

  /** Forgets a document entirely (its session was deleted). */
  async remove(docName: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(syncUpdates).where(eq(syncUpdates.docName, docName));
      await tx.delete(syncSnapshots).where(eq(syncSnapshots.docName, docName));
    });
  }
}
