import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { RouteDef } from '@mixroom/contract';
import { AuthService } from '../accounts/auth.service.js';
import { readBearer, readSessionCookie } from '../accounts/session-cookie.js';
import { ROUTE_DEF } from './api.decorator.js';
import type { RequestWithCaller } from './caller.js';
import { unauthorized } from './errors.js';

/**
 * Global guard: resolves the caller from the session cookie or a bearer token, and rejects anonymous
 * requests to `auth: 'user'` routes. Membership and role are checked by each service (SessionAccess).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<RequestWithCaller>();
    const def = Reflect.getMetadata(ROUTE_DEF, ctx.getHandler()) as RouteDef | undefined;
    if (!def) throw new Error(`${ctx.getClass().name}.${ctx.getHandler().name} has no @Api route`);
    const bearer = readBearer(req);
    req.caller = await this.auth.authenticate({ bearer, cookie: readSessionCookie(req.headers.cookie) });
    if (bearer && !req.caller) throw unauthorized('The access token is invalid or revoked.');
    if (def.auth === 'user' && !req.caller) throw unauthorized();
    return true;
  }
}
