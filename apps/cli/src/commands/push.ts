import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CreateRevisionBody, Revision } from '@mixroom/contract';
import { type DetailedError, Upload } from 'tus-js-client';
import type { CliIo, Command } from './types.js';

const USAGE = `Usage: mixroom push FILE|FOLDER --session ID [--server URL] [--token T] [options]

Uploads a bounce as a new revision of a session (resumable: run the same command again after an
interruption and it continues where it stopped).

  FILE     the bounce alone
  FOLDER   the bounce plus its stems: every audio file directly in the folder (WAV, AIFF, FLAC, MP3;
           hidden files ignored). The bounce is the file whose name contains "mix", "master" or
           "bounce" (the newest of them if several), otherwise the newest file; all others are stems,
           in name order. --mix NAME picks the bounce explicitly.

Options:
  --session ID        the session to deliver to (required)
  --server URL        Mixroom server (default: $MIXROOM_SERVER)
  --token T           personal access token (default: $MIXROOM_TOKEN; create one under your account)
  -m, --changelog T   what changed in this revision
  --mix NAME          file name (in FOLDER) of the bounce
  --watch             wait for the DAW to write a new bounce into FOLDER, then push it (and keep
                      watching; --once stops after the first push). A file counts as finished when
                      its size and modification time stay the same for --stable-checks checks.
  --once              with --watch: exit after one push
  --interval MS       with --watch: time between checks (default 1000)
  --stable-checks N   with --watch: unchanged checks before a file counts as finished (default 3)
  --chunk-size BYTES  upload request size (default 8388608); a resumed upload restarts at most one chunk
  --state FILE        where unfinished uploads are remembered (default: $MIXROOM_STATE_FILE, else
                      ~/.local/state/mixroom/push-state.json)
  -h, --help          show this help

Exit status: 0 revision created, 1 a file or request failed, 2 usage error, 130 interrupted.`;

const AUDIO_TYPES: Record<string, string> = {
  '.wav': 'audio/wav',
  '.wave': 'audio/wav',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
  '.flac': 'audio/flac',
  '.mp3': 'audio/mpeg',
};
const BOUNCE_NAME = /(^|[^a-z])(mix|master|bounce)/i;

export interface PushPlan {
  mix: string;
  stems: string[];
}

interface FileInfo {
  path: string;
  name: string;
  size: number;
  mtimeMs: number;
}

export const isAudioFile = (name: string) =>
  !name.startsWith('.') && extname(name).toLowerCase() in AUDIO_TYPES;

async function audioFilesIn(dir: string): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !isAudioFile(entry.name)) continue;
    const path = join(dir, entry.name);
    const s = await stat(path);
    out.push({ path, name: entry.name, size: s.size, mtimeMs: s.mtimeMs });
  }
  return out;
}

/**
 * Which file is the bounce and which are stems (see USAGE): an explicit name, else the newest file named
 * like a mix, else the newest file. Stems keep name order.
 */
export function chooseBounce(files: FileInfo[], mixName?: string): PushPlan {
  if (files.length === 0) throw new PushError('there are no audio files (WAV, AIFF, FLAC, MP3) to push');
  const newest = (list: FileInfo[]) => list.reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
  let mix: FileInfo | undefined;
  if (mixName) {
    mix = files.find((f) => f.name === mixName);
    if (!mix) throw new PushError(`--mix ${mixName}: no such audio file`);
  } else {
    const named = files.filter((f) => BOUNCE_NAME.test(f.name.slice(0, -extname(f.name).length)));
    mix = newest(named.length > 0 ? named : files);
  }
  const stems = files
    .filter((f) => f !== mix)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => f.path);
  return { mix: mix.path, stems };
}

/** The plan for `mixroom push PATH`: a file alone, or a folder's bounce and stems. */
export async function planPush(path: string, mixName?: string): Promise<PushPlan> {
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(path);
  } catch {
    throw new PushError(`${path}: no such file or folder`);
  }
  if (s.isDirectory()) return chooseBounce(await audioFilesIn(path), mixName);
  if (!isAudioFile(basename(path))) throw new PushError(`${path}: not a WAV, AIFF, FLAC or MP3 file`);
  return { mix: path, stems: [] };
}

/** A failure with a message for the person at the terminal. */
export class PushError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'PushError';
  }
}

// --------------------------------------------------------------------------------------- resume state

interface StateEntry {
  url: string;
  size: number;
  file: string;
  updatedAt: string;
}
interface StateFile {
  version: 1;
  uploads: Record<string, StateEntry>;
}

