// Sync throughput and latency: R rooms x C clients dragging faders at 20 Hz each, against the Mixroom
// server (authenticating, validating and persisting to PGlite) and against a stock y-websocket server
// (@y/websocket-server 0.1.1: no auth, no validation, no persistence) under the same harness.
//   node --conditions=source --import tsx bench/sync/run.ts [--seconds 30] [--warmup 10] [--rounds 3]
//     [--scenarios 100x3,20x10] [--pg URL] [--node-args "..."] [--update-benchmarks-md]
// Both servers run as child processes; their CPU comes from /proc/<pid>/stat and their peak RSS from
// VmRSS sampled every 200 ms during the measured window. Clients live in this process: each applies its
// own edits to a Y.Doc and decodes the header of every update it receives (to match it with its send
// time), without integrating other clients' edits, so the generator stays light.
// Each scenario runs `--rounds` times, the servers taking turns within every round, so a burst of load from
// elsewhere on the machine falls on one round rather than on one server; the verdict compares medians.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MixroomClient } from '@mixroom/client';
import { accountRoutes, sessionRoutes } from '@mixroom/contract';
import { addStem, readMix, seedMixDocument, setFader } from '@mixroom/mix-model';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type WebSocketType from 'ws';
import postgres from 'postgres';
import * as Y from 'yjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The repository root resolves `ws` to the baseline server's old copy; use version 8 like the server.
const WebSocket = createRequire(join(ROOT, 'packages/client/package.json'))('ws') as typeof WebSocketType;

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SECONDS = Number(opt('seconds', '30'));
// The first seconds under load include V8 compiling the hot paths (and PGlite's WebAssembly); both servers
// get the same warm-up.
const WARMUP_S = Number(opt('warmup', '10'));
const ROUNDS = Number(opt('rounds', '3'));
const HZ = 20;
const SCENARIOS = opt('scenarios', '100x3,20x10')
  .split(',')
  .map((s) => {
    const [rooms, clients] = s.split('x').map(Number);
    return { rooms: rooms!, clients: clients! };
  });
const UPDATE_MD = args.includes('--update-benchmarks-md');
/** `--pg URL`: also run Mixroom on a fresh database of that PostgreSQL server (dropped at the end). */
const PG = opt('pg', '');
/** `--skip-baseline`: measure Mixroom only (e.g. while profiling). */
const SKIP_BASELINE = args.includes('--skip-baseline');
/** `--skip-pglite`: with `--pg`, measure Mixroom on PostgreSQL only. */
const SKIP_PGLITE = args.includes('--skip-pglite') && PG !== '';
/** `--cpu-prof DIR`: write a V8 CPU profile of the Mixroom server process to DIR. */
const CPU_PROF = opt('cpu-prof', '');
/** `--node-args "..."`: extra Node.js flags for the Mixroom server (e.g. `--trace-gc`; its stdout is shown). */
const NODE_ARGS = opt('node-args', '').split(' ').filter(Boolean);

// ------------------------------------------------------------------ servers

interface Target {
  name: string;
  pid: number;
  /** The server's database is PostgreSQL on this machine (its processes' CPU is reported too). */
  postgres?: boolean;
  /** ws URL of a room's socket and the headers to open it with. */
  socket(room: string): { url: string; headers: Record<string, string> };
  /** Room names for a scenario (sessions on Mixroom, random names on the baseline). */
  rooms(count: number): Promise<string[]>;
  /** Whether the server seeds documents (clients must not). */
  seeds: boolean;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    child.once('exit', () => resolveStop());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
      s.connect(port, '127.0.0.1');
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

function withoutPersistence(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { YPERSISTENCE: _ignored, ...rest } = env;
  return rest;
}

async function startBaseline(): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/@y/websocket-server/src/server.js')], {
    // No YPERSISTENCE: the baseline keeps documents in memory only.
    env: { ...withoutPersistence(process.env), HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port);
  let n = 0;
  return {
    name: 'y-websocket-server 0.1.1',
    pid: child.pid!,
    socket: (room) => ({ url: `ws://127.0.0.1:${port}/${room}`, headers: {} }),
    rooms: async (count) => Array.from({ length: count }, () => `bench-${process.pid}-${n++}`),
    seeds: false,
    stop: () => stopChild(child),
  };
}

