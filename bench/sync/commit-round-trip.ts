// The update log's append exactly as the sync service issues it (SyncRepository.appendUpdates: one multi-row
// INSERT, one commit, on a freshly migrated database), timed against a `select 1` round trip on the same
// connection (the named baseline), and again with synchronous_commit off for the database (to tell the WAL
// flush apart from the statement's own cost):
//   TSX_TSCONFIG_PATH=apps/server/tsconfig.json node --conditions=source --import tsx \
//     bench/sync/commit-round-trip.ts [--url postgres://...] [--rows 25] [--n 2000]
// (the server's tsconfig turns on the decorators SyncRepository is written with)
// The database is created for the run and dropped at the end.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type DatabaseHandle, openDatabase } from '@mixroom/db';
import postgres from 'postgres';
import { SyncRepository } from '../../apps/server/src/sync/sync.repository.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const URL_ARG = opt('url', 'postgres://postgres@127.0.0.1:5432/test');
const ROWS = Number(opt('rows', '25'));
const N = Number(opt('n', '2000'));

// A fader drag's update is ~40 bytes; document names are session uuids.
const rows = Array.from({ length: ROWS }, (_, i) => ({
  docName: randomUUID(),
  update: new Uint8Array(40).fill(i),
}));

interface Timing {
  label: string;
  p50: number;
  p90: number;
  p99: number;
}

async function measure(label: string, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  return { label, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** One connection, so the baseline and the append share it. */
async function measureOn(url: string, suffix: string): Promise<Timing[]> {
  const handle: DatabaseHandle = await openDatabase({ url, maxConnections: 1 });
  try {
    const repository = new SyncRepository(handle.db);
    return [
      await measure(`select 1 (baseline)${suffix}`, () => handle.ping()),
      await measure(`append: ${ROWS}-row INSERT, commit${suffix}`, () => repository.appendUpdates(rows)),
    ];
  } finally {
    await handle.close();
  }
}

const name = `mixroom_bench_commit_${process.pid}_${Date.now()}`;
const admin = postgres(URL_ARG, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
try {
  const url = new URL(URL_ARG);
  url.pathname = `/${name}`;
  const migrator = await openDatabase({ url: url.toString(), maxConnections: 1 });
  await migrator.migrate();
  await migrator.close();
  const sessions = [await measureOn(url.toString(), '')];
  // New sessions of the database stop waiting for the WAL flush at commit.
  await admin.unsafe(`alter database ${name} set synchronous_commit = off`);
  sessions.push(await measureOn(url.toString(), ', synchronous_commit off'));
  console.log("| statement | p50 ms | p90 ms | p99 ms | p50 / its session's baseline |");
  console.log('|---|---|---|---|---|');
  for (const session of sessions) {
    const base = session[0]!;
    for (const r of session) {
      console.log(
        `| ${r.label} | ${r.p50.toFixed(3)} | ${r.p90.toFixed(3)} | ${r.p99.toFixed(3)} | ${(r.p50 / base.p50).toFixed(1)}x |`,
      );
    }
  }
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end({ timeout: 5 });
}