export function defaultStateFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MIXROOM_STATE_FILE) return resolve(env.MIXROOM_STATE_FILE);
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'mixroom', 'push-state.json');
}

/**
 * Upload URLs of unfinished (and finished but not yet delivered) uploads, keyed by a fingerprint of the
 * file (server, session, real path, size, modification time), so a rerun resumes instead of starting over
 * and a changed file starts fresh.
 */
export class PushState {
  constructor(readonly path: string) {}

  private async read(): Promise<StateFile> {
    try {
      const data = JSON.parse(await readFile(this.path, 'utf8')) as StateFile;
      return data.version === 1 && data.uploads ? data : { version: 1, uploads: {} };
    } catch {
      return { version: 1, uploads: {} };
    }
  }

  private async write(data: StateFile): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.path);
  }

  async get(fingerprint: string): Promise<StateEntry | undefined> {
    return (await this.read()).uploads[fingerprint];
  }

  async set(fingerprint: string, entry: StateEntry): Promise<void> {
    const data = await this.read();
    data.uploads[fingerprint] = entry;
    await this.write(data);
  }

  async delete(fingerprints: string[]): Promise<void> {
    const data = await this.read();
    for (const f of fingerprints) delete data.uploads[f];
    await this.write(data);
  }
}

export async function fingerprintOf(path: string, server: string, sessionId: string): Promise<string> {
  const s = await stat(path);
  const real = await realpath(path);
  return createHash('sha256')
    .update([new URL(server).origin, sessionId, real, s.size, Math.round(s.mtimeMs)].join('\n'))
    .digest('hex')
    .slice(0, 32);
}

// ------------------------------------------------------------------------------------------- progress

const MiB = 1024 * 1024;
const fmtMiB = (n: number) => (n / MiB).toFixed(1);

/** A progress bar on a terminal (redrawn in place), plain start/finish lines anywhere else. */
export class Progress {
  private lastDraw = 0;
  private started = Date.now();
  private startBytes = 0;
  constructor(private readonly out: CliIo['stderr']) {}

  begin(name: string, total: number, resumedAt: number): void {
    this.started = Date.now();
    this.startBytes = resumedAt;
    const resume = resumedAt > 0 ? ` (resuming at ${fmtMiB(resumedAt)} MiB)` : '';
    if (!this.out.isTTY) this.out.write(`Uploading ${name} (${fmtMiB(total)} MiB)${resume}\n`);
  }

  update(name: string, sent: number, total: number): void {
    if (!this.out.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && sent < total) return;
    this.lastDraw = now;
    const width = 24;
    const ratio = total > 0 ? sent / total : 1;
    const filled = Math.round(ratio * width);
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = (sent - this.startBytes) / seconds;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.out.write(
      `\r\x1b[K${name}  ${bar} ${String(Math.floor(ratio * 100)).padStart(3)}%  ` +
        `${fmtMiB(sent)}/${fmtMiB(total)} MiB  ${fmtMiB(rate)} MiB/s`,
    );
  }

  end(name: string, total: number, skipped: boolean): void {
    if (this.out.isTTY) this.out.write('\r\x1b[K');
    this.out.write(skipped ? `${name}: already uploaded\n` : `${name}: uploaded ${fmtMiB(total)} MiB\n`);
  }
}

// --------------------------------------------------------------------------------------------- upload

export interface PushOptions {
  server: string;
  token: string;
  sessionId: string;
  changelog?: string;
  chunkSize?: number;
  state: PushState;
  stderr: CliIo['stderr'];
  signal?: AbortSignal;
  /** Test hook: called after the server acknowledged each chunk. */
  onChunkComplete?: (file: string, bytesAccepted: number, bytesTotal: number) => void;
}