async function startMixroom(databaseUrl = ''): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mixroom-bench-sync-'));
  const profile = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', resolve(CPU_PROF)] : [];
  const child = spawn(
    process.execPath,
    [...profile, ...NODE_ARGS, '--conditions=source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: join(ROOT, 'apps/server'),
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: undefined,
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        REDIS_URL: '',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // A scenario's documents unload (folding their logs) soon after its clients leave, so that work is done
        // before the next measurement starts (see settle()) instead of landing in it.
        SYNC_IDLE_UNLOAD_MS: '2000',
        ...(opt('commit-interval', '') ? { SYNC_COMMIT_INTERVAL_MS: opt('commit-interval', '') } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (NODE_ARGS.length > 0) process.stderr.write(chunk);
      out += chunk.toString();
      const m = out.match(/Mixroom is running at (http:\/\/\S+)/);
      if (m) resolveUrl(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  const engineer = new MixroomClient({ baseUrl: url });
  await engineer.call(accountRoutes.signup, {
    body: {
      email: `bench.${process.pid}@example.com`,
      password: 'a long enough password',
      displayName: 'Bench',
    },
  });
  const cookie = `mixroom_session=${engineer.sessionCookie}`;
  return {
    name: databaseUrl ? 'Mixroom (PostgreSQL)' : 'Mixroom (PGlite)',
    pid: child.pid!,
    postgres: Boolean(databaseUrl),
    socket: (room) => ({ url: `${url.replace(/^http/, 'ws')}/sync/${room}`, headers: { cookie } }),
    rooms: async (count) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const { session } = await engineer.call(sessionRoutes.createSession, {
          body: { title: `Bench ${i}` },
        });
        ids.push(session.id);
      }
      return ids;
    },
    seeds: true,
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------ process stats

const CLK_TCK = 100;
/** CPU seconds (utime + stime) in the text of a `/proc/.../stat` file. */
function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
/** CPU seconds of a process (all its threads), or of one thread with `/proc/<pid>/task/<tid>`. */
function cpuSeconds(pid: number, path = `/proc/${pid}/stat`): number {
  return statCpuSeconds(readFileSync(path, 'utf8'));
}
/** CPU seconds of every PostgreSQL server process on this machine (the `--pg` server's share of the load). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) total += statCpuSeconds(stat);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}
function rssBytes(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) * 1024 : 0;
}

// ------------------------------------------------------------------ clients

/**
 * Send times of updates by `${clientID}:${clock}` of the item they create, in ms (performance.now()), and how
 * many of the room's other clients have yet to receive each (an entry goes once all have: a map that only
 * grew would make this process's own garbage collection part of every measurement).
 */
const sentAt = new Map<string, { t: number; left: number }>();
let recipients = 0;
let latencies: number[] = [];
let delivered = 0;
let measuring = false;

class BenchClient {
  readonly doc = new Y.Doc();
  private readonly ws: WebSocketType;
  synced = false;
  closed = false;

  constructor(url: string, headers: Record<string, string>) {
    this.ws = new WebSocket(url, { headers, perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint8Array(e, Y.encodeStateVector(this.doc));
      this.ws.send(encoding.toUint8Array(e));
    });
    this.ws.on('message', (data: Buffer) => this.onMessage(data));
    this.ws.on('close', () => {
      this.closed = true;
    });
    this.ws.on('error', () => {});
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      const meta = Y.parseUpdateMeta(update);
      const clock = meta.from.get(this.doc.clientID);
      if (clock !== undefined)
        sentAt.set(`${this.doc.clientID}:${clock}`, { t: performance.now(), left: recipients });
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2);
      encoding.writeVarUint8Array(e, update);
      if (this.ws.readyState === this.ws.OPEN) this.ws.send(encoding.toUint8Array(e));
    });
  }

  private onMessage(data: Buffer): void {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    if (type !== 0) return; // awareness
    const step = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (step === 0) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(this.doc, payload));
      this.ws.send(encoding.toUint8Array(e));
    } else if (step === 1 || !this.synced) {
      Y.applyUpdate(this.doc, payload, 'remote');
      if (step === 1) this.synced = true;
    } else {
      const now = performance.now();
      for (const [client, clock] of Y.parseUpdateMeta(payload).from) {
        if (client === this.doc.clientID) continue; // the baseline echoes updates to their sender
        const key = `${client}:${clock}`;
        const sent = sentAt.get(key);
        if (sent === undefined) continue;
        if (--sent.left === 0) sentAt.delete(key);
        if (measuring) {
          latencies.push(now - sent.t);
          delivered++;
        }
      }
    }
  }

  /** Integrates remote changes (only during setup, to learn the stems). */
  apply(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, 'remote');
  }

  close(): void {
    this.ws.close();
  }
}

