import { accessTokens, authSessions, type Database, users } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { DATABASE } from '../common/tokens.js';

export type UserRow = typeof users.$inferSelect;

@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async create(values: typeof users.$inferInsert): Promise<UserRow> {
    const [row] = await this.db.insert(users).values(values).returning();
    return row!;
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row;
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.email, email));
    return row;
  }

  async update(id: string, values: Partial<typeof users.$inferInsert>): Promise<UserRow> {
    const [row] = await this.db.update(users).set(values).where(eq(users.id, id)).returning();
    return row!;
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(users).where(eq(users.id, id));
  }

  async createAuthSession(userId: string, tokenHash: string, expiresAt: Date) {
    const [row] = await this.db.insert(authSessions).values({ userId, tokenHash, expiresAt }).returning();
    return row!;
  }

  /** The user behind a live cookie session. */
  async findByAuthSession(tokenHash: string) {
    const [row] = await this.db
      .select({ user: users, sessionId: authSessions.id })
      .from(authSessions)
      .innerJoin(users, eq(users.id, authSessions.userId))
      .where(and(eq(authSessions.tokenHash, tokenHash), gt(authSessions.expiresAt, new Date())));
    return row;
  }

  async deleteAuthSession(tokenHash: string) {
    await this.db.delete(authSessions).where(eq(authSessions.tokenHash, tokenHash));
  }

  async createAccessToken(userId: string, name: string, tokenHash: string) {
    const [row] = await this.db.insert(accessTokens).values({ userId, name, tokenHash }).returning();
    return row!;
  }

  async findByAccessToken(tokenHash: string) {
    const [row] = await this.db
      .select({ user: users, tokenId: accessTokens.id })
      .from(accessTokens)
      .innerJoin(users, eq(users.id, accessTokens.userId))
      .where(and(eq(accessTokens.tokenHash, tokenHash), isNull(accessTokens.revokedAt)));
    return row;
  }

  async touchAccessToken(id: string) {
    await this.db.update(accessTokens).set({ lastUsedAt: new Date() }).where(eq(accessTokens.id, id));
  }

  async listAccessTokens(userId: string) {
    return this.db
      .select()
      .from(accessTokens)
      .where(and(eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)))
      .orderBy(desc(accessTokens.createdAt));
  }

  async revokeAccessToken(userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .update(accessTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(accessTokens.id, id), eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)))
      .returning({ id: accessTokens.id });
    return rows.length > 0;
  }
}
