import { type ActivityType, activity, type Database, members, sessions, users } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { DATABASE } from '../common/tokens.js';

export type ActivityRow = typeof activity.$inferSelect;
export type NewActivityRow = typeof activity.$inferInsert & { type: ActivityType };

const actor = alias(users, 'actor');

/** The per-user activity feed: the only place that touches the `activity` table. */
@Injectable()
export class ActivityRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insert(rows: NewActivityRow[]): Promise<ActivityRow[]> {
    if (rows.length === 0) return [];
    return this.db.insert(activity).values(rows).returning();
  }

  /** Which of `userIds` are members of the session now. */
  async membersAmong(sessionId: string, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db
      .select({ userId: members.userId })
      .from(members)
      .where(and(eq(members.sessionId, sessionId), inArray(members.userId, userIds)));
    return new Set(rows.map((r) => r.userId));
  }

  async allMembers(sessionId: string): Promise<string[]> {
    const rows = await this.db
      .select({ userId: members.userId })
      .from(members)
      .where(eq(members.sessionId, sessionId));
    return rows.map((r) => r.userId);
  }

  async emailsOf(userIds: string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.id, userIds));
    return new Map(rows.filter((r) => r.email).map((r) => [r.id, r.email!]));
  }

  async sessionTitle(sessionId: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ title: sessions.title })
      .from(sessions)
      .where(eq(sessions.id, sessionId));
    return row?.title;
  }

  async displayNameOf(userId: string): Promise<string | undefined> {
    const [row] = await this.db.select({ name: users.displayName }).from(users).where(eq(users.id, userId));
    return row?.name;
  }

  async markEmailed(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.update(activity).set({ emailedAt: new Date() }).where(inArray(activity.id, ids));
  }

  /**
   * A user's feed, newest first, only for sessions they still belong to (leaving a session hides its
   * activity).
   */
  async list(userId: string, options: { unreadOnly: boolean; limit: number; before?: number }) {
    return this.db
      .select({ item: activity, sessionTitle: sessions.title, actorName: actor.displayName })
      .from(activity)
      .innerJoin(members, and(eq(members.sessionId, activity.sessionId), eq(members.userId, activity.userId)))
      .innerJoin(sessions, eq(sessions.id, activity.sessionId))
      .leftJoin(actor, eq(actor.id, activity.actorId))
      .where(
        and(
          eq(activity.userId, userId),
          options.unreadOnly ? isNull(activity.readAt) : undefined,
          options.before ? lt(activity.id, options.before) : undefined,
        ),
      )
      .orderBy(desc(activity.id))
      .limit(options.limit);
  }

  async unreadCount(userId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(activity)
      .innerJoin(members, and(eq(members.sessionId, activity.sessionId), eq(members.userId, activity.userId)))
      .where(and(eq(activity.userId, userId), isNull(activity.readAt)));
    return row?.n ?? 0;
  }

  /** Marks the user's own items (ids of others' items are ignored). */
  async markRead(userId: string, ids: number[] | 'all'): Promise<void> {
    await this.db
      .update(activity)
      .set({ readAt: new Date() })
      .where(
        and(
          eq(activity.userId, userId),
          isNull(activity.readAt),
          ids === 'all' ? undefined : inArray(activity.id, ids),
        ),
      );
  }
}
