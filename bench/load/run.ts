// Load and soak: the compose topology (two server instances on PostgreSQL + Redis behind a round-robin
// proxy) under S sessions x 3 members for M minutes. Every member holds a y-websocket connection: the
// engineer and the artist edit the mix (mix-model ops: faders, pans, brief text), everyone sends presence
// (playhead), and members post notes over REST.
//   node --conditions=source --import tsx bench/load/run.ts [--minutes 5] [--sessions 100]
//     [--edit-hz 1] [--presence-hz 0.5] [--note-every-s 10] [--direct] [--pg URL] [--redis URL]
//     [--update-benchmarks-md]
// Reports latency percentiles (edit and presence: sender -> other members' clients; notes: REST round
// trip), errors (expected 0), each instance's RSS every 10 s (expected to plateau), and the convergence
// of every document: each client's state and the state stored in PostgreSQL, loaded fresh after the
// instances shut down, must be identical.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MixroomClient } from '@mixroom/client';
import { accountRoutes, noteRoutes, sessionRoutes } from '@mixroom/contract';
import { insertBriefText, readMix, setFader, setPan } from '@mixroom/mix-model';
import postgres from 'postgres';
import type WebSocketType from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { deliverRevision } from '../../test/notes-support.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The repository root resolves `ws` to an old copy; use version 8 like the server and the client package.
const WebSocket = createRequire(join(ROOT, 'packages/client/package.json'))('ws') as typeof WebSocketType;
process.setMaxListeners(0);

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};
const flag = (name: string) => args.includes(`--${name}`);
const MINUTES = Number(opt('minutes', '5'));
const SESSIONS = Number(opt('sessions', '100'));
const EDIT_HZ = Number(opt('edit-hz', '1'));
const PRESENCE_HZ = Number(opt('presence-hz', '0.5'));
const NOTE_EVERY_S = Number(opt('note-every-s', '10'));
const DIRECT = flag('direct');
const PG = opt('pg', process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const REDIS = opt('redis', process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const SAMPLE_S = 10;
const WARMUP_S = Number(opt('warmup', '15'));

const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------ infrastructure

const dbName = `mixroom_load_${randomBytes(5).toString('hex')}`;
const admin = postgres(PG, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const dbUrl = new URL(PG);
dbUrl.pathname = `/${dbName}`;
const dataDir = mkdtempSync(join(tmpdir(), 'mixroom-load-'));
const children: ChildProcess[] = [];
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function spawnAndWait(argv: string[], cwd: string, env: Record<string, string>, ready: RegExp) {
  const child = spawn(process.execPath, argv, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise<{ child: ChildProcess; url: string; output: () => string }>((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(ready);
      if (m)
        resolvePromise({
          child,
          url: (m[1] as string).replace('localhost', '127.0.0.1'),
          output: () => output,
        });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}):\n${output}`)));
  });
}

const serverEnv = {
  DATABASE_URL: dbUrl.toString(),
  REDIS_URL: REDIS,
  REDIS_PREFIX: `mixroom-load-${randomBytes(4).toString('hex')}:`,
  DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  ANALYSIS_WORKERS: '1',
  LOGIN_ATTEMPTS_PER_IP: '1000000',
  INVITE_ATTEMPTS_PER_IP: '1000000',
};
log(`starting two instances on PostgreSQL ${dbName} and Redis …`);
const instances = await Promise.all(
  ['a', 'b'].map(() =>
    spawnAndWait(
      ['--conditions=source', '--import', 'tsx', 'src/main.ts'],
      join(ROOT, 'apps/server'),
      serverEnv,
      /Mixroom is running at (http:\/\/\S+)/,
    ),
  ),
);
const proxy = DIRECT
  ? undefined
  : await spawnAndWait(
      ['--import', 'tsx', 'bench/load/proxy.ts', ...instances.map((i) => i.url)],
      ROOT,
      {},
      /proxy listening at (http:\/\/\S+)/,
    );
let nextDirect = 0;
/** Where a client connects: the proxy, or (with --direct) the instances in turn. */
const entry = () => proxy?.url ?? (instances[nextDirect++ % instances.length]?.url as string);
log(`instances ${instances.map((i) => i.url).join(', ')}${proxy ? ` behind ${proxy.url}` : ' (direct)'}`);

// ---------------------------------------------------------------------------------------------- stats

const errors: string[] = [];
const error = (what: string) => {
  errors.push(what);
  if (errors.length <= 20) log(`ERROR ${what}`);
};
const editLatency: number[] = [];
const presenceLatency: number[] = [];
const noteLatency: number[] = [];
let editsSent = 0;
let presenceSent = 0;
let notesSent = 0;
let measuring = false;
/** Latency samples are kept after the warm-up (the first seconds start every timer at once). */
let recording = false;

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.at(-1) ?? Number.NaN };
}

// ----------------------------------------------------------------------------------------------- setup

interface Member {
  client: MixroomClient;
  role: 'engineer' | 'artist' | 'viewer';
  provider?: WebsocketProvider;
  doc: Y.Doc;
}
interface Session {
  id: string;
  revisionId: string;
  stems: string[];
  members: Member[];
}

async function createSession(i: number): Promise<Session> {
  const base = proxy?.url ?? (instances[i % 2]?.url as string);
  const engineer = new MixroomClient({ baseUrl: base });
  await engineer.call(accountRoutes.signup, {
    body: {
      email: `engineer${i}.${dbName}@example.com`,
      password: 'a long enough password',
      displayName: `Eng ${i}`,
    },
  });
  const { session } = await engineer.call(sessionRoutes.createSession, { body: { title: `Song ${i}` } });
  const members: Member[] = [{ client: engineer, role: 'engineer', doc: new Y.Doc() }];
  for (const role of ['artist', 'viewer'] as const) {
    const { token } = await engineer.call(sessionRoutes.createInvite, {
      params: { id: session.id },
      body: { role },
    });
    const client = new MixroomClient({ baseUrl: base });
    await client.call(sessionRoutes.acceptInvite, {
      params: { token },
      body: { displayName: `${role} ${i}` },
    });
    members.push({ client, role, doc: new Y.Doc() });
  }
  // A revision with stems: notes are pinned to it, and its stems appear in the mix document.
  const revision = await deliverRevision(engineer, session.id, {
    durationS: 4,
    stems: ['drums', 'bass', 'vox'],
  });
  return { id: session.id, revisionId: revision.id, stems: [], members };
}

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

const setupStarted = Date.now();
log(`creating ${SESSIONS} sessions (3 members each, one revision with 3 stems) …`);
const sessions = await pool(SESSIONS, 6, createSession);
log(`sessions ready in ${((Date.now() - setupStarted) / 1000).toFixed(0)} s`);

function connect(member: Member, sessionId: string): Promise<void> {
  const cookie = member.client.sessionCookie as string;
  class AuthedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie: `mixroom_session=${cookie}` } });
    }
  }
  const provider = new WebsocketProvider(`${entry().replace(/^http/, 'ws')}/sync`, sessionId, member.doc, {
    WebSocketPolyfill: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 1000,
  });
  member.provider = provider;
  provider.on('connection-close', (event) => {
    if (measuring) error(`socket closed during the run: ${event?.code} ${event?.reason ?? ''}`);
  });
  provider.on('connection-error', () => {
    if (measuring) error('socket error during the run');
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sync for ${sessionId} within 60 s`)), 60_000);
    provider.once('sync', () => {
      clearTimeout(timer);
      resolvePromise();
    });
  });
}

