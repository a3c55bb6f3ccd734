/**
 * The stems mixer in Chromium: start-up, time from pressing play to the first sound, memory, how fast a
 * collaborator's change is heard, and follow-mode drift. Each figure is set against a baseline measured
 * in the same run: a bare page on the same origin that fetches and decodes the same stems with
 * `decodeAudioData` and starts them with plain AudioBufferSourceNodes.
 *
 *   node --conditions=source --import tsx bench/web/run.ts [--quick] [--update-benchmarks-md]
 *
 * Sessions: the demo session (`POST /api/demo`: 6 stems, 60 s) and a generated one (16 stereo stems of
 * 5 minutes, 48 kHz 16-bit WAV, made here and uploaded over tus). `--quick` uses 16 stems of 60 s.
 * The server runs as a child process (PGlite, temporary DATA_DIR); every page gets a fresh browser so
 * memory figures are not shared.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MixroomClient } from '@mixroom/client';
import { accountRoutes, demoRoutes, mediaRoutes, sessionRoutes } from '@mixroom/contract';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureWebBuild, type PageMixer } from '../../test/browser/mixer-browser.js';
import { wavHeader } from '../../test/support/audio-fixtures.js';
import { tusCreate, tusPatch } from '../../test/support/media.js';

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const BIG_STEMS = 16;
const BIG_SECONDS = QUICK ? 60 : 300;
const SR = 48_000;
const root = fileURLToPath(new URL('../..', import.meta.url));

// ---------------------------------------------------------------- helpers

/** The server as a child process (so it never shares an event loop with this driver). */
function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess; output(): string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
    cwd: join(root, 'apps/server'),
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.BENCH_SERVER_LOG ?? 'warn',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(/Mixroom is running at (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!.replace('localhost', '127.0.0.1'), child, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor((s.length - 1) / 2)]!;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!;
};
/** `promise`, or a rejection with `message` after `ms` (the timer never outlives the race). */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (x: number | null | undefined) =>
  x == null || !Number.isFinite(x) ? 'n/a' : `${x.toFixed(1)} ms`;

async function signUp(url: string, name: string): Promise<MixroomClient> {
  const client = new MixroomClient({ baseUrl: url });
  await client.call(accountRoutes.signup, {
    body: {
      email: `${name.toLowerCase()}.${process.pid}.${Date.now()}@example.com`,
      password: 'a long enough password',
      displayName: name,
    },
  });
  return client;
}

/** A stereo 16-bit WAV: a few detuned partials and a slow tremolo, different per stem (content is not the point). */
function stemWav(index: number, seconds: number): Buffer {
  const frames = seconds * SR;
  const data = Buffer.alloc(frames * 4);
  const f0 = 55 * 2 ** (index / 4);
  for (let i = 0; i < frames; i++) {
    const t = i / SR;
    const trem = 0.6 + 0.4 * Math.sin(2 * Math.PI * (0.25 + index * 0.05) * t);
    const x = trem * 0.2 * (Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(2 * Math.PI * f0 * 2.01 * t));
    const l = Math.round(x * 32767);
    const r = Math.round(x * (0.8 + 0.2 * Math.sin(t)) * 32767);
    data.writeInt16LE(l, i * 4);
    data.writeInt16LE(r, i * 4 + 2);
  }
  return Buffer.concat([wavHeader({ sampleRate: SR, channels: 2, bits: 16, dataBytes: data.length }), data]);
}

async function upload(
  client: MixroomClient,
  sessionId: string,
  filename: string,
  bytes: Uint8Array,
): Promise<string> {
  // Generating a file takes seconds: a kept-alive socket may be closed by the server just as it is reused.
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadOnce(client, sessionId, filename, bytes);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof TypeError)) throw error;
      log(`upload of ${filename} failed (${error.message}); retrying`);
    }
  }
}

