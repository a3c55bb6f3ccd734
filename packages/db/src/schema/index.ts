export * from './accounts.js';
export * from './columns.js';
export * from './sessions.js';
export * from './media.js';
export * from './sync.js';
export * from './notes.js';
