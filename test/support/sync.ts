import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accountRoutes } from '@mixroom/contract';
import type { MixroomClient } from '@mixroom/client';
import { type DatabaseHandle, openTestDatabase } from '@mixroom/db';
import { type Config, createServer, loadConfig, type MixroomServer } from '@mixroom/server';
import pino from 'pino';
import type WebSocketType from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

// The repository root resolves `ws` to an old copy (a dependency of the baseline benchmark server);
// load the server's and client's version 8 explicitly.
const require = createRequire(fileURLToPath(new URL('../../packages/client/package.json', import.meta.url)));
export const WebSocket = require('ws') as typeof WebSocketType;

// Every WebsocketProvider adds a process 'exit' listener; tests open dozens.
process.setMaxListeners(100);

/** Polls `condition` every 10 ms until it is true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const wsBase = (httpUrl: string) => `${httpUrl.replace(/^http/, 'ws')}/sync`;

/** Credentials for a socket: the client's cookie, or a personal access token. */
export interface SyncCredentials {
  cookie?: string;
  token?: string;
}

export function credentialsOf(client: MixroomClient): SyncCredentials {
  return { cookie: client.sessionCookie };
}

/** Creates a personal access token for the client (for `?token=` sockets). */
export async function personalToken(client: MixroomClient): Promise<string> {
  const { token } = await client.call(accountRoutes.createToken, { body: { name: 'sync test' } });
  return token;
}

export interface ConnectOptions extends SyncCredentials {
  doc?: Y.Doc;
  /** Default true. */
  connect?: boolean;
}

/**
 * The stock y-websocket client (WebsocketProvider) on `/sync/:sessionId`, with `ws` as the WebSocket and
 * BroadcastChannel disabled (two providers in one process would otherwise sync without the server).
 */
export function connectProvider(baseUrl: string, sessionId: string, options: ConnectOptions = {}) {
  const doc = options.doc ?? new Y.Doc();
  const headers: Record<string, string> = options.cookie
    ? { cookie: `mixroom_session=${options.cookie}` }
    : {};
  class AuthedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const provider = new WebsocketProvider(wsBase(baseUrl), sessionId, doc, {
    WebSocketPolyfill: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    params: options.token ? { token: options.token } : {},
    maxBackoffTime: 300,
  });
  const closes: { code: number; reason: string }[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return Object.assign(provider, { closes });
}

export type TestProvider = ReturnType<typeof connectProvider>;

export function waitSynced(provider: WebsocketProvider, timeoutMs = 10_000): Promise<void> {
  return waitFor(() => provider.synced, 'the provider to sync', timeoutMs);
}

/** Opens a raw socket; resolves with the HTTP status of a refused upgrade, or 101 and the open socket. */
export function rawSocket(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; ws?: WebSocketType }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => resolve({ status: 101, body: '', ws }));
    ws.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

/** Every doc's full state, as comparable bytes: equal iff the documents hold the same content. */
export function stateOf(doc: Y.Doc): Buffer {
  // Re-encoding through a fresh doc normalises struct splitting, so equal content gives equal bytes.
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, Y.encodeStateAsUpdate(doc));
  const bytes = Buffer.from(Y.encodeStateAsUpdate(fresh));
  fresh.destroy();
  return bytes;
}

export interface InProcessServer {
  url: string;
  server: MixroomServer;
  config: Config;
  close(): Promise<void>;
}

/**
 * A server on a given database (so a test can stop it and start another on the same storage).
 * `env` extends the configuration.
 */
export async function startServerOn(
  database: DatabaseHandle,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<InProcessServer> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
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
  return { url, server, config, close: () => server.close() };
}

// Test data dirs live under one parent; ones left by an earlier, killed test process are removed after an hour.
const storageParent = join(tmpdir(), 'mixroom-sync-tests');
for (const name of existsSync(storageParent) ? readdirSync(storageParent) : []) {
  const path = join(storageParent, name);
  try {
    if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
  } catch {
    // Another test process is cleaning up too.
  }
}

/** A fresh test database and temp dir (PostgreSQL when TEST_DATABASE_URL is set, else in-memory PGlite). */
export async function freshStorage(): Promise<{
  database: DatabaseHandle & { url?: string };
  dataDir: string;
  dispose(): Promise<void>;
}> {
  const database = await openTestDatabase();
  mkdirSync(storageParent, { recursive: true });
  const dataDir = mkdtempSync(join(storageParent, 'data-'));
  return {
    database,
    dataDir,
    async dispose() {
      await database.close();
      // The upload store creates DATA_DIR/uploads from an unawaited callback and throws (uncaught) if the
      // directory vanished meanwhile; remove it when the test process exits instead.
      process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
    },
  };
}

const serverDir = fileURLToPath(new URL('../../apps/server', import.meta.url));

export interface ChildServer {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string | null>;
  kill(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/**
 * The real server as a child process (`src/main.ts` under tsx), for kill -9 and multi-instance tests.
 * Resolves once it printed its URL; rejects with its output if it exits first.
 */
const spawned = new Set<ChildProcess>();
// A test that times out must not leave servers behind.
process.once('exit', () => {
  for (const child of spawned) child.kill('SIGKILL');
});

/** SIGKILLs every child server this process started that is still running (also those still starting). */
export async function stopChildServers(): Promise<void> {
  await Promise.all(
    [...spawned].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

export function startChildServer(env: Record<string, string>, timeoutMs = 90_000): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(child);
  let output = '';
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => {
      spawned.delete(child);
      resolve(code ?? signal);
    });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Mixroom is running at (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!.replace('localhost', '127.0.0.1'),
          child,
          output: () => output,
          exited,
          kill(signal = 'SIGKILL') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it started:\n${output}`));
    });
  });
}
