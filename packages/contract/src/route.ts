import type { ZodType } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';

/**
 * One HTTP route of the public API. The server validates with these schemas, the OpenAPI document is
 * generated from them, and the authorization matrix test checks every one of them.
 */
export interface RouteDef {
  method: HttpMethod;
  /** Express-style path, e.g. `/api/sessions/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** `none`: anyone; `user`: a signed-in user (guest or full account). */
  auth: 'none' | 'user';
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** Success status. */
  status: number;
  response?: ZodType;
  /** Non-JSON success content type (CSV, audio, event stream, ...). */
  produces?: string;
}

export const route = <const R extends RouteDef>(def: R): R => def;
