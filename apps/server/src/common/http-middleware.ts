import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { errorBody } from './error.filter.js';

/** Tags each request with an id (honouring a sane incoming X-Request-Id) and writes one JSON log line. */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    (req as { requestId?: string }).requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        },
        'request',
      );
    });
    next();
  };
}

/** Body-parser failures (malformed JSON, too large) become the API's error envelope instead of HTML. */
export const jsonErrors: ErrorRequestHandler = (err, _req, res, next) => {
  const status = (err as { status?: number }).status;
  const type = (err as { type?: string }).type;
  if (type === 'entity.parse.failed') {
    res.status(400).json(errorBody(400, 'malformed_json', 'The request body is not valid JSON.'));
  } else if (type === 'entity.too.large') {
    res.status(413).json(errorBody(413, 'too_large', 'The request body is too large.'));
  } else if (status && status >= 400 && status < 500) {
    res.status(status).json(errorBody(status, 'invalid_input', (err as Error).message));
  } else {
    next(err);
  }
};
