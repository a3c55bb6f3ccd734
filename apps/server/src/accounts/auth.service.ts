import type { CreateTokenBody, LoginBody, SignupBody, UpdateMeBody, User } from '@mixroom/contract';
import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { conflict, notFound, unauthorized } from '../common/errors.js';
import { RateLimitService } from '../common/rate-limit.service.js';
import {
  dummyPasswordHash,
  hashPassword,
  hashToken,
  newToken,
  PERSONAL_TOKEN_PREFIX,
  verifyPassword,
} from './credentials.js';
import { type UserRow, UsersRepository } from './users.repository.js';

/** Cookie sessions last 30 days. */
export const AUTH_SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  displayName: row.displayName,
  isGuest: row.isGuest,
  createdAt: row.createdAt.toISOString(),
});

const isUniqueViolation = (error: unknown) =>
  (error as { code?: string })?.code === '23505' ||
  (error as { cause?: { code?: string } })?.cause?.code === '23505';

@Injectable()
export class AuthService {
  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(RateLimitService) private readonly rateLimits: RateLimitService,
  ) {}

  async signup(body: SignupBody): Promise<{ user: User; sessionToken: string }> {
    if (await this.users.findByEmail(body.email))
      throw conflict('An account with this email exists.', 'email_taken');
    const passwordHash = await hashPassword(body.password);
    let row: UserRow;
    try {
      row = await this.users.create({ email: body.email, displayName: body.displayName, passwordHash });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('An account with this email exists.', 'email_taken');
      throw error;
    }
    return { user: toUser(row), sessionToken: await this.startSession(row.id) };
  }

  async login(body: LoginBody, ip: string): Promise<{ user: User; sessionToken: string }> {
    const failureKey = `${ip}|${body.email}`;
    await this.rateLimits.consume('loginPerIp', ip);
    await this.rateLimits.check('loginFailures', failureKey);
    const row = await this.users.findByEmail(body.email);
    const ok = await verifyPassword(row?.passwordHash ?? (await dummyPasswordHash()), body.password);
    if (!row?.passwordHash || !ok) {
      await this.rateLimits.consume('loginFailures', failureKey);
      throw unauthorized('Email or password is wrong.');
    }
    await this.rateLimits.reset('loginFailures', failureKey);
    return { user: toUser(row), sessionToken: await this.startSession(row.id) };
  }

  async startSession(userId: string): Promise<string> {
    const token = newToken();
    await this.users.createAuthSession(userId, hashToken(token), new Date(Date.now() + AUTH_SESSION_TTL_MS));
    return token;
  }

  async logout(sessionToken: string | undefined): Promise<void> {
    if (sessionToken) await this.users.deleteAuthSession(hashToken(sessionToken));
  }

  /** Resolves a cookie session token or a personal access token to a caller. */
  async authenticate(credential: { cookie?: string; bearer?: string }): Promise<Caller | undefined> {
    if (credential.bearer) {
      const found = await this.users.findByAccessToken(hashToken(credential.bearer));
      if (!found) return undefined;
      void this.users.touchAccessToken(found.tokenId).catch(() => {});
      return {
        userId: found.user.id,
        displayName: found.user.displayName,
        isGuest: found.user.isGuest,
        via: 'token',
        credentialId: found.tokenId,
      };
    }
    if (credential.cookie) {
      const found = await this.users.findByAuthSession(hashToken(credential.cookie));
      if (!found) return undefined;
      return {
        userId: found.user.id,
        displayName: found.user.displayName,
        isGuest: found.user.isGuest,
        via: 'cookie',
        credentialId: found.sessionId,
      };
    }
    return undefined;
  }

  async me(caller: Caller): Promise<User> {
    const row = await this.users.findById(caller.userId);
    if (!row) throw unauthorized();
    return toUser(row);
  }

  /** A guest becomes a full account by setting email and password. */
  async updateMe(caller: Caller, body: UpdateMeBody): Promise<User> {
    const current = await this.users.findById(caller.userId);
    if (!current) throw unauthorized();
    const changes: Partial<UserRow> = {};
    if (body.displayName) changes.displayName = body.displayName;
    if (body.email && body.email !== current.email) {
      const other = await this.users.findByEmail(body.email);
      if (other) throw conflict('An account with this email exists.', 'email_taken');
      changes.email = body.email;
    }
    if (body.password) changes.passwordHash = await hashPassword(body.password);
    const email = changes.email ?? current.email;
    const hasPassword = Boolean(changes.passwordHash ?? current.passwordHash);
    changes.isGuest = !(email && hasPassword);
    try {
      return toUser(await this.users.update(caller.userId, changes));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('An account with this email exists.', 'email_taken');
      throw error;
    }
  }

  async createToken(caller: Caller, body: CreateTokenBody) {
    const token = newToken(PERSONAL_TOKEN_PREFIX);
    const row = await this.users.createAccessToken(caller.userId, body.name, hashToken(token));
    return { token, accessToken: toAccessToken(row) };
  }

  async listTokens(caller: Caller) {
    return { tokens: (await this.users.listAccessTokens(caller.userId)).map(toAccessToken) };
  }

  async revokeToken(caller: Caller, id: string): Promise<void> {
    if (!(await this.users.revokeAccessToken(caller.userId, id))) throw notFound('No such token.');
  }
}

const toAccessToken = (row: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }) => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});
