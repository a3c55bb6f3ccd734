// The update log's append as the sync service issues it (one multi-row INSERT, one commit), timed on its
// own against a `select 1` round trip on the same connection (the named baseline), and once more with
// synchronous_commit off (to tell the WAL flush apart from the statement's CPU):
//   node bench/sync/commit-round-trip.mjs [--url postgres://postgres@127.0.0.1:5432/test] [--rows 25] [--n 2000]
// It writes to a scratch table shaped like sync_updates (same columns and indexes), dropped at the end.
import postgres from 'postgres';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const URL = opt('url', 'postgres://postgres@127.0.0.1:5432/test');
const ROWS = Number(opt('rows', '25'));
const N = Number(opt('n', '2000'));
const TABLE = `bench_commit_rtt_${process.pid}`;

const sql = postgres(URL, { max: 1, onnotice: () => {} });
// The same statement on a session that does not wait for the WAL flush at commit.
const asyncCommit = postgres(URL, { max: 1, onnotice: () => {}, connection: { synchronous_commit: 'off' } });
await sql.unsafe(
  `create table ${TABLE} (id bigserial primary key, doc_name text not null, update bytea not null,
   created_at timestamptz not null default now());
   create index on ${TABLE} (doc_name, id)`,
);
// A fader drag's update is ~40 bytes; document names are uuids.
const params = [];
for (let i = 0; i < ROWS; i++) params.push(crypto.randomUUID(), Buffer.alloc(40, i));
const placeholders = Array.from({ length: ROWS }, (_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
const insert = `insert into ${TABLE} (doc_name, update) values ${placeholders}`;

async function measure(label, fn) {
  for (let i = 0; i < 200; i++) await fn(); // warm-up
  const ms = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { label, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

try {
  const results = [
    await measure('select 1 (baseline)', () => sql.unsafe('select 1')),
    await measure(`append: ${ROWS}-row INSERT, commit`, () => sql.unsafe(insert, params)),
    await measure('same, synchronous_commit off', () => asyncCommit.unsafe(insert, params)),
  ];
  const base = results[0];
  console.log('| statement | p50 ms | p90 ms | p99 ms | p50 / baseline |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.label} | ${r.p50.toFixed(3)} | ${r.p90.toFixed(3)} | ${r.p99.toFixed(3)} | ${(r.p50 / base.p50).toFixed(1)}x |`,
    );
  }
} finally {
  await sql.unsafe(`drop table ${TABLE}`);
  await sql.end();
  await asyncCommit.end();
}
