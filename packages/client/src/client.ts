import type { RouteDef } from '@mixroom/contract';
import type { z, ZodType } from 'zod';

type Infer<T> = T extends ZodType ? z.input<T> : undefined;
type Output<T> = T extends ZodType ? z.output<T> : undefined;

export interface CallInput<R extends RouteDef> {
  params?: Infer<R['params']>;
  query?: Infer<R['query']>;
  body?: Infer<R['body']>;
}

export interface RawResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A failed API call: carries the HTTP status and the server's `{error: {code, message, details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'ApiError';
  }
}

export interface MixroomClientOptions {
  /** Server origin, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** Personal access token, sent as `Authorization: Bearer`. */
  token?: string;
  /** Keep the `mixroom_session` cookie between calls (Node has no cookie jar). Default true. */
  cookies?: boolean;
  fetch?: typeof fetch;
}

/**
 * Typed REST client for the Mixroom API, used by the web client, the CLI and the tests.
 *
 * @example
 * const client = new MixroomClient({ baseUrl: 'http://localhost:3000' });
 * await client.call(accountRoutes.signup, { body: { email, password, displayName } });
 * const { session } = await client.call(sessionRoutes.createSession, { body: { title: 'Song' } });
 */
export class MixroomClient {
  readonly baseUrl: string;
  token?: string;
  /** The session cookie value, when signed in through signup/login/invite acceptance. */
  sessionCookie?: string;
  private readonly keepCookies: boolean;
  private readonly fetchImpl: typeof fetch;

  constructor(options: MixroomClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.keepCookies = options.cookies ?? true;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Headers that authenticate as this client (for websockets, SSE, uploads). */
  authHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.sessionCookie) headers.cookie = `mixroom_session=${this.sessionCookie}`;
    return headers;
  }

  /** Expands `:name` segments of a route path. */
  static path(def: Pick<RouteDef, 'path'>, params: Record<string, unknown> = {}): string {
    return def.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`missing path parameter ${name} for ${def.path}`);
      return encodeURIComponent(String(value));
    });
  }

  /** Any request; never throws on HTTP errors. JSON bodies are parsed, others returned as text. */
  async raw<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: RequestInit['body']; headers?: Record<string, string> } = {},
  ): Promise<RawResponse<T>> {
    const headers: Record<string, string> = { ...this.authHeaders(), ...options.headers };
    let body: RequestInit['body'] = options.rawBody;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await this.fetchImpl(this.baseUrl + path, { method: method.toUpperCase(), headers, body });
    if (this.keepCookies) this.captureCookie(res.headers);
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') && text.length > 0 ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  /** Calls a contract route; resolves with the typed body or throws {@link ApiError}. */
  async call<R extends RouteDef>(def: R, input: CallInput<R> = {}): Promise<Output<R['response']>> {
    let path = MixroomClient.path(def, input.params as Record<string, unknown>);
    if (input.query) {
      const qs = new URLSearchParams(
        Object.entries(input.query as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
      if (qs) path += `?${qs}`;
    }
    const res = await this.raw(def.method, path, { body: input.body });
    if (res.status >= 400) {
      const err = (res.body as { error?: { code: string; message: string; details?: unknown } })?.error;
      throw new ApiError(res.status, err?.code ?? 'error', err?.message ?? String(res.body), err?.details);
    }
    return res.body as Output<R['response']>;
  }

  private captureCookie(headers: Headers): void {
    for (const line of headers.getSetCookie?.() ?? []) {
      const match = line.match(/^mixroom_session=([^;]*)/);
      if (match) this.sessionCookie = match[1] || undefined;
    }
  }
}