log(`connecting ${SESSIONS * 3} websocket clients …`);
await pool(SESSIONS * 3, 10, async (k) => {
  const s = sessions[Math.floor(k / 3)] as Session;
  await connect(s.members[k % 3] as Member, s.id);
});
for (const s of sessions) {
  // The revision's stems, as the server put them into the document.
  s.stems = readMix((s.members[0] as Member).doc).stems.map((stem) => stem.id);
  if (s.stems.length === 0) error(`session ${s.id} has no stems in its document`);
}
log('all clients synced');

// ------------------------------------------------------------------------- measuring what others see

/** Edits in flight: `session|stem|value` -> send time and sender, so receivers can time them. */
const inFlight = new Map<string, { t0: number; from: Member }>();
for (const s of sessions) {
  for (const m of s.members) {
    m.doc.getMap('stems').observeDeep((events, tx) => {
      if (tx.local || !recording) return;
      const now = performance.now();
      for (const ev of events) {
        if (!(ev instanceof Y.YMapEvent) || !ev.keysChanged.has('faderDb')) continue;
        const stemId = ev.path[0]; // the stem's key in `stems`
        const key = `${s.id}|${String(stemId)}|${String(ev.target.get('faderDb'))}`;
        const sent = inFlight.get(key);
        if (sent && sent.from !== m) editLatency.push(now - sent.t0);
      }
    });
    m.provider?.awareness.on('change', ({ updated }: { updated: number[] }) => {
      if (!recording) return;
      const now = Date.now() % 86_400_000;
      for (const id of updated) {
        if (id === m.doc.clientID) continue;
        const state = m.provider?.awareness.getStates().get(id) as { playhead?: number } | undefined;
        if (typeof state?.playhead !== 'number') continue;
        let delta = now - Math.round(state.playhead * 1000);
        if (delta < -1000) delta += 86_400_000;
        // A state update re-announces the old playhead too (renewal); count only fresh ones.
        if (delta >= 0 && delta < 30_000) presenceLatency.push(delta);
      }
    });
  }
}

