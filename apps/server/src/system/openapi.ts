import { createRequire } from 'node:module';
import { buildOpenApiDocument, type RouteDef } from '@mixroom/contract';
import type { Express, Request, Response } from 'express';
import express from 'express';

const require = createRequire(import.meta.url);

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mixroom API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body></html>`;

/** Serves the OpenAPI document at /api/openapi.json and Swagger UI at /api/docs. */
export function mountOpenApi(app: Express, routes: readonly RouteDef[], publicUrl: string): void {
  const document = buildOpenApiDocument(routes, { version: '0.1.0', serverUrl: publicUrl });
  const assets = require('swagger-ui-dist').getAbsoluteFSPath() as string;
  app.get('/api/openapi.json', (_req: Request, res: Response) => {
    res.json(document);
  });
  app.get('/api/docs/init.js', (_req: Request, res: Response) => {
    res.type('application/javascript').send(`SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui' });`);
  });
  app.use('/api/docs/assets', express.static(assets, { index: false }));
  app.get(['/api/docs', '/api/docs/'], (_req: Request, res: Response) => {
    res.type('html').send(page);
  });
}
