import { ApiError, MixroomClient } from '@mixroom/client';
import type { ErrorBody } from '@mixroom/contract';

export { ApiError };

/**
 * The browser's API client. Same origin: the browser keeps the httpOnly session cookie, so the client
 * keeps none itself. `fetch` is wrapped because calling the global as a method of another object throws
 * "Illegal invocation" in browsers.
 */
export const api = new MixroomClient({
  baseUrl: window.location.origin,
  cookies: false,
  fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
});

/** Any request that is not (yet) a contract route; throws ApiError like `api.call`. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await api.raw<T>(method, path, body === undefined ? {} : { body });
  if (res.status >= 400) {
    const envelope =
      typeof res.body === 'object' ? (res.body as { error?: ErrorBody['error'] }).error : undefined;
    throw new ApiError(
      res.status,
      envelope?.code ?? 'error',
      envelope?.message ?? (typeof res.body === 'string' && res.body ? res.body : `HTTP ${res.status}`),
      envelope?.details,
    );
  }
  return res.body;
}

/** A sentence for people: the server's message, with per-field details when it sent them. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = fieldErrors(error);
    const list = Object.entries(fields).map(([field, message]) => `${field} ${message}`);
    if (error.status === 0 || error.code === 'network') return 'The server cannot be reached.';
    if (list.length > 0) return list.join('; ');
    return error.message.replace(/^\d+ [\w_]+: /, '');
  }
  if (error instanceof TypeError) return 'The server cannot be reached. Check your connection.';
  return error instanceof Error ? error.message : String(error);
}

/** `{field: message}` from a 400's details, whatever shape the server used. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !error.details) return {};
  const out: Record<string, string> = {};
  const details = error.details as unknown;
  const visit = (path: unknown, message: unknown) => {
    const key = (Array.isArray(path) ? path.join('.') : String(path ?? '')).replace(
      /^(body|query|params)\.?/,
      '',
    );
    if (key && typeof message === 'string' && !(key in out)) out[key] = message;
  };
  if (Array.isArray(details)) {
    for (const d of details as { path?: unknown; field?: unknown; message?: unknown }[]) {
      visit(d.path ?? d.field, d.message);
    }
  } else if (typeof details === 'object') {
    const record = details as Record<string, unknown>;
    const fields = (record.fields ?? record.fieldErrors ?? record) as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) visit(k, Array.isArray(v) ? v[0] : v);
  }
  return out;
}
