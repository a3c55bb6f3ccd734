import type { INestApplicationContext } from '@nestjs/common';
import type { Express, RequestHandler } from 'express';
import { UPLOADS_PATH, UploadsService } from './uploads.service.js';

/**
 * Claims /api/uploads on the express app. Call it before the JSON body parser (tus reads the raw request
 * stream) and `attach` the application once Nest has built it.
 */
export function reserveUploadsRoute(app: Express): { attach(nest: INestApplicationContext): void } {
  let handler: RequestHandler | undefined;
  app.use(UPLOADS_PATH, (req, res, next) => {
    if (handler) return handler(req, res, next);
    res.status(503).json({ error: { code: 'starting', message: 'The server is starting.' } });
  });
  return {
    attach(nest) {
      handler = nest.get(UploadsService, { strict: false }).handler;
    },
  };
}
