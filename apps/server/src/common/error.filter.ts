import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from './errors.js';
import { LOGGER } from './tokens.js';

const codeForStatus: Record<number, string> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function errorBody(_status: number, code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Renders every error as `{"error": {code, message, details}}`; unexpected errors are logged and become 500. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof AppError) {
      for (const [k, v] of Object.entries(exception.headers ?? {})) res.setHeader(k, v);
      res
        .status(exception.status)
        .json(errorBody(exception.status, exception.code, exception.message, exception.details));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const message = status === 404 ? 'Not found.' : exception.message;
      res.status(status).json(errorBody(status, codeForStatus[status] ?? 'error', message));
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    res.status(500).json(errorBody(500, 'internal', 'Something went wrong on the server.'));
  }
}