// -------------------------------------------------------------------------------------------- the run

const rssSeries: number[][] = instances.map(() => []);
const readRss = (pid: number) => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : Number.NaN;
};
const readCpuS = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
};
const sampleRss = () => {
  for (const [i, inst] of instances.entries()) rssSeries[i]?.push(readRss(inst.child.pid as number));
};

/** A few figures from an instance's own /metrics (loopback may read them without a token). */
async function scrape(url: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = (prefix: string) => text.split('\n').find((l) => l.startsWith(`${prefix} `));
  const value = (name: string) => Number(line(name)?.slice(name.length + 1) ?? Number.NaN);
  const noteRoute = 'method="POST",route="/api/revisions/:id/notes",status="201"';
  const bucket = (le: string) => {
    const a = value(`mixroom_http_request_duration_seconds_bucket{le="${le}",${noteRoute}}`);
    return Number.isNaN(a)
      ? value(`mixroom_http_request_duration_seconds_bucket{${noteRoute},le="${le}"}`)
      : a;
  };
  return {
    loopP99Ms: value('nodejs_eventloop_lag_p99_seconds') * 1000,
    loopMaxMs: value('nodejs_eventloop_lag_max_seconds') * 1000,
    notesUnder100ms: bucket('0.1'),
    notesUnder1s: bucket('1'),
    notesTotal: bucket('+Inf'),
    syncUpdates: value('mixroom_sync_updates_total{origin="connection"}'),
  };
}

const timers: NodeJS.Timeout[] = [];
const jitter = (periodMs: number) => periodMs * (0.5 + Math.random());
const every = (periodMs: number, fn: () => void | Promise<void>) => {
  const run = () => {
    timers.push(
      setTimeout(async () => {
        try {
          await fn();
        } catch (e) {
          error(String((e as Error).message ?? e));
        }
        if (measuring) run();
      }, jitter(periodMs)),
    );
  };
  run();
};

measuring = true;
const cpuStart = instances.map((i) => readCpuS(i.child.pid as number));
const proxyCpuStart = proxy ? readCpuS(proxy.child.pid as number) : 0;
const selfCpuStart = process.cpuUsage();
// The clients share this process: its event-loop delay is part of every latency measured here.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const runStarted = Date.now();
sampleRss();
const rssTimer = setInterval(sampleRss, SAMPLE_S * 1000);
log(
  `running for ${MINUTES} min: edits ${EDIT_HZ}/s per editor, presence ${PRESENCE_HZ}/s per client, a note every ${NOTE_EVERY_S} s per session`,
);

