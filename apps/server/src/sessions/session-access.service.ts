import type { Role } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { forbidden, notFound } from '../common/errors.js';
import { type MemberRow, type SessionRow, SessionsRepository } from './sessions.repository.js';

export interface Membership {
  session: SessionRow;
  member: MemberRow;
  role: Role;
}

/** Who may do what in a session. Every session-scoped service asks here first. */
export const PERMISSIONS = {
  /** Manage the session, members, invites, revisions. */
  manage: ['engineer'],
  /** Edit the mix document, sign the brief, decide on revisions. */
  edit: ['engineer', 'artist'],
  decide: ['engineer', 'artist'],
  /** Listen, read, comment. */
  read: ['engineer', 'artist', 'viewer'],
  comment: ['engineer', 'artist', 'viewer'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

@Injectable()
export class SessionAccess {
  constructor(@Inject(SessionsRepository) private readonly sessions: SessionsRepository) {}

  /**
   * The caller's membership. Unknown session and "not a member" both answer 404 so outsiders cannot learn
   * that a session exists; a member without the permission gets 403. Checked against the database on every
   * request, so a removal takes effect on the next one.
   */
  async require(sessionId: string, caller: Caller, permission: Permission = 'read'): Promise<Membership> {
    const member = await this.sessions.findMembership(sessionId, caller.userId);
    if (!member) throw notFound('Session not found.');
    const session = await this.sessions.findById(sessionId);
    if (!session) throw notFound('Session not found.');
    if (!(PERMISSIONS[permission] as readonly Role[]).includes(member.role)) {
      throw forbidden(
        `${member.role === 'artist' ? 'An' : 'A'} ${member.role} cannot ${describe[permission]} in this session.`,
      );
    }
    return { session, member, role: member.role };
  }

  /** Role of a user in a session, or undefined (for sockets and streams). */
  async roleOf(sessionId: string, userId: string): Promise<Role | undefined> {
    return (await this.sessions.findMembership(sessionId, userId))?.role;
  }
}

const describe: Record<Permission, string> = {
  manage: 'manage members, invites or revisions',
  edit: 'edit the mix',
  decide: 'approve or request changes',
  read: 'read',
  comment: 'comment',
};
