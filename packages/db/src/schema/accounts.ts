import { boolean, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns.js';

export const users = pgTable('users', {
  id: id(),
  /** Lower-cased and trimmed; null for a guest who joined with a display name only. */
  email: text('email').unique(),
  displayName: text('display_name').notNull(),
  /** argon2id encoded hash; null until a guest sets a password. */
  passwordHash: text('password_hash'),
  isGuest: boolean('is_guest').notNull().default(false),
  createdAt: createdAt(),
});

/** Browser sign-in sessions (cookie `mixroom_session`). Only the SHA-256 of the token is stored. */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
);

/** Personal access tokens (`Authorization: Bearer`). Only the SHA-256 of the token is stored. */
export const accessTokens = pgTable(
  'access_tokens',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('access_tokens_user_idx').on(t.userId)],
);