async function until(cond: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Result {
  target: string;
  round: number;
  rooms: number;
  clients: number;
  p50: number;
  p99: number;
  max: number;
  deliveredPerS: number;
  expectedPerS: number;
  serverCpuPct: number;
  /** CPU of the server's main thread (sockets, Yjs, validation); the rest is its other threads (database, GC). */
  serverMainThreadCpuPct: number;
  /** CPU of the PostgreSQL server processes, for targets on PostgreSQL. */
  databaseCpuPct?: number;
  serverPeakRssMb: number;
  /** RSS before the scenario's clients connect (PGlite alone holds several hundred MB). */
  serverRssBeforeMb: number;
  generatorCpuPct: number;
}

async function runScenario(target: Target, rooms: number, clients: number, round: number): Promise<Result> {
  const rssBefore = rssBytes(target.pid);
  recipients = clients - 1;
  const names = await target.rooms(rooms);
  const all: BenchClient[][] = [];
  for (const name of names) {
    const { url, headers } = target.socket(name);
    all.push(Array.from({ length: clients }, () => new BenchClient(url, headers)));
    await new Promise((r) => setTimeout(r, 5)); // ramp connections
  }
  const flat = all.flat();
  await until(() => flat.every((c) => c.synced), 'every client to sync');

  // One stem per client, created by the room's first client; the others take it from the first's doc.
  for (const room of all) {
    const first = room[0]!;
    if (!target.seeds) seedMixDocument(first.doc, { title: 'Bench' });
    for (let i = 0; i < clients; i++)
      addStem(first.doc, { id: `stem${i}`, fileId: `file${i}`, name: `Stem ${i}` });
    const state = Y.encodeStateAsUpdate(first.doc);
    for (const c of room.slice(1)) c.apply(state);
  }
  await until(() => flat.every((c) => readMix(c.doc).stems.length === clients), 'the stems');

  const timers: NodeJS.Timeout[] = [];
  const startDragging = () => {
    for (const [r, room] of all.entries()) {
      for (const [i, client] of room.entries()) {
        const stem = `stem${i}`;
        let step = (r * 7 + i * 13) % 100;
        const tick = () => {
          step++;
          setFader(client.doc, stem, Math.round((Math.sin(step / 10) * 30 - 20) * 10) / 10);
        };
        // Random phase so the clients do not fire in lockstep.
        const phase = Math.random() * (1000 / HZ);
        timers.push(
          setTimeout(() => {
            tick();
            timers.push(setInterval(tick, 1000 / HZ));
          }, phase),
        );
      }
    }
  };
  startDragging();
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));

  latencies = [];
  delivered = 0;
  measuring = true;
  let peakRss = rssBytes(target.pid);
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes(target.pid));
  }, 200);
  const cpu0 = cpuSeconds(target.pid);
  const main0 = cpuSeconds(target.pid, `/proc/${target.pid}/task/${target.pid}/stat`);
  const db0 = target.postgres ? postgresCpuSeconds() : 0;
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu1 = cpuSeconds(target.pid);
  const main1 = cpuSeconds(target.pid, `/proc/${target.pid}/task/${target.pid}/stat`);
  const db1 = target.postgres ? postgresCpuSeconds() : 0;
  const self1 = process.cpuUsage(self0);
  measuring = false;
  clearInterval(rssTimer);
  for (const t of timers) clearInterval(t);
  for (const c of flat) c.close();
  await until(() => flat.every((c) => c.closed), 'the clients to close');
  sentAt.clear();

  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    target: target.name,
    round,
    rooms,
    clients,
    p50: q(0.5),
    p99: q(0.99),
    max: latencies.at(-1) ?? NaN,
    deliveredPerS: delivered / elapsed,
    expectedPerS: rooms * clients * (clients - 1) * HZ,
    serverCpuPct: ((cpu1 - cpu0) / elapsed) * 100,
    serverMainThreadCpuPct: ((main1 - main0) / elapsed) * 100,
    databaseCpuPct: target.postgres ? ((db1 - db0) / elapsed) * 100 : undefined,
    serverPeakRssMb: Math.max(peakRss, rssBefore) / 1024 / 1024,
    serverRssBeforeMb: rssBefore / 1024 / 1024,
    generatorCpuPct: ((self1.user + self1.system) / 1e6 / elapsed) * 100,
  };
}