function describeTusError(error: Error): string {
  const res = (error as DetailedError).originalResponse;
  if (res) {
    const status = res.getStatus();
    try {
      const body = JSON.parse(res.getBody()) as { error?: { message?: string } };
      if (body.error?.message) return `${body.error.message} (HTTP ${status})`;
    } catch {
      // tus protocol errors are plain text
    }
    const text = res.getBody()?.trim();
    return `the server answered HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  }
  return error.message.split('\n')[0] ?? error.message;
}

/** Uploads one file with tus, resuming a remembered upload of the same file; resolves with the upload id. */
async function uploadFile(
  path: string,
  options: PushOptions,
  progress: Progress,
): Promise<{ id: string; key: string }> {
  const name = basename(path);
  const { size } = await stat(path);
  const key = await fingerprintOf(path, options.server, options.sessionId);
  const previous = await options.state.get(key);
  return new Promise((resolvePromise, reject) => {
    let began = false;
    let sentAny = false;
    const upload = new Upload(createReadStream(path), {
      endpoint: `${options.server}/api/uploads`,
      uploadUrl: previous?.size === size ? previous.url : null,
      uploadSize: size,
      chunkSize: options.chunkSize ?? 8 * MiB,
      metadata: {
        sessionId: options.sessionId,
        filename: name,
        filetype: AUDIO_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
      },
      headers: { authorization: `Bearer ${options.token}` },
      retryDelays: [0, 1000, 3000, 5000, 10000],
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      onUploadUrlAvailable: () => {
        if (upload.url && upload.url !== previous?.url) {
          void options.state.set(key, {
            url: upload.url,
            size,
            file: path,
            updatedAt: new Date().toISOString(),
          });
        }
      },
      onProgress: (sent, total) => {
        if (!began) {
          began = true;
          progress.begin(name, total, sent);
        }
        sentAny ||= sent > 0;
        progress.update(name, sent, total);
      },
      onChunkComplete: (_chunk, accepted, total) => options.onChunkComplete?.(path, accepted, total),
      onSuccess: () => {
        if (!began) progress.begin(name, size, size);
        progress.end(name, size, !sentAny && previous !== undefined);
        const url = upload.url as string;
        resolvePromise({ id: url.slice(url.lastIndexOf('/') + 1), key });
      },
      onError: (error) => reject(new PushError(`${name}: ${describeTusError(error)}`)),
    });
    options.signal?.addEventListener(
      'abort',
      () => {
        // Keep the upload on the server: the next run resumes it.
        void upload.abort(false);
        reject(new PushError('interrupted; run the same command again to resume', 130));
      },
      { once: true },
    );
    if (options.signal?.aborted) return;
    upload.start();
  });
}

/** Uploads the bounce and stems (resuming where a previous run stopped) and creates the revision. */
export async function pushRevision(plan: PushPlan, options: PushOptions): Promise<Revision> {
  const progress = new Progress(options.stderr);
  const mix = await uploadFile(plan.mix, options, progress);
  const stems: { id: string; key: string }[] = [];
  for (const stem of plan.stems) stems.push(await uploadFile(stem, options, progress));
  // The revision itself, through the same contract route the web client uses.
  const body: CreateRevisionBody = {
    mixUploadId: mix.id,
    ...(stems.length > 0 ? { stemUploadIds: stems.map((s) => s.id) } : {}),
    ...(options.changelog ? { changelog: options.changelog } : {}),
  };
  const res = await fetch(
    `${options.server}/api/sessions/${encodeURIComponent(options.sessionId)}/revisions`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  );
  const answer = (await res.json().catch(() => ({}))) as {
    revision?: Revision;
    error?: { message?: string };
  };
  if (res.status !== 201 || !answer.revision) {
    throw new PushError(`creating the revision failed: ${answer.error?.message ?? `HTTP ${res.status}`}`);
  }
  const revision = answer.revision;
  // Delivered: these uploads are used up, a later push of the same files is a new revision.
  await options.state.delete([mix.key, ...stems.map((s) => s.key)]);
  return revision;
}

// ---------------------------------------------------------------------------------------------- watch

export interface WatchOptions {
  /** Unchanged checks before a new or changed file counts as finished. */
  stableChecks: number;
  /** Waits until the next check (default: setTimeout of the interval); tests pass a controllable one. */
  tick: () => Promise<void>;
  /** Pushes the finished files. */
  push: (plan: PushPlan) => Promise<void>;
  mixName?: string;
  once?: boolean;
  signal?: AbortSignal;
  /** Reports a file that is still being written. */
  onWaiting?: (file: string, size: number) => void;
  /** The folder's current content is recorded: only what appears or changes from now on is pushed. */
  onReady?: () => void;
}

/**
 * Watches a bounce folder: files that appear (or change) after the watch starts are pushed once every one
 * of them has kept its size and modification time for `stableChecks` checks in a row, the way a DAW's
 * export is finished only when it stops writing.
 */
export async function watchFolder(dir: string, options: WatchOptions): Promise<void> {
  const snapshot = async () => new Map((await audioFilesIn(dir)).map((f) => [f.name, f] as const));
  let baseline = await snapshot();
  let previous = baseline;
  options.onReady?.();
  const stable = new Map<string, number>();
  while (!options.signal?.aborted) {
    await options.tick();
    if (options.signal?.aborted) return;
    const now = await snapshot();
    const changed = [...now.values()].filter((f) => {
      const before = baseline.get(f.name);
      return !before || before.size !== f.size || before.mtimeMs !== f.mtimeMs;
    });
    for (const f of changed) {
      const last = previous.get(f.name);
      const same = last !== undefined && last.size === f.size && last.mtimeMs === f.mtimeMs;
      const count = same ? (stable.get(f.name) ?? 0) + 1 : 0;
      if (count === 0) options.onWaiting?.(f.path, f.size);
      stable.set(f.name, count);
    }
    previous = now;
    const finished =
      changed.length > 0 &&
      changed.every((f) => f.size > 0 && (stable.get(f.name) ?? 0) >= options.stableChecks);
    if (!finished) continue;
    await options.push(chooseBounce(changed, options.mixName));
    baseline = now;
    stable.clear();
    if (options.once) return;
  }
}

// ------------------------------------------------------------------------------------------------ CLI

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      session: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      changelog: { type: 'string', short: 'm' },
      mix: { type: 'string' },
      watch: { type: 'boolean' },
      once: { type: 'boolean' },
      interval: { type: 'string' },
      'stable-checks': { type: 'string' },
      'chunk-size': { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

const positiveInt = (name: string, value: string | undefined, fallback: number, min = 1): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new PushError(`--${name} must be a whole number >= ${min}`, 2);
  return n;
};

/** `mixroom push` with the environment and abort signal given (the command wires SIGINT to the signal). */
export async function runPush(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  signal?: AbortSignal,
): Promise<number> {
  const say = (line: string) => io.stderr.write(`mixroom push: ${line}\n`);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    say(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if (positionals.length !== 1) throw new PushError('expected one FILE or FOLDER', 2);
    const target = positionals[0] as string;
    const sessionId = values.session;
    if (!sessionId) throw new PushError('--session ID is required', 2);
    const server = (values.server ?? env.MIXROOM_SERVER ?? '').replace(/\/+$/, '');
    if (!server) throw new PushError('--server URL (or MIXROOM_SERVER) is required', 2);
    try {
      if (!/^https?:$/.test(new URL(server).protocol)) throw new Error();
    } catch {
      throw new PushError(`--server ${server}: not an http(s) URL`, 2);
    }
    const token = values.token ?? env.MIXROOM_TOKEN;
    if (!token) throw new PushError('--token T (or MIXROOM_TOKEN) is required', 2);
    if (values.once && !values.watch) throw new PushError('--once only applies to --watch', 2);
    const options: PushOptions = {
      server,
      token,
      sessionId,
      changelog: values.changelog,
      chunkSize: positiveInt('chunk-size', values['chunk-size'], 8 * MiB, 64 * 1024),
      state: new PushState(values.state ? resolve(values.state) : defaultStateFile(env)),
      stderr: io.stderr,
      signal,
    };
    const report = (revision: Revision) => {
      const stems = revision.files.length - 1;
      io.stdout.write(
        `Revision ${revision.number} delivered: ${revision.files[0]?.filename ?? ''}` +
          `${stems > 0 ? ` + ${stems} stem${stems === 1 ? '' : 's'}` : ''} (${revision.id})\n`,
      );
    };

    if (values.watch) {
      const dir = target;
      if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
        throw new PushError(`--watch needs a FOLDER, and ${dir} is not one`, 2);
      }
      const intervalMs = positiveInt('interval', values.interval, 1000, 10);
      const stableChecks = positiveInt('stable-checks', values['stable-checks'], 3);
      await watchFolder(dir, {
        onReady: () => say(`watching ${dir} for a new bounce (Ctrl-C to stop)`),
        stableChecks,
        mixName: values.mix,
        once: values.once,
        signal,
        tick: () => new Promise((r) => setTimeout(r, intervalMs)),
        onWaiting: (file, size) => say(`${basename(file)} is being written (${fmtMiB(size)} MiB so far)…`),
        push: async (plan) => report(await pushRevision(plan, options)),
      });
      return signal?.aborted ? 130 : 0;
    }

    report(await pushRevision(await planPush(target, values.mix), options));
    return 0;
  } catch (error) {
    if (error instanceof PushError) {
      say(error.exitCode === 2 ? `${error.message}\n${USAGE}` : error.message);
      return error.exitCode;
    }
    say((error as Error).message);
    return 1;
  }
}

export const pushCommand: Command = {
  name: 'push',
  summary: 'upload a bounce (and its stems) as a new revision of a session, resumably',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      return await runPush(argv, io, process.env, controller.signal);
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
