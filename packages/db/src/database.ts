import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { PGliteThread } from './pglite-thread/pglite-thread.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseOptions {
  /** postgres:// URL. Unset = embedded PGlite. */
  url?: string;
  /** PGlite data directory. Unset (with no url) = in-memory PGlite. */
  dataDir?: string;
  /** Pool size for PostgreSQL. Default 10. */
  maxConnections?: number;
}

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Run committed migrations; safe to call from several instances at once (advisory lock on PostgreSQL). */
  migrate(): Promise<void>;
  /** Round-trip to the database; throws when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Rows of a `db.execute` result: postgres.js returns them as the result itself, PGlite under `rows`. */
export function resultRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is already open in process ${pid}. ` +
        'Only one Mixroom process may use an embedded (PGlite) data directory; stop the other one, ' +
        'or set DATABASE_URL to run several instances on PostgreSQL.',
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PGlite is single-process: a second opener would corrupt the cluster, so claim the dir with a pid file. */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'mixroom.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isFinite(pid) && pid !== process.pid && isAlive(pid))
        throw new DataDirLockedError(dataDir, pid);
      // A stale lock from a process that died (kill -9): take it over.
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      connection: { application_name: 'mixroom' },
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      async migrate() {
        // One dedicated connection holds a session advisory lock so that instances starting together
        // run the migrations one after another.
        const single = postgres(options.url as string, { max: 1, onnotice: () => {} });
        try {
          await single`select pg_advisory_lock(727274)`;
          await migratePostgres(drizzlePostgres(single, { schema }), { migrationsFolder });
          await single`select pg_advisory_unlock(727274)`;
        } finally {
          await single.end({ timeout: 5 });
        }
      },
      async ping() {
        await client`select 1`;
      },
      async close() {
        await client.end({ timeout: 5 });
      },
    };
  }
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  let thread: PGliteThread;
  try {
    thread = await PGliteThread.create(options.dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
  // drizzle's PGlite driver calls only query/transaction (and exec), which PGliteThread provides with PGlite's
  // semantics; the type is PGlite's class, hence the cast.
  const pg = thread as unknown as PGlite;
  const db = drizzlePglite(pg, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migratePglite(drizzlePglite(pg, { schema }), { migrationsFolder });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await thread.close();
      unlock();
    },
  };
}
