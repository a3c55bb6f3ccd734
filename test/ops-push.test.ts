import { createHash } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { mediaRoutes, type Revision } from '@mixroom/contract';
import { uploads } from '@mixroom/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../apps/cli/src/cli.js';
import {
  type PushOptions,
  PushState,
  planPush,
  pushRevision,
  runPush,
  watchFolder,
} from '../apps/cli/src/commands/push.js';
import { sineWav } from './support/audio-fixtures.js';
import { createSessionCast, type SessionCast, startTestServer, type TestServer } from './support/server.js';
import { personalToken, waitFor } from './support/sync.js';

let t: TestServer;
let cast: SessionCast;
let token: string;
let dir: string;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** In-memory stdout/stderr for the command. */
function io(tty = false) {
  const stdout = Object.assign(new PassThrough(), { isTTY: tty });
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

async function revisions(): Promise<Revision[]> {
  const { revisions } = await cast.engineer.call(mediaRoutes.listRevisions, {
    params: { id: cast.sessionId },
  });
  return revisions;
}

async function uploadBytesMetric(): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('mixroom_upload_bytes_total '));
  return Number(line?.split(' ')[1] ?? 0);
}

beforeAll(async () => {
  t = await startTestServer();
  cast = await createSessionCast(t.url, 'Night Drive');
  token = await personalToken(cast.engineer);
  dir = mkdtempSync(join(tmpdir(), 'mixroom-push-'));
});

afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mixroom push', () => {
  it('delivers a bounce folder as a revision: the mix-named file is the bounce, the other audio files stems', async () => {
    const folder = join(dir, 'bounces');
    mkdirSync(folder);
    const files = {
      'Night Drive MIX v3.wav': sineWav({ seconds: 1, frequencyHz: 440 }),
      'drums.wav': sineWav({ seconds: 1, frequencyHz: 110 }),
      'bass.wav': sineWav({ seconds: 1, frequencyHz: 55 }),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(folder, name), bytes);
    // The newest file is a stem: the name decides.
    utimesSync(
      join(folder, 'Night Drive MIX v3.wav'),
      new Date(Date.now() - 60_000),
      new Date(Date.now() - 60_000),
    );
    writeFileSync(join(folder, 'notes.txt'), 'not audio');
    writeFileSync(join(folder, '.hidden.wav'), 'not a bounce');
    const state = join(dir, 'state-folder.json');

    const cli = io();
    const code = await runCli(
      [
        'push',
        folder,
        '--session',
        cast.sessionId,
        '--server',
        t.url,
        '--token',
        token,
        '--state',
        state,
        '-m',
        'Vocal up 1 dB in the chorus',
      ],
      cli.io,
    );
    expect(cli.err()).not.toMatch(/failed|error/i);
    expect(code).toBe(0);
    expect(cli.out()).toMatch(/^Revision 1 delivered: Night Drive MIX v3\.wav \+ 2 stems \(/);
    // Not a terminal: plain lines, no redrawn bar.
    expect(cli.err()).toContain('Uploading Night Drive MIX v3.wav');
    expect(cli.err()).not.toContain('\r');

    const [revision] = await revisions();
    expect(revision?.number).toBe(1);
    expect(revision?.changelog).toBe('Vocal up 1 dB in the chorus');
    expect(revision?.files.map((f) => [f.kind, f.filename, f.sha256])).toEqual([
      ['mix', 'Night Drive MIX v3.wav', sha(files['Night Drive MIX v3.wav'])],
      ['stem', 'bass.wav', sha(files['bass.wav'])],
      ['stem', 'drums.wav', sha(files['drums.wav'])],
    ]);
    // Delivered uploads are forgotten: pushing the same folder again is a new revision, not a resume.
    expect(JSON.parse(readFileSync(state, 'utf8')).uploads).toEqual({});
  });

  it('takes the server and token from the environment, and a single file is the bounce alone', async () => {
    const file = join(dir, 'single.wav');
    const bytes = sineWav({ seconds: 0.5 });
    writeFileSync(file, bytes);
    const cli = io();
    const code = await runPush(
      ['--session', cast.sessionId, file, '--state', join(dir, 'state-single.json')],
      cli.io,
      {
        MIXROOM_SERVER: t.url,
        MIXROOM_TOKEN: token,
      },
    );
    expect(cli.err()).toContain('single.wav: uploaded');
    expect(code).toBe(0);
    const [latest] = await revisions();
    expect(latest?.number).toBe(2);
    expect(latest?.files.map((f) => f.sha256)).toEqual([sha(bytes)]);
  });

  it('explains what is missing', async () => {
    const cli = io();
    expect(await runPush([join(dir, 'single.wav'), '--session', cast.sessionId], cli.io, {})).toBe(2);
    expect(cli.err()).toContain('--server URL (or MIXROOM_SERVER) is required');
    const wrong = io();
    const code = await runPush(
      [join(dir, 'single.wav'), '--session', cast.sessionId, '--server', t.url, '--token', 'not-a-token'],
      wrong.io,
      { MIXROOM_STATE_FILE: join(dir, 'state-wrong.json') },
    );
    expect(code).toBe(1);
    expect(wrong.err()).toMatch(/single\.wav: .*\(HTTP 401\)/);
  });

  it('resumes an interrupted upload without sending the part the server already has', async () => {
    const file = join(dir, 'long mix.wav');
    const bytes = sineWav({ seconds: 20 }); // 3.84 MB
    writeFileSync(file, bytes);
    const stateFile = join(dir, 'state-resume.json');
    const controller = new AbortController();
    const options: PushOptions = {
      server: t.url,
      token,
      sessionId: cast.sessionId,
      chunkSize: 256 * 1024,
      state: new PushState(stateFile),
      stderr: new PassThrough(),
      signal: controller.signal,
      onChunkComplete: (_file, accepted, total) => {
        if (accepted >= total * 0.4) controller.abort();
      },
    };
    await expect(pushRevision(await planPush(file), options)).rejects.toMatchObject({ exitCode: 130 });

    // The upload is remembered, and the server kept what arrived.
    const entries = Object.values(JSON.parse(readFileSync(stateFile, 'utf8')).uploads) as { url: string }[];
    expect(entries).toHaveLength(1);
    const id = (entries[0] as { url: string }).url.split('/').pop() as string;
    const head = await fetch(`${t.url}/api/uploads/${id}`, {
      method: 'HEAD',
      headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}` },
    });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(bytes.length * 0.4);
    expect(offset).toBeLessThan(bytes.length);

    const before = await uploadBytesMetric();
    const cli = io();
    const code = await runPush(
      [file, '--session', cast.sessionId, '--server', t.url, '--token', token, '--state', stateFile],
      cli.io,
      {},
    );
    expect(cli.err()).toContain(`resuming at ${(offset / 1024 / 1024).toFixed(1)} MiB`);
    expect(code).toBe(0);
    // The server received exactly the missing bytes on the second run.
    expect((await uploadBytesMetric()) - before).toBe(bytes.length - offset);
    const [latest] = await revisions();
    expect(latest?.files[0]?.filename).toBe('long mix.wav');
    expect(latest?.files[0]?.sha256).toBe(sha(bytes));
    expect(latest?.files[0]?.size).toBe(bytes.length);
  });
});

/** Drives the watcher's checks one at a time, so the test decides when each check happens. */
function checkGate(watching: () => Promise<void>) {
  let release: (() => void) | undefined;
  let parked!: () => void;
  let arrival = new Promise<void>((r) => {
    parked = r;
  });
  return {
    tick: () =>
      new Promise<void>((r) => {
        release = r;
        parked();
      }),
    /** Waits for the watcher to be waiting for its next check. */
    ready: () => arrival,
    /** Lets one check run and waits until it is done (the watcher waits again, or has finished). */
    async check() {
      await arrival;
      arrival = new Promise<void>((r) => {
        parked = r;
      });
      const go = release;
      release = undefined;
      go?.();
      await Promise.race([arrival, watching()]);
    },
  };
}

describe('mixroom push --watch', () => {
  it('pushes a bounce written in two chunks only once it has stopped changing', async () => {
    const folder = join(dir, 'watched');
    mkdirSync(folder);
    writeFileSync(join(folder, 'old mix.wav'), sineWav({ seconds: 0.2 })); // there before: never pushed
    const bytes = sineWav({ seconds: 2, frequencyHz: 220 });
    const half = Math.floor(bytes.length / 2);
    const path = join(folder, 'Night Drive mix v4.wav');
    const pushed: string[] = [];
    const waiting: number[] = [];
    let watch: Promise<void> | undefined;
    const gate = checkGate(() => watch as Promise<void>);
    const options: PushOptions = {
      server: t.url,
      token,
      sessionId: cast.sessionId,
      state: new PushState(join(dir, 'state-watch.json')),
      stderr: new PassThrough(),
    };
    const revisionsBefore = (await revisions()).length;
    const uploadsBefore = (await t.database.db.select().from(uploads)).length;
    watch = watchFolder(folder, {
      stableChecks: 3,
      once: true,
      tick: gate.tick,
      onWaiting: (_file, size) => waiting.push(size),
      push: async (plan) => {
        pushed.push(plan.mix);
        await pushRevision(plan, options);
      },
    });
    await gate.ready();

    writeFileSync(path, bytes.subarray(0, half)); // the DAW starts writing
    for (let i = 0; i < 3; i++) await gate.check(); // seen, then unchanged twice: not yet 3 checks
    expect(waiting).toEqual([half]);
    expect(pushed).toEqual([]);
    expect(await t.database.db.select().from(uploads)).toHaveLength(uploadsBefore); // nothing started

    appendFileSync(path, bytes.subarray(half)); // ...and finishes
    for (let i = 0; i < 3; i++) await gate.check();
    expect(waiting).toEqual([half, bytes.length]);
    expect(pushed).toEqual([]);
    await gate.check(); // the third unchanged check: finished
    await watch;
    expect(pushed).toEqual([path]);

    const all = await revisions();
    expect(all.length).toBe(revisionsBefore + 1);
    expect(all[0]?.files.map((f) => [f.filename, f.size, f.sha256])).toEqual([
      ['Night Drive mix v4.wav', bytes.length, sha(bytes)],
    ]);
  });

  it('runs from the command line: --watch --once pushes the next bounce and exits', async () => {
    const folder = join(dir, 'watched-cli');
    mkdirSync(folder);
    const cli = io();
    const running = runPush(
      [
        folder,
        '--watch',
        '--once',
        '--interval',
        '20',
        '--stable-checks',
        '2',
        '--session',
        cast.sessionId,
        '--server',
        t.url,
        '--token',
        token,
        '--state',
        join(dir, 'state-watch-cli.json'),
      ],
      cli.io,
      {},
    );
    await waitFor(() => cli.err().includes('watching'), 'the watcher to start');
    const bytes = sineWav({ seconds: 1, frequencyHz: 330 });
    writeFileSync(join(folder, 'bounce.wav'), bytes);
    expect(await running).toBe(0);
    expect(cli.out()).toMatch(/^Revision \d+ delivered: bounce\.wav \(/);
    const [latest] = await revisions();
    expect(latest?.files.map((f) => f.sha256)).toEqual([sha(bytes)]);
  });
});
