import { bigserial, index, pgTable, text } from 'drizzle-orm/pg-core';
import { bytea, createdAt, ts } from './columns.js';

/**
 * Append-only log of accepted Yjs updates per shared document (`session:<id>`). Rows are written before
 * the update is broadcast, so whatever a client has received is stored. Compaction folds rows into
 * {@link syncSnapshots} and deletes exactly the ids it folded.
 */
export const syncUpdates = pgTable(
  'sync_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    docName: text('doc_name').notNull(),
    update: bytea('update').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sync_updates_doc_idx').on(t.docName, t.id)],
);

/** Compacted state of a shared document (a Yjs update encoding the whole state); the log holds what came after. */
export const syncSnapshots = pgTable('sync_snapshots', {
  docName: text('doc_name').primaryKey(),
  state: bytea('state').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