/**
 * Waits until every server (and PostgreSQL) is quiet: under 10% of a core for two half-second samples in a
 * row, at most 120 s. A server still folding the last scenario's logs would otherwise load the next one.
 */
async function settle(servers: Target[]): Promise<void> {
  const busy = () => servers.reduce((n, t) => n + cpuSeconds(t.pid), 0) + postgresCpuSeconds();
  let quiet = 0;
  for (let i = 0; i < 240 && quiet < 2; i++) {
    const before = busy();
    await new Promise((r) => setTimeout(r, 500));
    quiet = (busy() - before) / 0.5 < 0.1 ? quiet + 1 : 0;
  }
}

// ------------------------------------------------------------------ main

const results: Result[] = [];
const baseline = await startBaseline();
const mixroom = await startMixroom();
let dropDatabase = async () => {};
let mixroomPg: Target | undefined;
if (PG) {
  const name = `mixroom_bench_${process.pid}_${Date.now()}`;
  const admin = postgres(PG, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(PG);
  u.pathname = `/${name}`;
  dropDatabase = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  };
  mixroomPg = await startMixroom(u.toString());
}
const targets = [
  ...(SKIP_BASELINE ? [] : [baseline]),
  ...(SKIP_PGLITE ? [] : [mixroom]),
  ...(mixroomPg ? [mixroomPg] : []),
];
try {
  for (const { rooms, clients } of SCENARIOS) {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of targets) {
        process.stdout.write(`${rooms}x${clients} round ${round}/${ROUNDS} on ${target.name} ... `);
        const r = await runScenario(target, rooms, clients, round);
        results.push(r);
        console.log(
          `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${Math.round(r.deliveredPerS)} updates/s delivered, ` +
            `server CPU ${r.serverCpuPct.toFixed(0)}%, peak RSS ${r.serverPeakRssMb.toFixed(0)} MB`,
        );
        await new Promise((r) => setTimeout(r, 3000)); // documents unload 2 s after their clients leave
        await settle(targets);
      }
    }
  }
} finally {
  await mixroomPg?.stop();
  await dropDatabase();
  await mixroom.stop();
  await baseline.stop();
}

