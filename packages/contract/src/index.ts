export * from './openapi.js';
export * from './route.js';
export * from './routes.js';
export * from './schemas/accounts.js';
export * from './schemas/common.js';
export * from './schemas/sessions.js';
export { z } from './zod.js';
export * from './all-routes.js';
