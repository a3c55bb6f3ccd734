import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { accountRoutes, sessionRoutes } from '@mixroom/contract';
import { MixroomClient } from '@mixroom/client';
import { blobs } from '@mixroom/db';
import { createServer, loadConfig, type MixroomServer } from '@mixroom/server';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../apps/server/src/media/blobs/blob-store.js';
import { signUp } from './support/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `npm run backup|restore -- ...` the way a person would (tsx script from the repository root). */
function runScript(
  script: 'backup' | 'restore',
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * Every row of every table as PostgreSQL's own JSON text (bytea as hex, timestamps to the microsecond),
 * sorted, so two snapshots are equal exactly when the data is.
 */
async function snapshotDatabase(query: Query): Promise<Record<string, string[]>> {
  const tables = await query(
    `select table_schema as s, table_name as t from information_schema.tables
     where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
     order by 1, 2`,
  );
  const out: Record<string, string[]> = {};
  for (const { s, t } of tables as { s: string; t: string }[]) {
    const rows = await query(`select to_jsonb(x)::text as j from "${s}"."${t}" x`);
    out[`${s}.${t}`] = rows.map((r) => r.j as string).sort();
  }
  return out;
}

async function snapshotBlobs(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  await walk(dir);
  return out;
}

interface Backend {
  kind: 'pglite' | 'postgres';
  /** Environment of the server and of the scripts. */
  env(dataDir: string): Record<string, string>;
  snapshot(dataDir: string): Promise<Record<string, string[]>>;
  /** Loses every row (the disaster the backup is for). */
  wipe(dataDir: string): Promise<void>;
  /** Creates the database the server starts on, when it is not the data directory itself. */
  init?(): Promise<void>;
  cleanup(): Promise<void>;
}

const pglite: Backend = {
  kind: 'pglite',
  env: (dataDir) => ({ DATA_DIR: dataDir }),
  async snapshot(dataDir) {
    const pg = await PGlite.create(join(dataDir, 'db'));
    try {
      return await snapshotDatabase(async (q) => (await pg.query<Record<string, unknown>>(q)).rows);
    } finally {
      await pg.close();
    }
  },
  async wipe(dataDir) {
    await rm(join(dataDir, 'db'), { recursive: true, force: true });
  },
  async cleanup() {},
};

function postgresBackend(serverUrl: string): Backend {
  const name = `mixroom_backup_${randomBytes(5).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let created = false;
  const withDb = async <T>(fn: (sql: postgres.Sql) => Promise<T>) => {
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      return await fn(sql);
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
  return {
    kind: 'postgres',
    env: (dataDir) => ({ DATA_DIR: dataDir, DATABASE_URL: url.toString() }),
    async snapshot() {
      return withDb((sql) => snapshotDatabase(async (q) => [...(await sql.unsafe(q))]));
    },
    async wipe() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name}`);
    },
    async init() {
      await admin.unsafe(`create database ${name}`);
      created = true;
    },
    async cleanup() {
      if (created) await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

// PostgreSQL only when the run names a server to create test databases on (CI does).
const backends: (() => Backend)[] = [() => pglite];
if (process.env.TEST_DATABASE_URL)
  backends.push(() => postgresBackend(process.env.TEST_DATABASE_URL as string));

for (const makeBackend of backends) {
  const backend = makeBackend();
  describe(`backup and restore (${backend.kind})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixroom-backup-'));
    const dataDir = join(dir, 'data');
    const archive = join(dir, 'mixroom.tar');
    let server: MixroomServer | undefined;
    let email = '';
    const audio = randomBytes(300_000);
    const audioSha = createHash('sha256').update(audio).digest('hex');
    let before: { db: Record<string, string[]>; blobs: Record<string, string> };

    const start = async () => {
      const config = loadConfig({
        ...backend.env(dataDir),
        PORT: '0',
        LOG_LEVEL: 'silent',
        LOGIN_ATTEMPTS_PER_IP: '100000',
        ANALYSIS_WORKERS: '1',
      });
      server = await createServer({ config });
      return server.listen(0, '127.0.0.1');
    };
    const stop = async () => {
      await server?.close();
      server = undefined;
    };

    beforeAll(async () => {
      await backend.init?.();
      const url = await start();
      // Users, a session with an invited artist, an access token, and one stored audio blob.
      const engineer = await signUp(url, 'Engineer');
      const me = await engineer.call(accountRoutes.me, {});
      email = me.user.email as string;
      const { session } = await engineer.call(sessionRoutes.createSession, {
        body: { title: 'Night Drive', artistName: 'Ada' },
      });
      const { token } = await engineer.call(sessionRoutes.createInvite, {
        params: { id: session.id },
        body: { role: 'artist' },
      });
      await new MixroomClient({ baseUrl: url }).call(sessionRoutes.acceptInvite, {
        params: { token },
        body: { displayName: 'Ada' },
      });
      await engineer.call(accountRoutes.createToken, { body: { name: 'laptop' } });
      const source = join(dir, 'bounce.wav');
      writeFileSync(source, audio);
      await new FsBlobStore(join(dataDir, 'blobs')).putFile(source, audioSha);
      await (server as MixroomServer).database.db
        .insert(blobs)
        .values({ sha256: audioSha, size: audio.length });
    }, 120_000);

    afterAll(async () => {
      await stop();
      await backend.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    if (backend.kind === 'pglite') {
      it('refuses to copy the embedded database while a server has it open', async () => {
        const res = await runScript('backup', ['--out', archive], backend.env(dataDir));
        expect(res.code).toBe(1);
        expect(res.stderr).toMatch(/A Mixroom server \(process \d+\) is using the embedded database/);
      });
    }

    it('backs up the database and the audio blobs into one archive', async () => {
      await stop();
      before = { db: await backend.snapshot(dataDir), blobs: await snapshotBlobs(join(dataDir, 'blobs')) };
      expect(before.db['public.users']?.length).toBe(2);
      expect(before.db['public.sessions']?.length).toBe(1);
      expect(before.db['public.members']?.length).toBe(2);
      expect(Object.values(before.blobs)).toEqual([audioSha]);

      const res = await runScript('backup', ['--out', archive], backend.env(dataDir));
      expect(res.stderr).toContain('Backup written to');
      expect(res.code).toBe(0);
      // An existing archive is not overwritten by accident.
      const again = await runScript('backup', ['--out', archive], backend.env(dataDir));
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');
    });

    it('restores everything byte-identical after the data is lost', async () => {
      await backend.wipe(dataDir);
      await rm(join(dataDir, 'blobs'), { recursive: true, force: true });
      const res = await runScript('restore', [archive], backend.env(dataDir));
      expect(res.stderr).toContain('Restore complete.');
      expect(res.code).toBe(0);
      expect(await backend.snapshot(dataDir)).toEqual(before.db);
      expect(await snapshotBlobs(join(dataDir, 'blobs'))).toEqual(before.blobs);
    });

    it('refuses to overwrite a non-empty database and blob store without --force', async () => {
      const res = await runScript('restore', [archive], backend.env(dataDir));
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/Refusing to overwrite .*database.* and the blob directory .* --force/s);
      const forced = await runScript('restore', [archive, '--force'], backend.env(dataDir));
      expect(forced.stderr).toContain('Restore complete.');
      expect(forced.code).toBe(0);
      expect(await backend.snapshot(dataDir)).toEqual(before.db);
      expect(await snapshotBlobs(join(dataDir, 'blobs'))).toEqual(before.blobs);
    });

    it('the restored installation works: the engineer signs in again', async () => {
      const url = await start();
      const client = new MixroomClient({ baseUrl: url });
      const { user } = await client.call(accountRoutes.login, {
        body: { email, password: 'a long enough password' },
      });
      expect(user.email).toBe(email);
      const { sessions } = await client.call(sessionRoutes.listSessions, {});
      expect(sessions.map((s: { title: string }) => s.title)).toEqual(['Night Drive']);
      await stop();
    });

    it('refuses a damaged archive before changing anything', async () => {
      const damaged = join(dir, 'damaged.tar');
      const bytes = readFileSync(archive);
      // Flip a byte inside the audio file's data (tar stores it uncompressed, so it is findable).
      const at = bytes.indexOf(audio.subarray(1000, 1064));
      expect(at).toBeGreaterThan(0);
      bytes[at] = (bytes[at] as number) ^ 0xff;
      writeFileSync(damaged, bytes);
      const res = await runScript('restore', [damaged, '--force'], backend.env(dataDir));
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/damaged: blobs\/.* does not match its hash/);
      expect(await snapshotBlobs(join(dataDir, 'blobs'))).toEqual(before.blobs);
    });
  });
}

describe('backup tools', () => {
  it('names the package to install when pg_dump is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixroom-backup-'));
    try {
      const res = await runScript('backup', ['--out', join(dir, 'x.tar')], {
        DATA_DIR: dir,
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/none',
        PATH: '/nonexistent',
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(
        'pg_dump is not installed. On Debian or Ubuntu: sudo apt-get install -y postgresql-client',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains what it needs', async () => {
    const res = await runScript('backup', [], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('usage: npm run backup -- --out FILE');
  });
});
