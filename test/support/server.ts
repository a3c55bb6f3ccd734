import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountRoutes, sessionRoutes } from '@mixroom/contract';
import { MixroomClient } from '@mixroom/client';
import { type DatabaseHandle, openTestDatabase } from '@mixroom/db';
import { type Config, createServer, loadConfig, type MixroomServer } from '@mixroom/server';
import pino from 'pino';

export interface TestServer {
  url: string;
  server: MixroomServer;
  database: DatabaseHandle;
  dataDir: string;
  config: Config;
  /** A client with no credentials. */
  anonymous(): MixroomClient;
  close(): Promise<void>;
}

/**
 * A real server on 127.0.0.1:0 with a fresh database (PostgreSQL when TEST_DATABASE_URL is set, else
 * in-memory PGlite) and a temporary DATA_DIR. Call close() in afterAll.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mixroom-test-'));
  const database = await openTestDatabase();
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    // Each test server gets its own Redis namespace unless a test shares one between instances on purpose.
    // Every test client comes from 127.0.0.1; per-IP limits get their own dedicated test.
    LOGIN_ATTEMPTS_PER_IP: '100000',
    INVITE_ATTEMPTS_PER_IP: '100000',
    REDIS_PREFIX: `mixroom-test-${randomBytes(4).toString('hex')}:`,
    ...(process.env.TEST_REDIS_URL && !('REDIS_URL' in env) ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...env,
  });
  const server = await createServer({
    config,
    database,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    server,
    database,
    dataDir,
    config,
    anonymous: () => new MixroomClient({ baseUrl: url }),
    async close() {
      await server.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** Signs up a fresh user and returns a client holding their session cookie. */
export async function signUp(url: string, displayName = 'User'): Promise<MixroomClient & { userId: string }> {
  const client = new MixroomClient({ baseUrl: url });
  counter += 1;
  const email = `${displayName.toLowerCase().replace(/\W+/g, '')}.${process.pid}.${counter}.${Date.now()}@example.com`;
  const { user } = await client.call(accountRoutes.signup, {
    body: { email, password: 'a long enough password', displayName },
  });
  return Object.assign(client, { userId: user.id });
}

export interface SessionCast {
  sessionId: string;
  engineer: MixroomClient & { userId: string };
  artist: MixroomClient & { userId: string };
  viewer: MixroomClient & { userId: string };
  /** Signed in, but not a member. */
  stranger: MixroomClient & { userId: string };
}

/** A session with one member of each role (joined through invites) and a stranger. */
export async function createSessionCast(url: string, title = 'Song'): Promise<SessionCast> {
  const engineer = await signUp(url, 'Engineer');
  const { session } = await engineer.call(sessionRoutes.createSession, { body: { title } });
  const join = async (role: 'artist' | 'viewer') => {
    const member = await signUp(url, role);
    const { token } = await engineer.call(sessionRoutes.createInvite, {
      params: { id: session.id },
      body: { role },
    });
    await member.call(sessionRoutes.acceptInvite, { params: { token }, body: {} });
    return member;
  };
  return {
    sessionId: session.id,
    engineer,
    artist: await join('artist'),
    viewer: await join('viewer'),
    stranger: await signUp(url, 'Stranger'),
  };
}
