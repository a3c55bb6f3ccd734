import {
  auditEvents,
  type Database,
  invites,
  members,
  revisions,
  type Role,
  sessions,
  users,
} from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { DATABASE } from '../common/tokens.js';

export type SessionRow = typeof sessions.$inferSelect;
export type InviteRow = typeof invites.$inferSelect;
export type MemberRow = typeof members.$inferSelect;

/** Sessions, members, invites and the audit trail: the only place that touches their tables. */
@Injectable()
export class SessionsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Creates the session with its engineer as first member, atomically. */
  async createWithEngineer(values: {
    title: string;
    artistName?: string;
    createdBy: string;
  }): Promise<SessionRow> {
    return this.db.transaction(async (tx) => {
      const [session] = await tx.insert(sessions).values(values).returning();
      await tx.insert(members).values({ sessionId: session!.id, userId: values.createdBy, role: 'engineer' });
      await tx.insert(auditEvents).values({
        sessionId: session!.id,
        actorId: values.createdBy,
        action: 'session.created',
        details: {},
      });
      return session!;
    });
  }

  async findById(id: string): Promise<SessionRow | undefined> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.id, id));
    return row;
  }

  async listForUser(userId: string) {
    return this.db
      .select({ session: sessions, role: members.role })
      .from(members)
      .innerJoin(sessions, eq(sessions.id, members.sessionId))
      .where(eq(members.userId, userId))
      .orderBy(desc(sessions.updatedAt));
  }

  async update(id: string, values: Partial<typeof sessions.$inferInsert>): Promise<SessionRow> {
    const [row] = await this.db
      .update(sessions)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(sessions.id, id))
      .returning();
    return row!;
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.id, id));
  }

  /** Revisions delivered so far: the rounds used of `roundsAgreed`. */
  async countRevisions(sessionId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(revisions)
      .where(eq(revisions.sessionId, sessionId));
    return row?.n ?? 0;
  }

  async findMembership(sessionId: string, userId: string): Promise<MemberRow | undefined> {
    const [row] = await this.db
      .select()
      .from(members)
      .where(and(eq(members.sessionId, sessionId), eq(members.userId, userId)));
    return row;
  }

  async listMembers(sessionId: string) {
    return this.db
      .select({ member: members, user: users })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(eq(members.sessionId, sessionId))
      .orderBy(asc(members.joinedAt));
  }

  async countEngineers(sessionId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(members)
      .where(and(eq(members.sessionId, sessionId), eq(members.role, 'engineer')));
    return row?.n ?? 0;
  }

  async updateMember(sessionId: string, userId: string, values: { role?: Role; requiredApprover?: boolean }) {
    const [row] = await this.db
      .update(members)
      .set(values)
      .where(and(eq(members.sessionId, sessionId), eq(members.userId, userId)))
      .returning();
    return row;
  }

  async removeMember(sessionId: string, userId: string): Promise<boolean> {
    const rows = await this.db
      .delete(members)
      .where(and(eq(members.sessionId, sessionId), eq(members.userId, userId)))
      .returning({ userId: members.userId });
    return rows.length > 0;
  }

  async audit(
    sessionId: string,
    actorId: string | null,
    action: string,
    details: Record<string, unknown> = {},
  ) {
    await this.db.insert(auditEvents).values({ sessionId, actorId, action, details });
  }

  async listAudit(sessionId: string) {
    return this.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.sessionId, sessionId))
      .orderBy(asc(auditEvents.id));
  }

  async createInvite(values: typeof invites.$inferInsert): Promise<InviteRow> {
    const [row] = await this.db.insert(invites).values(values).returning();
    return row!;
  }

  async listInvites(sessionId: string) {
    return this.db
      .select()
      .from(invites)
      .where(eq(invites.sessionId, sessionId))
      .orderBy(desc(invites.createdAt));
  }

  async findInviteByHash(tokenHash: string) {
    const [row] = await this.db
      .select({ invite: invites, session: sessions, inviter: users })
      .from(invites)
      .innerJoin(sessions, eq(sessions.id, invites.sessionId))
      .innerJoin(users, eq(users.id, invites.createdBy))
      .where(eq(invites.tokenHash, tokenHash));
    return row;
  }

  async revokeInvite(sessionId: string, inviteId: string): Promise<InviteRow | undefined> {
    const [row] = await this.db
      .update(invites)
      .set({ revokedAt: sql`coalesce(${invites.revokedAt}, now())` })
      .where(and(eq(invites.id, inviteId), eq(invites.sessionId, sessionId)))
      .returning();
    return row;
  }

  /**
   * Uses one of the invite's uses and adds the member in one transaction. The conditional UPDATE is
   * what enforces maxUses under concurrent acceptance: two racing requests cannot both take the last use.
   */
  async redeemInvite(
    inviteId: string,
    userId: string,
    role: Role,
  ): Promise<{ ok: true; member: MemberRow } | { ok: false }> {
    return this.db.transaction(async (tx) => {
      const used = await tx
        .update(invites)
        .set({ uses: sql`${invites.uses} + 1` })
        .where(
          and(
            eq(invites.id, inviteId),
            isNull(invites.revokedAt),
            gt(invites.expiresAt, new Date()),
            or(isNull(invites.maxUses), lt(invites.uses, invites.maxUses)),
          ),
        )
        .returning();
      const invite = used[0];
      if (!invite) return { ok: false as const };
      const [member] = await tx
        .insert(members)
        .values({ sessionId: invite.sessionId, userId, role, requiredApprover: role === 'artist' })
        .returning();
      await tx.insert(auditEvents).values({
        sessionId: invite.sessionId,
        actorId: userId,
        action: 'member.joined',
        details: { userId, role, inviteId },
      });
      return { ok: true as const, member: member! };
    });
  }
}
