// Session event latency: from the moment the server publishes an event (its `at` stamp) to the moment a
// member's server-sent event stream delivers it, on loopback. Target: within 100 ms.
//   TSX_TSCONFIG_PATH=apps/server/tsconfig.json node --conditions=source --import tsx bench/events/run.ts \
//     [--notes N] [--streams S] [--redis URL] [--pg URL]
// A real server (child process, port 0) with PGlite on disk (or --pg), optionally Redis fan-out (--redis);
// S streams of members of one session; N notes posted one after another. Prints percentiles in ms.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MixroomClient } from '@mixroom/client';
import { noteRoutes, sessionRoutes } from '@mixroom/contract';
import postgres from 'postgres';
import { SseReader } from '../../test/events-support.js';
import { deliverRevision } from '../../test/notes-support.js';
import { createSessionCast, signUp } from '../../test/support/server.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const NOTES = Number(opt('notes', '200'));
const STREAMS = Number(opt('streams', '20'));
const REDIS = opt('redis', '');
const PG = opt('pg', '');
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// With --pg, a fresh database on that server for this run (dropped at the end), never the one named.
let databaseUrl = '';
let dropDatabase = async () => {};
if (PG) {
  const name = `mixroom_bench_${randomBytes(6).toString('hex')}`;
  const admin = postgres(PG, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(PG);
  u.pathname = `/${name}`;
  databaseUrl = u.toString();
  dropDatabase = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  };
}

// The server runs in its own process, so the readers here do not share its event loop.
const dataDir = mkdtempSync(join(tmpdir(), 'mixroom-bench-events-'));
const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
  cwd: join(ROOT, 'apps/server'),
  env: {
    ...process.env,
    // The server reads its own tsconfig (experimental decorators) from its working directory.
    TSX_TSCONFIG_PATH: undefined,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REDIS_PREFIX: `mixroom-bench-${randomBytes(4).toString('hex')}:`,
    ...(REDIS ? { REDIS_URL: REDIS } : {}),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolveUrl, reject) => {
  child.once('error', reject);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const m = out.match(/Mixroom is running at (http:\/\/\S+)/);
    if (m) resolveUrl(m[1]!);
  });
  child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
}).catch(async (error: unknown) => {
  await dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
  throw error;
});
const storage = PG ? 'postgres' : 'pglite (on disk)';

try {
  const cast = await createSessionCast(url, 'Bench');
  const revision = await deliverRevision(cast.engineer, cast.sessionId, { durationS: 60 });
  // Extra members so that S streams belong to S different users (engineer, artist, viewer + guests).
  const members: MixroomClient[] = [cast.engineer, cast.artist, cast.viewer];
  while (members.length < STREAMS) {
    const m = await signUp(url, `Listener ${members.length}`);
    const { token } = await cast.engineer.call(sessionRoutes.createInvite, {
      params: { id: cast.sessionId },
      body: { role: 'viewer' },
    });
    await m.call(sessionRoutes.acceptInvite, { params: { token }, body: {} });
    members.push(m);
  }
  const path = MixroomClient.path(noteRoutes.sessionEvents, { id: cast.sessionId });
  const readers = await Promise.all(members.slice(0, STREAMS).map((m) => SseReader.open(m, path)));

  const publishToDelivery: number[] = [];
  const requestToDelivery: number[] = [];
  const arrival = new Map<string, number[]>();
  // Record arrival times as frames come in (the reader keeps frames; we stamp them on a fast poll).
  for (const r of readers) {
    const push = r.frames.push.bind(r.frames);
    r.frames.push = (...frames) => {
      const now = performance.timeOrigin + performance.now();
      for (const f of frames) {
        const id = (f.data.data?.note as { id?: string } | undefined)?.id;
        if (f.event === 'note.created' && id) {
          const list = arrival.get(id) ?? [];
          list.push(now);
          arrival.set(id, list);
          publishToDelivery.push(now - Date.parse(String(f.data.at)));
        }
      }
      return push(...frames);
    };
  }
  for (let i = 0; i < NOTES; i++) {
    const started = performance.timeOrigin + performance.now();
    const { note } = await cast.artist.call(noteRoutes.createNote, {
      params: { id: revision.id },
      body: { atS: (i % 600) / 10, body: `note ${i}` },
    });
    await Promise.all(
      readers.map((r) =>
        r.next(
          (f) =>
            f.event === 'note.created' && (f.data.data?.note as { id?: string } | undefined)?.id === note.id,
          {
            timeoutMs: 10_000,
          },
        ),
      ),
    );
    for (const t of arrival.get(note.id) ?? []) requestToDelivery.push(t - started);
  }
  for (const r of readers) r.close();

  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  };
  const row = (name: string, xs: number[]) =>
    `| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 95).toFixed(1)} | ${pct(xs, 99).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`;
  console.log(
    `machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, Node ${process.versions.node}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
  console.log(
    `storage: ${storage}; fan-out: ${REDIS ? 'Redis' : 'in-process'}; streams: ${STREAMS}; notes: ${NOTES}`,
  );
  console.log('| measure (ms) | samples | p50 | p95 | p99 | max |');
  console.log('|---|---|---|---|---|---|');
  console.log(row('publish -> delivered on a stream', publishToDelivery));
  console.log(row('POST /notes sent -> delivered on a stream', requestToDelivery));
} finally {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  await dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
}