for (const s of sessions) {
  for (const m of s.members) {
    if (m.role !== 'viewer' && EDIT_HZ > 0) {
      every(1000 / EDIT_HZ, () => {
        const r = Math.random();
        const stem = s.stems[Math.floor(Math.random() * s.stems.length)];
        if (!stem) return;
        if (r < 0.8) {
          const value = Math.round(-Math.random() * 4000) / 100; // -40.00 .. 0.00 dB
          inFlight.set(`${s.id}|${stem}|${value}`, { t0: performance.now(), from: m });
          setFader(m.doc, stem, value);
        } else if (r < 0.95) {
          setPan(m.doc, stem, Math.round((Math.random() * 2 - 1) * 100) / 100);
        } else {
          const text = readMix(m.doc).brief.text;
          if (text.length < 2000) insertBriefText(m.doc, text.length, `${m.role} ${editsSent}. `);
        }
        editsSent += 1;
      });
    }
    if (PRESENCE_HZ > 0) {
      every(1000 / PRESENCE_HZ, () => {
        m.provider?.awareness.setLocalState({ playhead: (Date.now() % 86_400_000) / 1000, playing: true });
        presenceSent += 1;
      });
    }
  }
  if (NOTE_EVERY_S > 0) {
    let n = 0;
    every(NOTE_EVERY_S * 1000, async () => {
      const m = s.members[Math.floor(Math.random() * s.members.length)] as Member;
      const t0 = performance.now();
      n += 1;
      await m.client.call(noteRoutes.createNote, {
        params: { id: s.revisionId },
        body: { atS: Math.round(Math.random() * 300) / 100, body: `Note ${n} from the ${m.role}` },
      });
      if (recording) noteLatency.push(performance.now() - t0);
      notesSent += 1;
    });
  }
}
// Edits older than 30 s that nobody saw (overwritten first) are dropped from the map.
const sweeper = setInterval(() => {
  const cutoff = performance.now() - 30_000;
  for (const [k, v] of inFlight) if (v.t0 < cutoff) inFlight.delete(k);
}, 10_000);

const progress = setInterval(() => {
  const e = percentiles(editLatency);
  log(
    `${((Date.now() - runStarted) / 60000).toFixed(1)} min: edits ${editsSent}, notes ${notesSent}, ` +
      `edit p50/p99 ${e.p50.toFixed(0)}/${e.p99.toFixed(0)} ms, errors ${errors.length}, RSS ${rssSeries
        .map((s) => `${(s.at(-1) ?? 0).toFixed(0)}`)
        .join('/')} MB`,
  );
}, 30_000);

await sleep(WARMUP_S * 1000);
recording = true;
await sleep(Math.max(0, MINUTES * 60_000 - WARMUP_S * 1000));
const serverMetrics = await Promise.all(instances.map((inst) => scrape(inst.url)));
measuring = false;
recording = false;
for (const t of timers) clearTimeout(t);
clearInterval(rssTimer);
clearInterval(sweeper);
clearInterval(progress);
sampleRss();
const runSeconds = (Date.now() - runStarted) / 1000;
const cpu = instances.map(
  (inst, i) => (readCpuS(inst.child.pid as number) - (cpuStart[i] ?? 0)) / runSeconds,
);
const proxyCpu = proxy ? (readCpuS(proxy.child.pid as number) - proxyCpuStart) / runSeconds : 0;
const selfUsage = process.cpuUsage(selfCpuStart);
const selfCpu = (selfUsage.user + selfUsage.system) / 1e6 / runSeconds;
loopDelay.disable();
log('load stopped; waiting for every document to converge …');

// ----------------------------------------------------------------------------------------- convergence

