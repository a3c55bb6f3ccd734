import { type DatabaseHandle, openTestDatabase, storageBackends } from '@mixroom/db';
import { afterAll, beforeAll, describe } from 'vitest';
import { accountsAndSessionsContract } from './storage/accounts-sessions.contract.js';

/**
 * One contract suite for every repository, run against each storage this run has: embedded PGlite always,
 * PostgreSQL as well when TEST_DATABASE_URL is set.
 */
for (const kind of storageBackends()) {
  describe(`storage contract on ${kind}`, () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await handle?.close();
    });
    const get = () => handle;
    describe('accounts and sessions', () => accountsAndSessionsContract(get));
  });
}
