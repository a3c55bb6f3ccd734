import { sessionRoutes as r } from '@mixroom/contract';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AuthService } from '../accounts/auth.service.js';
import { setSessionCookie } from '../accounts/session-cookie.js';
import { Api, ApiInput, type Input } from '../common/api.decorator.js';
import { type Caller, CurrentCaller, OptionalCaller, type RequestWithCaller } from '../common/caller.js';
import { CONFIG } from '../common/tokens.js';
import type { Config } from '../config/config.js';
import { InvitesService } from './invites.service.js';
import { SessionsService } from './sessions.service.js';

@Controller()
export class SessionsController {
  constructor(@Inject(SessionsService) private readonly sessions: SessionsService) {}

  @Api(r.createSession)
  create(@CurrentCaller() caller: Caller, @ApiInput() { body }: Input<typeof r.createSession>) {
    return this.sessions.create(caller, body);
  }

  @Api(r.listSessions)
  list(@CurrentCaller() caller: Caller) {
    return this.sessions.list(caller);
  }

  @Api(r.getSession)
  get(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.getSession>) {
    return this.sessions.get(caller, params.id);
  }

  @Api(r.updateSession)
  update(@CurrentCaller() caller: Caller, @ApiInput() { params, body }: Input<typeof r.updateSession>) {
    return this.sessions.update(caller, params.id, body);
  }

  @Api(r.deleteSession)
  delete(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.deleteSession>) {
    return this.sessions.delete(caller, params.id);
  }

  @Api(r.listMembers)
  members(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.listMembers>) {
    return this.sessions.members(caller, params.id);
  }

  @Api(r.updateMember)
  updateMember(@CurrentCaller() caller: Caller, @ApiInput() { params, body }: Input<typeof r.updateMember>) {
    return this.sessions.updateMember(caller, params.id, params.userId, body);
  }

  @Api(r.removeMember)
  removeMember(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.removeMember>) {
    return this.sessions.removeMember(caller, params.id, params.userId);
  }

  @Api(r.listAudit)
  audit(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.listAudit>) {
    return this.sessions.audit(caller, params.id);
  }
}

@Controller()
export class InvitesController {
  constructor(
    @Inject(InvitesService) private readonly invites: InvitesService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Api(r.createInvite)
  create(@CurrentCaller() caller: Caller, @ApiInput() { params, body }: Input<typeof r.createInvite>) {
    return this.invites.create(caller, params.id, body);
  }

  @Api(r.listInvites)
  list(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.listInvites>) {
    return this.invites.list(caller, params.id);
  }

  @Api(r.revokeInvite)
  revoke(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.revokeInvite>) {
    return this.invites.revoke(caller, params.id, params.inviteId);
  }

  @Api(r.previewInvite)
  preview(@ApiInput() { params }: Input<typeof r.previewInvite>, @Req() req: RequestWithCaller) {
    return this.invites.preview(params.token, req.ip ?? 'unknown');
  }

  @Api(r.acceptInvite)
  async accept(
    @OptionalCaller() caller: Caller | undefined,
    @ApiInput() { params, body }: Input<typeof r.acceptInvite>,
    @Req() req: RequestWithCaller,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { result, newGuestId } = await this.invites.accept(caller, params.token, body, req.ip ?? 'unknown');
    if (newGuestId) setSessionCookie(res, this.config, await this.auth.startSession(newGuestId));
    return result;
  }
}