const stateVector = (doc: Y.Doc) => Buffer.from(Y.encodeStateVector(doc));
const settleDeadline = Date.now() + 120_000;
for (const s of sessions) {
  for (;;) {
    const [first, ...rest] = s.members.map((m) => stateVector(m.doc));
    if (rest.every((v) => v.equals(first as Buffer))) break;
    if (Date.now() > settleDeadline) break;
    await sleep(100);
  }
}
// Root types exist in a Y.Doc once they are asked for by name: ask for the mix document's roots.
const ROOTS = ['meta', 'brief', 'sections', 'stems', 'scenes'];
const canonical = (doc: Y.Doc) => {
  for (const name of ROOTS) doc.getMap(name);
  return JSON.stringify({ json: doc.toJSON(), mix: readMix(doc) });
};
const clientStates = sessions.map((s) =>
  s.members.map((m) => ({
    sv: stateVector(m.doc),
    json: canonical(m.doc),
    bytes: Buffer.from(Y.encodeStateAsUpdate(m.doc)),
  })),
);
const unknownRoots = new Set(sessions.flatMap((s) => s.members.flatMap((m) => [...m.doc.share.keys()])));
for (const name of ROOTS) unknownRoots.delete(name);
if (unknownRoots.size > 0)
  error(`documents have roots the check does not compare: ${[...unknownRoots].join(', ')}`);
for (const s of sessions) for (const m of s.members) m.provider?.destroy();

log('stopping the instances (graceful: every accepted update is stored) …');
if (proxy) proxy.child.kill('SIGTERM');
await Promise.all(
  instances.map(
    (inst) =>
      new Promise<void>((r) => {
        inst.child.once('exit', () => r());
        inst.child.kill('SIGTERM');
      }),
  ),
);

const sql = postgres(dbUrl.toString(), { max: 2, onnotice: () => {} });
let diverged = 0;
let compared = 0;
let sameBytes = 0;
for (const [i, s] of sessions.entries()) {
  const name = `session:${s.id}`;
  const fresh = new Y.Doc();
  const [snap] = await sql<
    { state: Uint8Array }[]
  >`select state from sync_snapshots where doc_name = ${name}`;
  if (snap) Y.applyUpdate(fresh, snap.state);
  const rows = await sql<
    { update: Uint8Array }[]
  >`select update from sync_updates where doc_name = ${name} order by id`;
  for (const row of rows) Y.applyUpdate(fresh, row.update);
  const stored = {
    sv: stateVector(fresh),
    json: canonical(fresh),
    bytes: Buffer.from(Y.encodeStateAsUpdate(fresh)),
  };
  for (const c of clientStates[i] ?? []) {
    compared += 1;
    if (c.bytes.equals(stored.bytes)) sameBytes += 1;
    if (!c.sv.equals(stored.sv) || c.json !== stored.json) {
      diverged += 1;
      if (diverged === 1 && process.env.LOAD_DEBUG)
        log(`first difference: sv ${c.sv.equals(stored.sv)}\n${c.json}\n${stored.json}`);
    }
  }
}
await sql.end({ timeout: 5 });
if (diverged > 0) error(`${diverged} of ${compared} client copies differ from the stored document`);

// --------------------------------------------------------------------------------------------- report

