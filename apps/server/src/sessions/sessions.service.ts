import type {
  CreateSessionBody,
  Member,
  Session,
  UpdateMemberBody,
  UpdateSessionBody,
} from '@mixroom/contract';
import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { conflict, notFound } from '../common/errors.js';
import { SessionEvents } from '../events/session-events.js';
import { SessionAccess } from './session-access.service.js';
import { type SessionRow, SessionsRepository } from './sessions.repository.js';

export const toSession = (row: SessionRow): Session => ({
  id: row.id,
  title: row.title,
  artistName: row.artistName,
  createdBy: row.createdBy,
  roundsAgreed: row.roundsAgreed,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

type MemberJoin = Awaited<ReturnType<SessionsRepository['listMembers']>>[number];
const toMember = ({ member, user }: MemberJoin): Member => ({
  userId: member.userId,
  displayName: user.displayName,
  email: user.email,
  isGuest: user.isGuest,
  role: member.role,
  requiredApprover: member.requiredApprover,
  joinedAt: member.joinedAt.toISOString(),
});

@Injectable()
export class SessionsService {
  constructor(
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(SessionEvents) private readonly events: SessionEvents,
  ) {}

  async create(caller: Caller, body: CreateSessionBody) {
    const row = await this.sessions.createWithEngineer({ ...body, createdBy: caller.userId });
    return { session: toSession(row) };
  }

  async list(caller: Caller) {
    const rows = await this.sessions.listForUser(caller.userId);
    return { sessions: rows.map(({ session, role }) => ({ ...toSession(session), role })) };
  }

  async get(caller: Caller, id: string) {
    const { session, role } = await this.access.require(id, caller, 'read');
    return { session: { ...toSession(session), roundsUsed: await this.sessions.countRevisions(id) }, role };
  }

  async update(caller: Caller, id: string, body: UpdateSessionBody) {
    await this.access.require(id, caller, 'manage');
    const row = await this.sessions.update(id, body);
    this.events.publish(id, 'session.updated', { session: toSession(row) }, caller.userId);
    return { session: toSession(row) };
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.access.require(id, caller, 'manage');
    // Delete first: a socket reconnecting on the event must find no session (and so not reload its document).
    await this.sessions.delete(id);
    this.events.publish(id, 'session.deleted', { sessionId: id }, caller.userId);
  }

  async members(caller: Caller, id: string) {
    await this.access.require(id, caller, 'read');
    return { members: (await this.sessions.listMembers(id)).map(toMember) };
  }

  async updateMember(caller: Caller, id: string, userId: string, body: UpdateMemberBody) {
    await this.access.require(id, caller, 'manage');
    const target = await this.sessions.findMembership(id, userId);
    if (!target) throw notFound('No such member.');
    if (body.role && body.role !== 'engineer' && target.role === 'engineer') {
      if ((await this.sessions.countEngineers(id)) <= 1) {
        throw conflict('A session needs at least one engineer.', 'last_engineer');
      }
    }
    await this.sessions.updateMember(id, userId, body);
    await this.sessions.audit(id, caller.userId, 'member.updated', { userId, from: target.role, ...body });
    const member = (await this.sessions.listMembers(id)).find((m) => m.member.userId === userId)!;
    this.events.publish(id, 'member.updated', { member: toMember(member) }, caller.userId);
    return { member: toMember(member) };
  }

  /** Engineers remove anyone; everyone may remove themselves. */
  async removeMember(caller: Caller, id: string, userId: string): Promise<void> {
    await this.access.require(id, caller, caller.userId === userId ? 'read' : 'manage');
    const target = await this.sessions.findMembership(id, userId);
    if (!target) throw notFound('No such member.');
    if (target.role === 'engineer' && (await this.sessions.countEngineers(id)) <= 1) {
      throw conflict('A session needs at least one engineer.', 'last_engineer');
    }
    await this.sessions.removeMember(id, userId);
    await this.sessions.audit(id, caller.userId, 'member.removed', { userId, role: target.role });
    this.events.publish(id, 'member.removed', { userId }, caller.userId);
  }

  async audit(caller: Caller, id: string) {
    await this.access.require(id, caller, 'manage');
    const rows = await this.sessions.listAudit(id);
    return {
      events: rows.map((e) => ({
        id: e.id,
        actorId: e.actorId,
        action: e.action,
        details: e.details,
        createdAt: e.createdAt.toISOString(),
      })),
    };
  }
}
