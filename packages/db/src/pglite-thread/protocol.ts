/** Messages between {@link PGliteThread} (the server's thread) and the worker thread that runs PGlite. */

/** Options of the thread that opens PGlite. */
export interface PGliteThreadData {
  /** PGlite data directory; unset = in memory. */
  dataDir?: string;
}

/** Query options that can cross threads. Parser functions stay on the caller's side (see `rawTypes`). */
export interface ThreadQueryOptions {
  rowMode?: 'array' | 'object';
  paramTypes?: number[];
  /** Type OIDs to return as PostgreSQL's text, for the caller to parse with its own functions. */
  rawTypes?: number[];
}

export type ThreadRequest =
  | { id: number; kind: 'query'; sql: string; params: unknown[]; options: ThreadQueryOptions; txId?: number }
  | { id: number; kind: 'exec'; sql: string; txId?: number }
  /** Opens a transaction; answered once it holds PGlite (other work waits behind it, as in PGlite). */
  | { id: number; kind: 'begin'; txId: number }
  /** Ends a transaction: COMMIT when `commit`, else ROLLBACK. */
  | { id: number; kind: 'end'; txId: number; commit: boolean }
  /** `tx.rollback()`: rolls back now; the transaction is closed afterwards. */
  | { id: number; kind: 'rollback'; txId: number }
  | { id: number; kind: 'close' };

/** An error as it crosses threads: message, name and PostgreSQL's fields (code, detail, constraint, ...). */
export interface ThreadError {
  message: string;
  name: string;
  /** True for PostgreSQL errors (PGlite's DatabaseError). */
  database: boolean;
  fields: Record<string, string | number | boolean | undefined>;
}

export type ThreadResponse =
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: ThreadError }
  /** Sent once, when PGlite is open or could not be opened. */
  | { kind: 'ready' }
  | { kind: 'failed'; error: ThreadError };

/**
 * Copies an error into plain data that structured clone keeps (functions and objects are dropped).
 * `database` says whether it is PostgreSQL's own error (the worker checks with PGlite's class).
 */
export function toThreadError(error: unknown, database: boolean): ThreadError {
  if (!(error instanceof Error))
    return { message: String(error), name: 'Error', database: false, fields: {} };
  const fields: ThreadError['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields[key] = value;
  }
  return {
    message: error.message,
    name: error.name,
    database,
    fields,
  };
}
