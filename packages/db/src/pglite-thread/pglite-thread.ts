import { Worker } from 'node:worker_threads';
import { messages } from '@electric-sql/pglite';
import type {
  PGliteThreadData,
  ThreadError,
  ThreadQueryOptions,
  ThreadRequest,
  ThreadResponse,
} from './protocol.js';

/** A PGlite query result as drizzle reads it. */
export interface ThreadResults {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

/** Query options PGliteThread accepts: PGlite's, without serializers, blobs or notice callbacks. */
export interface PGliteThreadQueryOptions {
  rowMode?: 'array' | 'object';
  paramTypes?: number[];
  /** Parsers by type OID, run on the caller's thread on PostgreSQL's text of each value. */
  parsers?: Record<number, (value: string, typeId: number) => unknown>;
}

/** The part of PGlite's transaction object that drizzle uses. */
export interface PGliteThreadTransaction {
  query(sql: string, params?: unknown[], options?: PGliteThreadQueryOptions): Promise<ThreadResults>;
  exec(sql: string): Promise<ThreadResults[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

/** Raised for every call once the worker thread has stopped (it crashed, or close() ran). */
export class PGliteThreadStoppedError extends Error {
  override name = 'PGliteThreadStoppedError';
}

/**
 * PGlite in a worker thread, with the part of PGlite's interface that drizzle-orm/pglite uses (`query`, `exec`,
 * `transaction`, `close`).
 *
 * PGlite runs PostgreSQL in WebAssembly on the thread that calls it, synchronously: on the server's own thread
 * every statement stalls every socket and request for its duration (about a quarter of the server's CPU under
 * the sync benchmark's load, BENCHMARKS.md). Here the statements run on their own thread and the server only
 * posts messages. Semantics follow PGlite: statements run one at a time in order, a transaction holds the
 * database until it ends (a query on the outer handle inside `transaction()` waits for it, as in PGlite), and
 * PostgreSQL errors keep their fields (`code`, `constraint`, ...).
 */
export class PGliteThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve(value: unknown): void; reject(error: unknown): void }
  >();
  private nextId = 1;
  private nextTxId = 1;
  private stopped: Error | undefined;
  readonly ready: Promise<void>;

  /** Opens PGlite in `dataDir` (unset: in memory) on a new worker thread; await {@link ready}. */
  constructor(dataDir?: string) {
    const entry = workerEntry();
    const data: PGliteThreadData = { dataDir };
    this.worker = entry.tsxApi
      ? // From source: a worker's `--import tsx` does not reach its imports in Node 20, so the thread registers
        // tsx's hooks itself before it imports the TypeScript module.
        new Worker(
          `import(${JSON.stringify(entry.tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.url.href)}); })`,
          { eval: true, workerData: data },
        )
      : new Worker(entry.url, { workerData: data });
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (message: ThreadResponse) => {
        if (message.kind === 'ready' || message.kind === 'failed') {
          if (message.kind === 'ready') resolve();
          else reject(fromThreadError(message.error));
          this.idle();
          return;
        }
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        this.idle();
        if (message.kind === 'result') waiter.resolve(message.value);
        else waiter.reject(fromThreadError(message.error));
      });
      const stop = (error: Error) => {
        this.stopped ??= error;
        reject(error);
        for (const waiter of this.pending.values()) waiter.reject(this.stopped);
        this.pending.clear();
      };
      this.worker.on('error', (error) =>
        stop(
          new PGliteThreadStoppedError(`The embedded database stopped: ${error.message}`, { cause: error }),
        ),
      );
      this.worker.on('exit', (code) =>
        stop(new PGliteThreadStoppedError(`The embedded database stopped (thread exit code ${code}).`)),
      );
    });
    this.ready.catch(() => {}); // reported to whoever awaits it (create() does)
  }

  /** Opens PGlite on a worker thread and waits until it is ready. */
  static async create(dataDir?: string): Promise<PGliteThread> {
    const thread = new PGliteThread(dataDir);
    try {
      await thread.ready;
    } catch (error) {
      await thread.worker.terminate();
      throw error;
    }
    return thread;
  }

  query(sql: string, params: unknown[] = [], options: PGliteThreadQueryOptions = {}): Promise<ThreadResults> {
    return this.runQuery(sql, params, options, undefined);
  }

  async exec(sql: string): Promise<ThreadResults[]> {
    return (await this.request({ kind: 'exec', sql })) as ThreadResults[];
  }

  /** Like PGlite's: COMMIT when `fn` resolves (unless it rolled back), ROLLBACK when it throws. */
  async transaction<T>(fn: (tx: PGliteThreadTransaction) => Promise<T>): Promise<T> {
    const txId = this.nextTxId++;
    await this.request({ kind: 'begin', txId });
    let closed = false;
    const ensureOpen = () => {
      if (closed) throw new Error('Transaction is closed');
    };
    const tx: PGliteThreadTransaction = {
      query: async (sql, params = [], options = {}) => {
        ensureOpen();
        return this.runQuery(sql, params, options, txId);
      },
      exec: async (sql) => {
        ensureOpen();
        return (await this.request({ kind: 'exec', sql, txId })) as ThreadResults[];
      },
      rollback: async () => {
        ensureOpen();
        await this.request({ kind: 'rollback', txId });
        closed = true;
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      closed = true;
      await this.request({ kind: 'end', txId, commit: false }).catch(() => {});
      throw error;
    }
    closed = true;
    await this.request({ kind: 'end', txId, commit: true });
    return result;
  }

  /** Closes PGlite (flushing it to its data directory) and stops the thread. */
  async close(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.request({ kind: 'close' });
    } finally {
      this.stopped ??= new PGliteThreadStoppedError('The embedded database is closed.');
      await this.worker.terminate();
    }
  }

  private async runQuery(
    sql: string,
    params: unknown[],
    options: PGliteThreadQueryOptions,
    txId: number | undefined,
  ): Promise<ThreadResults> {
    const parsers = options.parsers;
    const rawTypes = parsers ? Object.keys(parsers).map(Number) : undefined;
    const threadOptions: ThreadQueryOptions = {
      rowMode: options.rowMode,
      paramTypes: options.paramTypes,
      rawTypes,
    };
    const result = (await this.request({
      kind: 'query',
      sql,
      params: params.map(compactBytes),
      options: threadOptions,
      txId,
    })) as ThreadResults;
    if (parsers && rawTypes?.length) applyParsers(result, parsers, options.rowMode ?? 'object');
    return result;
  }

  private request(message: DistributiveOmit<ThreadRequest, 'id'>): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // The thread keeps the process alive only while it has work (like a socket with a request in flight).
      this.worker.ref();
      this.worker.postMessage({ ...message, id });
    });
  }

  private idle(): void {
    if (this.pending.size === 0) this.worker.unref();
  }
}