async function uploadOnce(
  client: MixroomClient,
  sessionId: string,
  filename: string,
  bytes: Uint8Array,
): Promise<string> {
  const created = await tusCreate(client, {
    sessionId,
    filename,
    length: bytes.length,
    filetype: 'audio/wav',
  });
  if (created.status !== 201 || !created.id)
    throw new Error(`upload create ${created.status} ${created.body}`);
  const patched = await tusPatch(client, created.id, 0, bytes);
  if (patched.status !== 204) throw new Error(`upload patch ${patched.status} ${patched.body}`);
  return created.id;
}

async function waitAnalysed(client: MixroomClient, revisionId: string): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const { revision } = await client.call(mediaRoutes.getRevision, { params: { id: revisionId } });
    if (revision.files.every((f) => f.analysis.status === 'completed' || f.analysis.status === 'failed'))
      return;
    if (Date.now() > deadline) throw new Error('analysis did not finish');
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Memory {
  /** Proportional set size of the page's renderer process (shared pages split between processes). */
  rendererPss: number;
  rendererRss: number;
  rendererPeakRss: number;
  jsHeapUsed: number;
}

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM) or /proc/<pid>/smaps_rollup (Pss). */
function procKb(pid: number, file: 'status' | 'smaps_rollup', field: string): number {
  try {
    const m = readFileSync(`/proc/${pid}/${file}`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Renderer RSS (all renderer processes of this browser: one page per browser) and the page's JS heap. */
async function memory(browser: Browser, page: Page): Promise<Memory> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const bcdp = await browser.newBrowserCDPSession();
  const info = (await bcdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  // The page's renderer is the largest one (Chromium keeps an empty spare renderer around).
  const renderers = info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  const pid = renderers.sort((x, y) => procKb(y, 'status', 'VmRSS') - procKb(x, 'status', 'VmRSS'))[0] ?? 0;
  return {
    rendererPss: procKb(pid, 'smaps_rollup', 'Pss'),
    rendererRss: procKb(pid, 'status', 'VmRSS'),
    rendererPeakRss: procKb(pid, 'status', 'VmHWM'),
    jsHeapUsed: heap,
  };
}

const launch = () =>
  chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

async function signedIn(browser: Browser, url: string, client: MixroomClient): Promise<Page> {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'mixroom_session', value: client.sessionCookie!, url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  page.on('pageerror', (e) => log('page error:', e.message));
  if (process.env.BENCH_DEBUG) page.on('console', (m) => log('page:', m.text()));
  return page;
}

type Hooked = { __mixroomMixer?: PageMixer; __probe?: ReturnType<PageMixer['measureNextPlay']> };

// ---------------------------------------------------------------- baseline: bare decodeAudioData page

interface BareResult {
  loadMs: number;
  decodedBytes: number;
  playToSoundMs: number | null;
  scheduledMs: number;
  memory: Memory;
}

async function bare(url: string, client: MixroomClient, fileIds: string[]): Promise<BareResult> {
  const browser = await launch();
  try {
    const page = await signedIn(browser, url, client);
    await page.goto(`${url}/health`);
    // Plain JavaScript (tsx would wrap named inner functions in a helper the page does not have).
    const script = `(async (ids, sr) => {
      const ctx = new AudioContext({ latencyHint: 'interactive', sampleRate: sr });
      const t0 = performance.now();
      const buffers = [];
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next++];
          const res = await fetch('/api/files/' + id + '/audio', { credentials: 'same-origin' });
          buffers.push(await ctx.decodeAudioData(await res.arrayBuffer()));
        }
      };
      await Promise.all([worker(), worker(), worker()]);
      console.log('decoded', buffers.length);
      const loadMs = performance.now() - t0;
      window.__bare = buffers; // keep them alive, as the mixer does
      const code = "registerProcessor('onset', class extends AudioWorkletProcessor {" +
        "constructor() { super(); this.armed = true; }" +
        "process(inputs) { const ch = inputs[0] && inputs[0][0];" +
        "if (this.armed && ch) for (let i = 0; i < ch.length; i++) if (Math.abs(ch[i]) > 1e-4) {" +
        "this.armed = false; this.port.postMessage(currentTime + i / sampleRate); break; }" +
        "return true; } });";
      await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
      const probe = new AudioWorkletNode(ctx, 'onset');
      const bus = ctx.createGain();
      bus.connect(probe);
      bus.connect(ctx.destination);
      probe.connect(ctx.destination);
      const onset = new Promise((resolve) => { probe.port.onmessage = (e) => resolve(e.data); });
      const pressed = performance.now();
      const when = ctx.currentTime + 0.02;
      for (const b of buffers) {
        const src = ctx.createBufferSource();
        src.buffer = b;
        src.connect(bus);
        src.start(when);
      }
      console.log('started', when, ctx.state);
      const at = await onset;
      const ts = ctx.getOutputTimestamp();
      const audible = (t) => ts.performanceTime + (t - ts.contextTime) * 1000;
      return {
        loadMs,
        decodedBytes: buffers.reduce((a, b) => a + b.length * b.numberOfChannels * 4, 0),
        playToSoundMs: audible(at) - pressed,
        scheduledMs: audible(when) - pressed,
      };
    })(${JSON.stringify(fileIds)}, ${SR})`;
    const r = (await withTimeout(page.evaluate(script), 10 * 60_000, 'bare page timed out')) as Omit<
      BareResult,
      'memory'
    >;
    await page.waitForTimeout(500);
    return { ...r, memory: await memory(browser, page) };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- the mixer

interface MixerResult {
  startupMs: number;
  decodedBytes: number;
  playToSoundMs: number | null;
  scheduledMs: number;
  idleMemory: Memory;
  memory: Memory;
  outputLatencyMs: number;
}

async function mixer(
  url: string,
  client: MixroomClient,
  sessionId: string,
  stems: number,
): Promise<MixerResult> {
  const browser = await launch();
  try {
    const page = await signedIn(browser, url, client);
    // Idle baseline in the same page: the session open on its Members tab (app, sockets, no audio).
    await page.goto(`${url}/sessions/${sessionId}/members`);
    await page.getByRole('tab', { name: 'Members' }).waitFor();
    await page.waitForTimeout(1000);
    const idleMemory = await memory(browser, page);
    const t0 = Date.now();
    await page.goto(`${url}/sessions/${sessionId}/mixer`);
    await page.waitForFunction(
      (n) => {
        const s = (globalThis as Hooked).__mixroomMixer?.engine.state();
        return !!s && Object.values(s.stems).filter((x) => x.status === 'ready').length >= n;
      },
      stems,
      { timeout: 10 * 60_000, polling: 50 },
    );
    const startupMs = Date.now() - t0;
    await page.waitForFunction(
      () => (globalThis as Hooked).__mixroomMixer?.engine.state().metersReady === true,
    );
    await page.evaluate(() => {
      const g = globalThis as Hooked;
      g.__probe = g.__mixroomMixer!.measureNextPlay();
    });
    await page.getByRole('button', { name: 'Play stems' }).click();
    log('  play probe');
    const probe = await withTimeout(
      page.evaluate(() => (globalThis as Hooked).__probe!),
      60_000,
      'no sound after pressing play',
    );
    await page.waitForTimeout(1500);
    const mem = await memory(browser, page);
    const decodedBytes = await page.evaluate(() => (globalThis as Hooked).__mixroomMixer!.decodedBytes());
    return {
      startupMs,
      decodedBytes,
      playToSoundMs: probe.onsetAudibleMs === null ? null : probe.onsetAudibleMs - probe.clickMs,
      scheduledMs: probe.scheduledAudibleMs - probe.clickMs,
      idleMemory,
      memory: mem,
      outputLatencyMs: (probe.outputLatency + probe.baseLatency) * 1000,
    };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- two people: change latency, follow drift

interface TogetherResult {
  changeSamples: { editToAudibleMs: number; arrivalToAudibleMs: number; arrivalToAppliedMs: number }[];
  /** Steady-state drift samples, ms (the 3 s after the seek are left out: see settleMs). */
  drift: number[];
  /** After the leader's seek: when the follower was back within 50 ms for good, ms after the seek. */
  settleMs: number;
  corrections: number;
  dropouts: number;
}

async function together(
  url: string,
  engineer: MixroomClient,
  artist: MixroomClient,
  sessionId: string,
): Promise<TogetherResult> {
  const browser = await launch();
  try {
    const e = await signedIn(browser, url, engineer);
    const a = await signedIn(browser, url, artist);
    for (const p of [e, a]) {
      await p.goto(`${url}/sessions/${sessionId}/mixer`);
      await p.waitForFunction(
        () => {
          const s = (globalThis as Hooked).__mixroomMixer?.engine.state();
          return !!s && s.metersReady && Object.values(s.stems).every((x) => x.status === 'ready');
        },
        undefined,
        { timeout: 120_000 },
      );
    }
    // The pad plays all through the verse (8-24 s): the artist drops it 60 dB and brings it back; the
    // engineer's stem meter times the first loud sample after each return.
    const padStem = await e.evaluate(() =>
      (globalThis as Hooked).__mixroomMixer!.engine.mixState.stems.find((s) => /pad/i.test(s.name)),
    );
    if (!padStem) throw new Error('the demo has no pad stem');
    const pad = padStem.id;
    const padLabel = `Verse ${padStem.name} offset`;
    await e.evaluate(() => (globalThis as Hooked).__mixroomMixer!.engine.seek(9));
    await e.getByRole('button', { name: 'Play stems' }).click();
    const changeSamples: TogetherResult['changeSamples'] = [];
    for (let i = 0; i < (QUICK ? 4 : 10); i++) {
      await a.getByLabel(padLabel).fill('-60');
      await e.waitForTimeout(400);
      const probe = e.evaluate(
        (id) => (globalThis as Hooked).__mixroomMixer!.nextStemOnset(id, 10 ** (-40 / 20)),
        pad,
      );
      await e.waitForTimeout(100);
      const editEpoch = await a.evaluate(() => performance.timeOrigin + performance.now());
      await a.getByLabel(padLabel).fill('0');
      const onset = await probe;
      const upd = await e.evaluate(() => (globalThis as Hooked).__mixroomMixer!.lastRemoteUpdate());
      if (onset) {
        changeSamples.push({
          editToAudibleMs: onset.epochMs - editEpoch,
          arrivalToAudibleMs: onset.onsetAudibleMs - upd.arrivedMs,
          arrivalToAppliedMs: upd.appliedMs - upd.arrivedMs,
        });
      }
      await e.evaluate(() => {
        const m = (globalThis as Hooked).__mixroomMixer!.engine;
        if (m.isPlaying && m.position() > 20) m.seek(9);
      });
    }
    await e.getByRole('button', { name: 'Pause stems' }).click();

    // Follow: the artist follows; the engineer plays from 0 and seeks once; drift sampled every 200 ms.
    await a
      .locator('[data-testid="mixer"]')
      .getByRole('button', { name: /^Follow / })
      .first()
      .click();
    await e.evaluate(() => (globalThis as Hooked).__mixroomMixer!.engine.seek(0));
    await e.getByRole('button', { name: 'Play stems' }).click();
    const audible = (p: Page) => p.evaluate(() => (globalThis as Hooked).__mixroomMixer!.audible());
    const deadline = Date.now() + 10_000;
    while (!(await audible(a)).playing && Date.now() < deadline) await a.waitForTimeout(50);
    await a.waitForTimeout(1500);
    const drift: number[] = [];
    const afterSeek: { sinceMs: number; driftMs: number }[] = [];
    const seconds = QUICK ? 8 : 20;
    let seekAt = 0;
    for (let i = 0; i < seconds * 10; i++) {
      if (i === seconds * 5) {
        seekAt = await e.evaluate(() => {
          (globalThis as Hooked).__mixroomMixer!.engine.seek(30);
          return performance.timeOrigin + performance.now();
        });
      }
      const [l, f] = await Promise.all([audible(e), audible(a)]);
      const d = Math.abs(f.position - (l.position + (f.epochMs - l.epochMs) / 1000)) * 1000;
      if (seekAt && f.epochMs - seekAt < 3000) afterSeek.push({ sinceMs: f.epochMs - seekAt, driftMs: d });
      else drift.push(d);
      await a.waitForTimeout(100);
    }
    const stats = await a.evaluate(() => (globalThis as Hooked).__mixroomMixer!.follow());
    const stalls = await Promise.all(
      [e, a].map((p) => p.evaluate(() => (globalThis as Hooked).__mixroomMixer!.stalls().length)),
    );
    // Settling: the first moment after the seek from which the follower stayed within 50 ms.
    const lastBad = [...afterSeek].reverse().find((x) => x.driftMs >= 50);
    const settleMs = lastBad
      ? (afterSeek.find((x) => x.sinceMs > lastBad.sinceMs)?.sinceMs ?? Number.NaN)
      : (afterSeek[0]?.sinceMs ?? Number.NaN);
    return {
      changeSamples,
      drift,
      settleMs,
      corrections: stats.corrections,
      dropouts: stalls[0]! + stalls[1]!,
    };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- main

async function main() {
  ensureWebBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'mixroom-bench-web-'));
  const server = await startServer(dataDir);
  const lines: string[] = [];
  try {
    const url = server.url;
    // Demo session: its engineer is a fresh user (the demo is offered to people without sessions).
    const demoOwner = await signUp(url, 'Engineer');
    const { session: demo } = await demoOwner.call(demoRoutes.createDemo, {});
    const demoRevs = await demoOwner.call(mediaRoutes.listRevisions, { params: { id: demo.id } });
    for (const r of demoRevs.revisions) await waitAnalysed(demoOwner, r.id);
    // The stems the mixer plays: per stem name, the latest revision's file (a new revision's stems take
    // over same-named ones).
    const byName = new Map<string, string>();
    for (const r of [...demoRevs.revisions].sort((x, y) => x.number - y.number)) {
      for (const f of r.files) if (f.kind === 'stem') byName.set(f.name, f.id);
    }
    const demoStemIds = [...byName.values()];
    // Invite an artist for the two-person measurements.
    const artist = await signUp(url, 'Artist');
    const { token } = await demoOwner.call(sessionRoutes.createInvite, {
      params: { id: demo.id },
      body: { role: 'artist' },
    });
    await artist.call(sessionRoutes.acceptInvite, { params: { token }, body: {} });

    // Big session: 16 stereo stems.
    const bigOwner = await signUp(url, 'BigEngineer');
    const { session: big } = await bigOwner.call(sessionRoutes.createSession, {
      body: { title: 'Sixteen stems' },
    });
    const tGen = Date.now();
    const stemUploads: string[] = [];
    for (let i = 0; i < BIG_STEMS; i++)
      stemUploads.push(await upload(bigOwner, big.id, `stem-${i + 1}.wav`, stemWav(i, BIG_SECONDS)));
    const mixUpload = await upload(bigOwner, big.id, 'mix.wav', stemWav(99, BIG_SECONDS));
    const { revision: bigRev } = await bigOwner.call(mediaRoutes.createRevision, {
      params: { id: big.id },
      body: { mixUploadId: mixUpload, stemUploadIds: stemUploads },
    });
    await waitAnalysed(bigOwner, bigRev.id);
    console.log(
      `generated and uploaded ${BIG_STEMS} x ${BIG_SECONDS} s stems in ${((Date.now() - tGen) / 1000).toFixed(0)} s`,
    );
    const bigStemIds = bigRev.files.filter((f) => f.kind === 'stem').map((f) => f.id);

    const rows: string[][] = [];
    let biggest = { name: '', decoded: 0, pss: 0, peak: 0 };
    for (const [name, owner, sessionId, ids] of [
      ['demo (6 stems, 60 s)', demoOwner, demo.id, demoStemIds],
      [`generated (${BIG_STEMS} stereo stems, ${BIG_SECONDS} s)`, bigOwner, big.id, bigStemIds],
    ] as const) {
      log(name, 'bare page');
      const b = await bare(url, owner, [...ids]);
      log(name, 'mixer');
      const m = await mixer(url, owner, sessionId, ids.length);
      console.log(name, JSON.stringify({ bare: b, mixer: m }));
      if (m.decodedBytes > biggest.decoded) {
        biggest = {
          name,
          decoded: m.decodedBytes,
          pss: m.memory.rendererPss,
          peak: m.memory.rendererPeakRss,
        };
      }
      rows.push([
        name,
        `${(m.startupMs / 1000).toFixed(2)} s`,
        `${(b.loadMs / 1000).toFixed(2)} s`,
        `${(m.startupMs / b.loadMs).toFixed(2)}x`,
        ms(m.playToSoundMs),
        ms(b.playToSoundMs),
        mb(m.decodedBytes),
        `${mb(m.memory.rendererPss)} / ${mb(m.memory.rendererPeakRss)}`,
        `${mb(b.memory.rendererPss)} / ${mb(b.memory.rendererPeakRss)}`,
        `${(m.memory.rendererPss / b.memory.rendererPss).toFixed(2)}x`,
        `${mb(m.idleMemory.rendererPss)} -> ${mb(m.memory.rendererPss)}`,
        `${mb(m.memory.jsHeapUsed)} / ${mb(b.memory.jsHeapUsed)}`,
        ms(m.outputLatencyMs),
      ]);
    }
    log('two people');
    const t = await together(url, demoOwner, artist, demo.id);
    console.log(JSON.stringify(t));

    const edit = t.changeSamples.map((s) => s.editToAudibleMs);
    const arrival = t.changeSamples.map((s) => s.arrivalToAudibleMs);
    const applied = t.changeSamples.map((s) => s.arrivalToAppliedMs);
    const date = new Date().toISOString().slice(0, 10);
    const chromium = execFileSync('/usr/bin/chromium', ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const load = loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ');
    lines.push(
      '## Mixer in the browser (bench/web)',
      '',
      `Command: \`node --conditions=source --import tsx bench/web/run.ts${QUICK ? ' --quick' : ''}\` (also \`npm run bench -- web\`;`,
      'add `--update-benchmarks-md` to rewrite this section). Server: child process, PGlite; one fresh headless',
      `Chromium per page (${chromium}, flags from STACK-NOTES.md). ${date}, ${cpus()[0]?.model.trim() ?? 'CPU'}, ${cpus().length} cores,`,
      `load average at the end ${load} (the machine is shared).`,
      '',
      '| session | mixer start-up | bare fetch+decode | ratio | play -> first sound (mixer) | same, bare page | decoded audio | renderer PSS / peak RSS (mixer) | same (bare page) | PSS ratio | PSS: session page idle -> mixer playing | JS heap mixer / bare | output latency |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
      ...(biggest.decoded > 1024 ** 3
        ? [
            `Fully decoding the ${biggest.name} session costs more than 1 GB: ${mb(biggest.decoded)} of decoded`,
            `float audio, ${mb(biggest.pss)} renderer PSS and a ${mb(biggest.peak)} peak while decoding — too much`,
            'for a modest laptop, and far beyond what a phone browser keeps alive. The design that fixes it is',
            'streaming instead of decoding up front: a Web Worker fetches each stem in chunks of a few seconds with',
            'HTTP Range requests (the audio route serves 206), decodes them (a PCM parser for WAV/AIFF, WebCodecs',
            '`AudioDecoder` for FLAC/MP3) and writes the samples into one ring buffer per stem in a SharedArrayBuffer',
            '(which needs cross-origin isolation: COOP/COEP headers); one AudioWorklet reads every ring at the same',
            'frame index — sample alignment comes from the shared read position rather than a shared `start()` time —',
            'and feeds one output per stem into the same level/mute/pan GainNodes, so the mix-model automation is',
            'scheduled exactly as now. Memory is then stems x ring length (16 stereo stems x 10 s = 61 MB) for any',
            'song length; a seek refills the rings from the new Range offset. Not built yet: the mixer decodes whole',
            'stems today.',
            '',
          ]
        : []),
      'Two people on the demo session (one browser, two contexts, sync through the server):',
      '',
      '| measure | samples | p50 | p95 | max |',
      '|---|---|---|---|---|',
      `| artist's edit -> first louder sample audible on the engineer's page | ${edit.length} | ${ms(median(edit))} | ${ms(pct(edit, 0.95))} | ${ms(Math.max(...edit))} |`,
      `| update arrives in the engineer's page -> audible (target <= 50 ms) | ${arrival.length} | ${ms(median(arrival))} | ${ms(pct(arrival, 0.95))} | ${ms(Math.max(...arrival))} |`,
      `| update arrives -> automation re-scheduled | ${applied.length} | ${ms(median(applied))} | ${ms(pct(applied, 0.95))} | ${ms(Math.max(...applied))} |`,
      `| follow drift, follower vs leader, steady playing (target <= 50 ms; ${t.corrections} re-seeks, ${t.dropouts} audio dropouts) | ${t.drift.length} | ${ms(median(t.drift))} | ${ms(pct(t.drift, 0.95))} | ${ms(Math.max(...t.drift))} |`,
      `| after the leader seeks: follower back within 50 ms for good | 1 | ${ms(t.settleMs)} | | |`,
      '',
      'Method:',
      '- Start-up: from `page.goto` of the Mixer tab to every stem decoded (app boot, session, sync socket, audio',
      '  fetch over HTTP and `decodeAudioData`, 3 at a time). Baseline: a bare page on the same origin fetching and',
      '  decoding the same files, 3 at a time, from the moment its script starts.',
      "- Play -> first sound: the Play button click's `event.timeStamp` to the moment the first non-silent sample",
      "  (|x| > 1e-4) leaves the speakers. The meter AudioWorklet reports that sample's context time; it is mapped",
      '  to `performance.now()` time with `AudioContext.getOutputTimestamp()`, so output latency is included. The',
      '  bare page measures from its `start()` call with the same probe. The mixer schedules its sources 20 ms ahead',
      '  (all stems share one `when`) and fades in over 6 ms, so a sample above -80 dBFS appears a little later.',
      "- Memory: the page's renderer process (the largest renderer that CDP `SystemInfo.getProcessInfo` lists; one",
      '  page per browser), after a forced GC: PSS from /proc/<pid>/smaps_rollup (shared pages split between',
      "  processes) and peak RSS (VmHWM: includes the decoder's transient buffers). JS heap: CDP",
      '  `Performance.getMetrics` JSHeapUsedSize. AudioBuffers live outside the JS heap, so "decoded audio" counts',
      '  frames x channels x 4 bytes. The bare page holds exactly the decoded buffers, so the PSS ratio is what',
      '  the app and the mixer add on top of the audio itself; "session page idle" is the same page on the',
      "  session's Members tab before the mixer opens.",
      '- Edit -> audible: the engineer plays the verse; the artist types a Pad offset of -60 dB, then 0 dB; the',
      "  engineer's Pad meter worklet reports the first sample above -40 dBFS after the edit; both pages' clocks are",
      '  wall-clock (`performance.timeOrigin + now`). "Arrives" is the Y.Doc `update` event from the sync socket.',
      '- Follow drift: both pages report their audible song position (output timestamp based) with a wall-clock',
      '  time; the difference is taken at the same instant, every 100 ms for 20 s (8 s with --quick). The leader',
      '  seeks once in the middle; the 3 s after it count towards the settling time, the rest towards the drift.',
    );
  } catch (error) {
    console.error(`server output (last 3000 characters):\n${server.output().slice(-3000)}`);
    console.error(`server exit code: ${server.child.exitCode} signal: ${server.child.signalCode}`);
    throw error;
  } finally {
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  const section = lines.join('\n');
  console.log(`\n${section}\n`);
  if (args.has('--update-benchmarks-md')) {
    const path = join(root, 'BENCHMARKS.md');
    const md = readFileSync(path, 'utf8');
    const start = md.indexOf('## Mixer in the browser (bench/web)');
    let next = start < 0 ? -1 : md.indexOf('\n## ', start + 5);
    if (next < 0) next = md.length;
    const out =
      start < 0
        ? `${md.trimEnd()}\n\n${section}\n`
        : `${md.slice(0, start)}${section}\n${md.slice(next).replace(/^\n+/, '\n')}`;
    writeFileSync(path, out);
    console.log('BENCHMARKS.md updated');
  }
}

await main();
