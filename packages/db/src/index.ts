export * from './database.js';
export * from './schema/index.js';
export { openTestDatabase, testDatabaseKind } from './testing.js';
