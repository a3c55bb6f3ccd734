import { demoRoutes } from './demo-routes.js';
import { mediaRoutes, uploadRoutes } from './media-routes.js';
import type { RouteDef } from './route.js';
import { noteRoutes } from './notes-routes.js';
import { accountRoutes, sessionRoutes, systemRoutes } from './routes.js';

/** Every HTTP route of the API: the OpenAPI document and the authorization matrix are built from this list. */
export const allRoutes: readonly RouteDef[] = [
  ...Object.values(systemRoutes),
  ...Object.values(accountRoutes),
  ...Object.values(sessionRoutes),
  ...Object.values(noteRoutes),
  ...Object.values(uploadRoutes),
  ...Object.values(mediaRoutes),
  ...Object.values(demoRoutes),
];
