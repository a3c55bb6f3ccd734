export * from './database.js';
export * from './schema/index.js';
export { openTestDatabase, storageBackends, testDatabaseKind } from './testing.js';