const slope = (series: number[]) => {
  // MB per minute over the second half of the run (least squares).
  const half = series.slice(Math.floor(series.length / 2));
  const n = half.length;
  if (n < 2) return Number.NaN;
  const xs = half.map((_, i) => (i * SAMPLE_S) / 60);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = half.reduce((a, b) => a + b, 0) / n;
  const num = xs.reduce((a, x, i) => a + (x - mx) * ((half[i] as number) - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return num / den;
};
const e = percentiles(editLatency);
const p = percentiles(presenceLatency);
const nl = percentiles(noteLatency);
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const row = (name: string, q: ReturnType<typeof percentiles>) =>
  `| ${name} | ${q.n} | ${fmt(q.p50)} | ${fmt(q.p95)} | ${fmt(q.p99)} | ${fmt(q.max)} |`;
const date = new Date().toISOString().slice(0, 10);
const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
const command =
  `node --conditions=source --import tsx bench/load/run.ts ${args.filter((a) => a !== '--update-benchmarks-md').join(' ')}`.trim();
const report = [
  '## Load and soak (bench/load)',
  '',
  `Command: \`${command}\` (PostgreSQL + Redis must be running; \`--minutes 1\` for a quick run).`,
  `Two server instances (child processes, PostgreSQL ${PG.replace(/\/\/[^@]*@/, '//')} in a fresh database, Redis fan-out),`,
  `${proxy ? 'behind the round-robin websocket proxy of test/support/proxy.ts (its own process)' : 'addressed directly, clients alternating'};`,
  `${SESSIONS} sessions x 3 members (engineer, artist, viewer) = ${SESSIONS * 3} y-websocket clients in one process;`,
  `editors change faders/pans/brief text ${EDIT_HZ}/s each, everyone sends presence ${PRESENCE_HZ}/s, and a random member`,
  `of each session posts a note every ~${NOTE_EVERY_S} s (REST). Edit and presence latency: from the sender's change to`,
  "its arrival in the other members' documents (clients of either instance). Convergence: after the load stops and",
  'the instances shut down gracefully, every client copy is compared with the document loaded fresh from PostgreSQL',
  '(snapshot + update log): state vector and full content.',
  '',
  `| ${date}, ${cpus()[0]?.model.trim() ?? 'cpu'} x${cpus().length}, Node ${process.version}, load average at the end ${load} | samples | p50 ms | p95 ms | p99 ms | max ms |`,
  '|---|---|---|---|---|---|',
  row('edit -> other members', e),
  row('presence -> other members', p),
  row('note POST (REST round trip)', nl),
  '',
  '| measure | result |',
  '|---|---|',
  `| duration | ${(runSeconds / 60).toFixed(1)} min, latencies recorded after a ${WARMUP_S} s warm-up (setup ${((runStarted - setupStarted) / 1000).toFixed(0)} s before it) |`,
  `| sent | ${editsSent} edits, ${presenceSent} presence updates, ${notesSent} notes |`,
  `| errors | ${errors.length}${errors.length ? ` (${[...new Set(errors)].slice(0, 3).join('; ')})` : ''} |`,
  `| convergence | ${compared - diverged} of ${compared} client copies identical to the stored document (${SESSIONS} documents): same state vector and content; ${sameBytes} also byte-identical encoded state |`,
  ...instances.map(
    (_, i) =>
      `| instance ${'ab'[i]} RSS every ${SAMPLE_S} s (MB) | ${(rssSeries[i] ?? []).map((v) => v.toFixed(0)).join(' ')} |`,
  ),
  ...instances.map(
    (_, i) =>
      `| instance ${'ab'[i]}: RSS slope over the second half / CPU | ${fmt(slope(rssSeries[i] ?? []))} MB/min / ${((cpu[i] ?? 0) * 100).toFixed(0)}% of a core |`,
  ),
  ...serverMetrics.map(
    (m, i) =>
      `| instance ${'ab'[i]} /metrics at the end: event-loop lag p99 / max; note POSTs handled within 0.1 s / 1 s | ${fmt(m.loopP99Ms)} / ${fmt(m.loopMaxMs)} ms; ${m.notesUnder100ms} / ${m.notesUnder1s} of ${m.notesTotal} |`,
  ),
  `| load generator (this process, ${SESSIONS * 3} clients): CPU / event-loop delay p50, p99, max | ${(selfCpu * 100).toFixed(0)}% of a core / ${fmt(loopDelay.percentile(50) / 1e6)}, ${fmt(loopDelay.percentile(99) / 1e6)}, ${fmt(loopDelay.max / 1e6)} ms |`,
  ...(proxy ? [`| proxy process CPU | ${(proxyCpu * 100).toFixed(0)}% of a core |`] : []),
  '',
].join('\n');
console.log(report);

if (flag('update-benchmarks-md')) {
  const path = join(ROOT, 'BENCHMARKS.md');
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf('## Load and soak (bench/load)');
  let next = start >= 0 ? text.indexOf('\n## ', start + 1) : -1;
  if (next < 0) next = text.length;
  const updated =
    start >= 0 ? `${text.slice(0, start)}${report}${text.slice(next)}` : `${text.trimEnd()}\n\n${report}`;
  writeFileSync(path, updated.endsWith('\n') ? updated : `${updated}\n`);
  log('BENCHMARKS.md updated');
}

await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.end({ timeout: 5 });
rmSync(dataDir, { recursive: true, force: true });
process.exit(errors.length > 0 ? 1 : 0);
