/**
 * Backups of a Mixroom installation: the database (PostgreSQL through pg_dump/pg_restore, or the embedded
 * PGlite data directory through PGlite's own dump) and the audio blob store, in one tar archive.
 *
 * Archive layout (`tar`, gzip-compressed when the name ends in .gz/.tgz):
 *   manifest.json                   what is inside, when and from what it was made
 *   database/postgres.dump          pg_dump custom format   — or —
 *   database/pglite-datadir.tar.gz  PGlite dumpDataDir()
 *   blobs/ab/cd/<sha256>            the content-addressed audio files, as on disk
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import * as tar from 'tar';

export const FORMAT = 'mixroom-backup';
export const FORMAT_VERSION = 1;
const PGLITE_DUMP = 'database/pglite-datadir.tar.gz';
const POSTGRES_DUMP = 'database/postgres.dump';
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface Manifest {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  database: { kind: 'pglite' | 'postgres'; file: string };
  blobs: { included: boolean; count: number; bytes: number };
}

/** A refusal or failure with a message meant for the person running the command. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface Target {
  /** DATA_DIR of the server: the embedded database lives in `db/`, audio in `blobs/`. */
  dataDir: string;
  /** PostgreSQL URL; unset = the embedded PGlite database in DATA_DIR/db. */
  databaseUrl?: string;
  /** Audio in an S3 bucket (BLOB_STORE=s3) is not copied: back the bucket up with its own tools. */
  blobStore?: 'fs' | 's3';
}

type Log = (line: string) => void;

/** Target from the same environment variables the server reads (flags win). */
export function targetFromEnv(
  env: NodeJS.ProcessEnv,
  flags: { dataDir?: string; databaseUrl?: string },
): Target {
  return {
    dataDir: resolve(flags.dataDir ?? (env.DATA_DIR || './data')),
    databaseUrl: flags.databaseUrl ?? (env.DATABASE_URL || undefined),
    blobStore: env.BLOB_STORE === 's3' ? 's3' : 'fs',
  };
}

// ---------------------------------------------------------------------------------------------- tools

const APT_HINT = 'sudo apt-get install -y postgresql-client';

/** Runs pg_dump/pg_restore; a missing program becomes an install hint, a failure its stderr. */
function run(program: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new BackupError(`${program} is not installed. On Debian or Ubuntu: ${APT_HINT}`)
          : error,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new BackupError(`${program} failed (exit ${code}):\n${stderr.trim()}`));
    });
  });
}

/** The URL without its password, for messages. */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid DATABASE_URL)';
  }
}

// ------------------------------------------------------------------------------------ embedded PGlite

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the embedded database directory the way the server does (the `mixroom.pid` file of
 * @mixroom/db), so no server can start on it while it is dumped or restored. Refuses while one runs.
 */
function lockPglite(dbDir: string): () => void {
  const lockPath = join(dbDir, 'mixroom.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isFinite(pid) && pid !== process.pid && pidAlive(pid)) {
        throw new BackupError(
          `A Mixroom server (process ${pid}) is using the embedded database in ${dbDir}. ` +
            'Stop it first: the embedded database can only be copied consistently while no server has it open.',
        );
      }
      rmSync(lockPath, { force: true }); // left behind by a process that died
    }
  }
  throw new BackupError(`Could not lock ${dbDir}`);
}

