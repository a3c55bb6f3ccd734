import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { ZodObject, ZodType } from 'zod';
import type { RouteDef } from './route.js';
import { ErrorBody } from './schemas/common.js';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorBody } },
});

/** The OpenAPI 3.1 document for the given routes, generated from the same zod schemas the server validates with. */
export function buildOpenApiDocument(
  routes: readonly RouteDef[],
  info: { version: string; serverUrl?: string },
) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'cookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'mixroom_session',
  });
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  for (const r of routes) {
    registry.registerPath({
      method: r.method as 'get',
      path: r.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      summary: r.summary,
      tags: [r.tag],
      security: r.auth === 'user' ? [{ cookie: [] }, { bearer: [] }] : [],
      request: {
        params: r.params as ZodObject | undefined,
        query: r.query as ZodObject | undefined,
        body: r.body ? { content: { 'application/json': { schema: r.body as ZodType } } } : undefined,
      },
      responses: {
        [r.status]: r.response
          ? { description: 'OK', content: { 'application/json': { schema: r.response as ZodType } } }
          : r.produces
            ? { description: 'OK', content: { [r.produces]: { schema: { type: 'string' } } } }
            : { description: 'OK' },
        400: errorResponse('Invalid input, with per-field details'),
        ...(r.auth === 'user'
          ? { 401: errorResponse('Not signed in'), 404: errorResponse('Unknown or not a member') }
          : {}),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Mixroom API', version: info.version },
    servers: info.serverUrl ? [{ url: info.serverUrl }] : [],
  });
}
