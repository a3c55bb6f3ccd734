import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type DatabaseHandle, openDatabase } from './database.js';

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server named by
 * TEST_DATABASE_URL (dropped again on close), or an in-memory PGlite when it is unset.
 */
export async function openTestDatabase(
  kind: 'pglite' | 'postgres' = testDatabaseKind,
): Promise<DatabaseHandle & { url?: string }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (kind === 'postgres' && !serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  if (kind === 'pglite' || !serverUrl) {
    const handle = await openDatabase();
    await handle.migrate();
    return handle;
  }
  const name = `mixroom_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), maxConnections: 5 });
  await handle.migrate();
  return {
    ...handle,
    url: url.toString(),
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** The storage that cross-process tests use in this run: PostgreSQL when TEST_DATABASE_URL is set. */
export const testDatabaseKind: 'pglite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** Every storage the contract suites run against in this run: PGlite always, PostgreSQL when configured. */
export const storageBackends = (): ('pglite' | 'postgres')[] =>
  process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