const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const lines: string[] = [];
lines.push(
  '| scenario | server | rounds: p99 ms | median p50 ms | median p99 ms | max ms | delivered updates/s (expected) | server CPU (main thread) | database CPU | server RSS before / peak | load generator CPU |',
);
lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
const summary = new Map<string, { p50: number; p99: number }>();
for (const { rooms, clients } of SCENARIOS) {
  for (const target of targets) {
    const runs = results.filter(
      (r) => r.target === target.name && r.rooms === rooms && r.clients === clients,
    );
    if (runs.length === 0) continue;
    const p50 = median(runs.map((r) => r.p50));
    const p99 = median(runs.map((r) => r.p99));
    summary.set(`${rooms}x${clients}:${target.name}`, { p50, p99 });
    const db = runs.every((r) => r.databaseCpuPct !== undefined)
      ? `${fmt(median(runs.map((r) => r.databaseCpuPct!)), 0)}%`
      : '-';
    lines.push(
      `| ${rooms} rooms x ${clients} clients | ${target.name} | ${runs.map((r) => fmt(r.p99, 1)).join(' / ')} | ` +
        `${fmt(p50)} | ${fmt(p99)} | ${fmt(Math.max(...runs.map((r) => r.max)), 1)} | ` +
        `${Math.round(median(runs.map((r) => r.deliveredPerS)))} (${runs[0]!.expectedPerS}) | ` +
        `${fmt(median(runs.map((r) => r.serverCpuPct)), 0)}% (${fmt(median(runs.map((r) => r.serverMainThreadCpuPct)), 0)}%) | ${db} | ` +
        `${fmt(median(runs.map((r) => r.serverRssBeforeMb)), 0)} / ${fmt(Math.max(...runs.map((r) => r.serverPeakRssMb)), 0)} MB | ` +
        `${fmt(median(runs.map((r) => r.generatorCpuPct)), 0)}% |`,
    );
  }
}
const ratios: string[] = [];
for (const { rooms, clients } of SCENARIOS) {
  const base = summary.get(`${rooms}x${clients}:${baseline.name}`);
  if (!base) continue;
  for (const target of targets.filter((t) => t !== baseline)) {
    const ours = summary.get(`${rooms}x${clients}:${target.name}`)!;
    const perRound = results
      .filter((r) => r.target === target.name && r.rooms === rooms && r.clients === clients)
      .map((r) => {
        const b = results.find(
          (x) =>
            x.target === baseline.name && x.rooms === rooms && x.clients === clients && x.round === r.round,
        )!;
        return `${fmt(r.p99 / b.p99)}x`;
      });
    const ratio = ours.p99 / base.p99;
    ratios.push(
      `| ${rooms} rooms x ${clients} clients | ${target.name} | ${perRound.join(' / ')} | ${fmt(ratio)}x | ` +
        `${fmt(ours.p50 / base.p50)}x | ${ratio <= 1.5 ? 'met' : 'MISSED'} |`,
    );
  }
}
const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.versions.node}`;
const table = [
  ...lines,
  '',
  '| scenario | server | p99 ratio per round | ratio of median p99 | ratio of median p50 | target: median p99 <= 1.5x |',
  '|---|---|---|---|---|---|',
  ...ratios,
].join('\n');
console.log(
  `\n${table}\n\nmachine: ${machine}; load average ${load}; ${ROUNDS} rounds of ${SECONDS} s measured after ${WARMUP_S} s warm-up`,
);

if (UPDATE_MD) {
  const path = join(ROOT, 'BENCHMARKS.md');
  const md = readFileSync(path, 'utf8');
  const heading = '## Sync (bench/sync)';
  const section = [
    heading,
    '',
    `Command: \`node --conditions=source --import tsx bench/sync/run.ts --seconds ${SECONDS} --warmup ${WARMUP_S} --rounds ${ROUNDS}${PG ? ' --pg <url>' : ''} --update-benchmarks-md\``,
    '',
    `Machine: ${machine}. Date: ${new Date().toISOString().slice(0, 10)}. Load average at the end (1 / 5 / 15 min; the`,
    `machine is shared): ${load}. Each client drags its own fader at ${HZ} Hz; each round measures ${SECONDS} s after`,
    `${WARMUP_S} s of warm-up, and the servers take turns within each of ${ROUNDS} rounds. Latency is from the sender`,
    'applying the change to another client of the room receiving it.',
    'Mixroom: authenticated sockets (cookie), every update validated against the mix schema as it is applied',
    'and appended to the update log (PGlite on disk on its own thread, or PostgreSQL; group commit) before it',
    'is broadcast. Baseline: @y/websocket-server 0.1.1, no auth, no validation, no persistence. The servers are',
    'child processes; the load generator (all clients) is this process, on the same 2 cores.',
    '',
    table,
    '',
  ].join('\n');
  const start = md.indexOf(heading);
  let next = start >= 0 ? md.indexOf('\n## ', start + heading.length) : -1;
  if (next >= 0) next += 1;
  const updated =
    start >= 0
      ? md.slice(0, start) + section + (next >= 0 ? `\n${md.slice(next)}` : '')
      : `${md.trimEnd()}\n\n${section}`;
  writeFileSync(path, updated);
  console.log('BENCHMARKS.md updated (the notes below the table are kept only if you add them again).');
}
