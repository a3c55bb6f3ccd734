import type { AcceptInviteBody, CreateInviteBody, Invite } from '@mixroom/contract';
import { Inject, Injectable } from '@nestjs/common';
import { toUser } from '../accounts/auth.service.js';
import { hashToken, newToken } from '../accounts/credentials.js';
import { UsersRepository } from '../accounts/users.repository.js';
import type { Caller } from '../common/caller.js';
import { badRequest, gone, notFound } from '../common/errors.js';
import { RateLimitService } from '../common/rate-limit.service.js';
import { CONFIG } from '../common/tokens.js';
import type { Config } from '../config/config.js';
import { SessionEvents } from '../events/session-events.js';
import { SessionAccess } from './session-access.service.js';
import { type InviteRow, SessionsRepository } from './sessions.repository.js';
import { toSession } from './sessions.service.js';

/** Invites expire after 7 days unless the engineer says otherwise. */
export const DEFAULT_INVITE_HOURS = 7 * 24;

export function inviteStatus(row: InviteRow, now = new Date()): Invite['status'] {
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt <= now) return 'expired';
  if (row.maxUses !== null && row.uses >= row.maxUses) return 'used_up';
  return 'active';
}

const toInvite = (row: InviteRow): Invite => ({
  id: row.id,
  sessionId: row.sessionId,
  role: row.role,
  email: row.email,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  maxUses: row.maxUses,
  uses: row.uses,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  status: inviteStatus(row),
});

const goneFor: Record<Exclude<Invite['status'], 'active'>, () => Error> = {
  expired: () => gone('This invite link has expired. Ask for a new one.', 'invite_expired'),
  revoked: () => gone('This invite link was revoked.', 'invite_revoked'),
  used_up: () => gone('This invite link has been used as often as allowed.', 'invite_used_up'),
};

@Injectable()
export class InvitesService {
  constructor(
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(RateLimitService) private readonly rateLimits: RateLimitService,
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(caller: Caller, sessionId: string, body: CreateInviteBody) {
    await this.access.require(sessionId, caller, 'manage');
    const token = newToken();
    const hours = body.expiresInHours ?? DEFAULT_INVITE_HOURS;
    const row = await this.sessions.createInvite({
      sessionId,
      tokenHash: hashToken(token),
      role: body.role,
      email: body.email ?? null,
      createdBy: caller.userId,
      expiresAt: new Date(Date.now() + hours * 3600 * 1000),
      maxUses: body.maxUses ?? null,
    });
    await this.sessions.audit(sessionId, caller.userId, 'invite.created', {
      inviteId: row.id,
      role: row.role,
      email: row.email,
      expiresAt: row.expiresAt.toISOString(),
      maxUses: row.maxUses,
    });
    return { invite: toInvite(row), token, url: `${this.config.publicUrl}/invite/${token}` };
  }

  async list(caller: Caller, sessionId: string) {
    await this.access.require(sessionId, caller, 'manage');
    return { invites: (await this.sessions.listInvites(sessionId)).map(toInvite) };
  }

  async revoke(caller: Caller, sessionId: string, inviteId: string): Promise<void> {
    await this.access.require(sessionId, caller, 'manage');
    const row = await this.sessions.revokeInvite(sessionId, inviteId);
    if (!row) throw notFound('No such invite.');
    await this.sessions.audit(sessionId, caller.userId, 'invite.revoked', { inviteId });
  }

  private async findUsable(token: string, ip: string) {
    await this.rateLimits.consume('invitePerIp', ip);
    const found = await this.sessions.findInviteByHash(hashToken(token));
    if (!found) throw notFound('This invite link is not valid.');
    const status = inviteStatus(found.invite);
    if (status !== 'active') throw goneFor[status]();
    return found;
  }

  async preview(token: string, ip: string) {
    const { invite, session, inviter } = await this.findUsable(token, ip);
    return {
      sessionTitle: session.title,
      role: invite.role,
      invitedBy: inviter.displayName,
      expiresAt: invite.expiresAt.toISOString(),
    };
  }

  /** Joins the caller, or a new guest made from `displayName`, to the invite's session. */
  async accept(caller: Caller | undefined, token: string, body: AcceptInviteBody, ip: string) {
    const { invite, session } = await this.findUsable(token, ip);
    if (caller) {
      const existing = await this.sessions.findMembership(session.id, caller.userId);
      const user = toUser((await this.users.findById(caller.userId))!);
      // Already a member: nothing changes and the invite is not used up.
      if (existing) return { result: { session: toSession(session), user, role: existing.role } };
      const redeemed = await this.sessions.redeemInvite(invite.id, caller.userId, invite.role);
      if (!redeemed.ok) throw goneFor.used_up();
      this.events.publish(
        session.id,
        'member.joined',
        { userId: caller.userId, role: invite.role },
        caller.userId,
      );
      return { result: { session: toSession(session), user, role: invite.role } };
    }
    if (!body.displayName) {
      throw badRequest('Enter a display name to join as a guest, or sign in first.', [
        { field: 'body.displayName', message: 'required when not signed in', code: 'invalid_type' },
      ]);
    }
    const guest = await this.users.create({ displayName: body.displayName, isGuest: true });
    const redeemed = await this.sessions.redeemInvite(invite.id, guest.id, invite.role);
    if (!redeemed.ok) {
      await this.users.delete(guest.id);
      throw goneFor.used_up();
    }
    this.events.publish(session.id, 'member.joined', { userId: guest.id, role: invite.role }, guest.id);
    return {
      result: { session: toSession(session), user: toUser(guest), role: invite.role },
      newGuestId: guest.id,
    };
  }
}