/**
 * Structured clone copies a typed array's whole ArrayBuffer, and small Buffers are views into 8 KiB slabs
 * (Node's pool, or a WebSocket frame): copy just the bytes of such a view before it crosses threads.
 */
function compactBytes(value: unknown): unknown {
  // new Uint8Array(view) copies (a Buffer's own slice() would not).
  if (value instanceof Uint8Array && value.byteLength !== value.buffer.byteLength)
    return new Uint8Array(value);
  return value;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The caller's parsers, on the values the worker left as text. */
function applyParsers(
  result: ThreadResults,
  parsers: NonNullable<PGliteThreadQueryOptions['parsers']>,
  rowMode: 'array' | 'object',
): void {
  result.fields.forEach((field, index) => {
    const parse = parsers[field.dataTypeID];
    if (!parse) return;
    for (const row of result.rows as (unknown[] | Record<string, unknown>)[]) {
      if (rowMode === 'array') {
        const values = row as unknown[];
        if (values[index] != null) values[index] = parse(values[index] as string, field.dataTypeID);
      } else {
        const values = row as Record<string, unknown>;
        if (values[field.name] != null)
          values[field.name] = parse(values[field.name] as string, field.dataTypeID);
      }
    }
  });
}

/** PostgreSQL errors come back as PGlite's DatabaseError, with their fields; anything else as Error. */
function fromThreadError(error: ThreadError): Error {
  const copy: Error = error.database
    ? new messages.DatabaseError(error.message, Number(error.fields.length ?? 0), 'error')
    : new Error(error.message);
  for (const [key, value] of Object.entries(error.fields)) {
    if (key !== 'length' && key !== 'name') (copy as unknown as Record<string, unknown>)[key] = value;
  }
  if (!error.database) copy.name = error.name;
  return copy;
}

/**
 * The worker module next to this file. Built (dist/*.js), plain Node loads it; from source (*.ts under tsx or
 * vitest) the thread loads the TypeScript through tsx.
 */
function workerEntry(): { url: URL; tsxApi?: string } {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return { url: new URL('./pglite.worker.js', import.meta.url) };
  return { url: new URL('./pglite.worker.ts', import.meta.url), tsxApi: import.meta.resolve('tsx/esm/api') };
}