async function isEmptyDir(dir: string, ignore: string[] = []): Promise<boolean> {
  try {
    return (await readdir(dir)).filter((n) => !ignore.includes(n)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

// -------------------------------------------------------------------------------------------- blobs

async function* walkBlobs(root: string): AsyncGenerator<{ path: string; name: string }> {
  const list = async (dir: string) => {
    try {
      return await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };
  for (const a of await list(root)) {
    if (!a.isDirectory()) continue;
    for (const b of await list(join(root, a.name))) {
      if (!b.isDirectory()) continue;
      for (const f of await list(join(root, a.name, b.name))) {
        if (f.isFile() && SHA256_HEX.test(f.name))
          yield { path: join(root, a.name, b.name, f.name), name: f.name };
      }
    }
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// ------------------------------------------------------------------------------------------- backup

export interface BackupOptions extends Target {
  out: string;
  /** Overwrite an existing archive. */
  force?: boolean;
  log?: Log;
}

export async function backup(options: BackupOptions): Promise<Manifest> {
  const log = options.log ?? (() => {});
  const out = resolve(options.out);
  if (!options.force && (await stat(out).catch(() => undefined))) {
    throw new BackupError(`${out} already exists; choose another name or pass --force to overwrite it.`);
  }
  await mkdir(dirname(out), { recursive: true });
  const staging = await mkdtemp(join(dirname(out), '.mixroom-backup-'));
  try {
    await mkdir(join(staging, 'database'));
    let database: Manifest['database'];
    if (options.databaseUrl) {
      log(`Dumping PostgreSQL ${shownUrl(options.databaseUrl)} …`);
      await run('pg_dump', [
        '--format=custom',
        '--no-owner',
        '--no-acl',
        `--file=${join(staging, POSTGRES_DUMP)}`,
        `--dbname=${options.databaseUrl}`,
      ]);
      database = { kind: 'postgres', file: POSTGRES_DUMP };
    } else {
      const dbDir = join(options.dataDir, 'db');
      if (!(await stat(join(dbDir, 'PG_VERSION')).catch(() => undefined))) {
        throw new BackupError(
          `There is no embedded database in ${dbDir}. Set DATA_DIR to the server's data directory, ` +
            'or DATABASE_URL when it runs on PostgreSQL.',
        );
      }
      log(`Dumping the embedded database in ${dbDir} …`);
      const unlock = lockPglite(dbDir);
      try {
        const pg = await PGlite.create(dbDir);
        try {
          const dump = await pg.dumpDataDir('gzip');
          await writeFile(join(staging, PGLITE_DUMP), Buffer.from(await dump.arrayBuffer()));
        } finally {
          await pg.close();
        }
      } finally {
        unlock();
      }
      database = { kind: 'pglite', file: PGLITE_DUMP };
    }

    const blobs: Manifest['blobs'] = { included: options.blobStore !== 's3', count: 0, bytes: 0 };
    const blobRoot = join(options.dataDir, 'blobs');
    // The list is fixed here, so audio uploaded while the backup runs neither breaks nor sneaks into it.
    const blobEntries: string[] = [];
    if (blobs.included) {
      for await (const blob of walkBlobs(blobRoot)) {
        blobs.count += 1;
        blobs.bytes += (await stat(blob.path)).size;
        blobEntries.push(join('blobs', relative(blobRoot, blob.path)));
      }
      // tar follows this link, so the files are read in place rather than copied first.
      if (blobs.count > 0) await symlink(blobRoot, join(staging, 'blobs'), 'dir');
      log(`Adding ${blobs.count} audio blobs (${formatBytes(blobs.bytes)}) …`);
    } else {
      log(
        'Audio is in an S3 bucket (BLOB_STORE=s3): back the bucket up with its own tools (versioning, replication).',
      );
    }

    const manifest: Manifest = {
      format: FORMAT,
      version: FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      database,
      blobs,
    };
    await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const partial = `${out}.partial`;
    await tar.c(
      {
        file: partial,
        cwd: staging,
        gzip: /\.(tgz|gz)$/.test(out),
        follow: true,
        portable: true,
      },
      ['manifest.json', 'database', ...blobEntries],
    );
    await rename(partial, out);
    log(`Backup written to ${out} (${formatBytes((await stat(out)).size)}).`);
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(`${out}.partial`, { force: true });
  }
}

// ------------------------------------------------------------------------------------------ restore

export interface RestoreOptions extends Target {
  file: string;
  /** Replace a non-empty database and blob directory. */
  force?: boolean;
  log?: Log;
}

async function postgresIsEmpty(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from information_schema.tables
      where table_schema not in ('pg_catalog', 'information_schema')`;
    return (row?.n ?? 0) === 0;
  } catch (error) {
    throw new BackupError(`Cannot reach PostgreSQL at ${shownUrl(url)}: ${(error as Error).message}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function restore(options: RestoreOptions): Promise<Manifest> {
  const log = options.log ?? (() => {});
  const file = resolve(options.file);
  if (!(await stat(file).catch(() => undefined))) throw new BackupError(`${file} does not exist.`);
  await mkdir(options.dataDir, { recursive: true });
  const staging = await mkdtemp(join(options.dataDir, '.mixroom-restore-'));
  try {
    log(`Reading ${file} …`);
    await tar.x({ file, cwd: staging, strict: true, preservePaths: false });
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(join(staging, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      throw new BackupError(`${basename(file)} is not a Mixroom backup (no manifest.json).`);
    }
    if (manifest.format !== FORMAT || manifest.version > FORMAT_VERSION) {
      throw new BackupError(`${basename(file)} is not a Mixroom backup this version can read.`);
    }

    // Every check before anything changes.
    const dbDir = join(options.dataDir, 'db');
    const blobRoot = join(options.dataDir, 'blobs');
    if (manifest.database.kind === 'postgres' && !options.databaseUrl) {
      throw new BackupError(
        'This backup holds a PostgreSQL database: set DATABASE_URL to the database to restore into.',
      );
    }
    if (manifest.database.kind === 'pglite' && options.databaseUrl) {
      throw new BackupError(
        'This backup holds an embedded (PGlite) database: unset DATABASE_URL to restore it into DATA_DIR/db.',
      );
    }
    const busy: string[] = [];
    let unlock: (() => void) | undefined;
    if (manifest.database.kind === 'pglite') {
      await mkdir(dbDir, { recursive: true });
      unlock = lockPglite(dbDir); // refuses while a server runs on it, even with --force
      if (!(await isEmptyDir(dbDir, ['mixroom.pid']))) busy.push(`the embedded database in ${dbDir}`);
    } else if (!(await postgresIsEmpty(options.databaseUrl as string))) {
      busy.push(`the PostgreSQL database ${shownUrl(options.databaseUrl as string)}`);
    }
    if (manifest.blobs.included && !(await isEmptyDir(blobRoot))) busy.push(`the blob directory ${blobRoot}`);
    try {
      if (busy.length > 0 && !options.force) {
        throw new BackupError(
          `Refusing to overwrite ${busy.join(' and ')}, which ${busy.length > 1 ? 'are' : 'is'} not empty. ` +
            'Pass --force to replace the current data with the backup.',
        );
      }

      // The audio files must be exactly what their names promise before they go anywhere.
      const stagedBlobs = join(staging, 'blobs');
      let count = 0;
      for await (const blob of walkBlobs(stagedBlobs)) {
        if ((await sha256Of(blob.path)) !== blob.name) {
          throw new BackupError(
            `The backup is damaged: ${relative(staging, blob.path)} does not match its hash.`,
          );
        }
        count += 1;
      }
      if (manifest.blobs.included && count !== manifest.blobs.count) {
        throw new BackupError(
          `The backup is damaged: ${count} of ${manifest.blobs.count} audio blobs are present.`,
        );
      }

      if (manifest.database.kind === 'pglite') {
        log(`Restoring the embedded database into ${dbDir} …`);
        for (const name of await readdir(dbDir)) {
          if (name !== 'mixroom.pid') await rm(join(dbDir, name), { recursive: true, force: true });
        }
        const dump = await readFile(join(staging, manifest.database.file));
        const pg = await PGlite.create(dbDir, { loadDataDir: new Blob([dump]) });
        await pg.close();
      } else {
        log(`Restoring PostgreSQL ${shownUrl(options.databaseUrl as string)} …`);
        await run('pg_restore', [
          '--no-owner',
          '--no-acl',
          '--exit-on-error',
          '--single-transaction',
          ...(options.force ? ['--clean', '--if-exists'] : []),
          `--dbname=${options.databaseUrl}`,
          join(staging, manifest.database.file),
        ]);
      }

      if (manifest.blobs.included) {
        log(`Restoring ${count} audio blobs into ${blobRoot} …`);
        await rm(blobRoot, { recursive: true, force: true });
        if (count > 0) {
          try {
            await rename(stagedBlobs, blobRoot); // same file system: no copy
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
            await cp(stagedBlobs, blobRoot, { recursive: true });
          }
        } else {
          await mkdir(blobRoot, { recursive: true });
        }
      }
    } finally {
      unlock?.();
    }
    log('Restore complete.');
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
