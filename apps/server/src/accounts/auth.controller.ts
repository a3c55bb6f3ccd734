import { accountRoutes as r } from '@mixroom/contract';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Api, ApiInput, type Input } from '../common/api.decorator.js';
import { type Caller, CurrentCaller, type RequestWithCaller } from '../common/caller.js';
import { CONFIG } from '../common/tokens.js';
import type { Config } from '../config/config.js';
import { AuthService } from './auth.service.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.js';

@Controller()
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Api(r.signup)
  async signup(@ApiInput() { body }: Input<typeof r.signup>, @Res({ passthrough: true }) res: Response) {
    const { user, sessionToken } = await this.auth.signup(body);
    setSessionCookie(res, this.config, sessionToken);
    return { user };
  }

  @Api(r.login)
  async login(
    @ApiInput() { body }: Input<typeof r.login>,
    @Req() req: RequestWithCaller,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { user, sessionToken } = await this.auth.login(body, req.ip ?? 'unknown');
    setSessionCookie(res, this.config, sessionToken);
    return { user };
  }

  @Api(r.logout)
  async logout(@Req() req: RequestWithCaller, @Res({ passthrough: true }) res: Response) {
    await this.auth.logout(readSessionCookie(req.headers.cookie));
    clearSessionCookie(res, this.config);
  }

  @Api(r.me)
  async me(@CurrentCaller() caller: Caller) {
    return { user: await this.auth.me(caller) };
  }

  @Api(r.updateMe)
  async updateMe(@CurrentCaller() caller: Caller, @ApiInput() { body }: Input<typeof r.updateMe>) {
    return { user: await this.auth.updateMe(caller, body) };
  }

  @Api(r.createToken)
  createToken(@CurrentCaller() caller: Caller, @ApiInput() { body }: Input<typeof r.createToken>) {
    return this.auth.createToken(caller, body);
  }

  @Api(r.listTokens)
  listTokens(@CurrentCaller() caller: Caller) {
    return this.auth.listTokens(caller);
  }

  @Api(r.revokeToken)
  revokeToken(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.revokeToken>) {
    return this.auth.revokeToken(caller, params.id);
  }
}
