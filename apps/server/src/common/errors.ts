/** An error with an HTTP status and a stable machine code, rendered as `{"error": {code, message, details}}`. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new AppError(400, 'invalid_input', message, details);
export const unauthorized = (message = 'Sign in to continue.') =>
  new AppError(401, 'unauthenticated', message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
/** Also used for "exists but you are not a member", so outsiders learn nothing. */
export const notFound = (what = 'Not found.') => new AppError(404, 'not_found', what);
export const conflict = (message: string, code = 'conflict') => new AppError(409, code, message);
export const gone = (message: string, code = 'gone') => new AppError(410, code, message);
export const tooLarge = (message: string) => new AppError(413, 'too_large', message);
export const unsupportedMedia = (message: string) => new AppError(415, 'unsupported_media_type', message);
export const unprocessable = (message: string, code = 'unreadable_audio') => new AppError(422, code, message);
export const tooManyRequests = (retryAfterS: number) =>
  new AppError(429, 'rate_limited', `Too many attempts. Try again in ${retryAfterS} s.`, undefined, {
    'Retry-After': String(retryAfterS),
  });
