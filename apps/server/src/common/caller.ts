import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { unauthorized } from './errors.js';

/** The authenticated user behind a request. */
export interface Caller {
  userId: string;
  displayName: string;
  isGuest: boolean;
  /** How the request authenticated. */
  via: 'cookie' | 'token';
  /** Id of the auth session (cookie) or access token row. */
  credentialId: string;
}

export type RequestWithCaller = Request & { caller?: Caller; requestId?: string };

/** The signed-in caller; the auth guard has already rejected anonymous requests on `auth: 'user'` routes. */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const req = ctx.switchToHttp().getRequest<RequestWithCaller>();
  if (!req.caller) throw unauthorized();
  return req.caller;
});

/** The caller if signed in, else undefined (for routes open to anonymous users). */
export const OptionalCaller = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Caller | undefined =>
    ctx.switchToHttp().getRequest<RequestWithCaller>().caller,
);
