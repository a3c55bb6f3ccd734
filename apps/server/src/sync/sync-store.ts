import * as Y from 'yjs';
import { mergeInProcess, type SnapshotMerge } from './snapshot-merge.js';
import type { SyncLogger } from './sync-types.js';

/** What {@link SyncStore} needs from the database (implemented by SyncRepository). */
export interface SyncStoreBackend {
  /** One multi-row INSERT. */
  appendUpdates(rows: readonly { docName: string; update: Uint8Array }[]): Promise<void>;
  load(docName: string): Promise<{ snapshot?: Uint8Array; updates: { id: number; update: Uint8Array }[] }>;
  /**
   * Folds up to `maxRows` of the oldest log rows into the snapshot. Returns how many rows were folded, or
   * 'lost' when another writer replaced the snapshot meanwhile (nothing was written).
   */
  compact(docName: string, merge: SnapshotMerge, maxRows: number): Promise<number | 'lost'>;
  /** Reclaims the space of folded rows, where the database does not do it by itself (PGlite). */
  reclaim?(): Promise<void>;
}

/** Options of {@link SyncStore}. */
export interface SyncStoreOptions {
  /** Most rows in one INSERT. Default 500. */
  maxBatchRows?: number;
  /** Most bytes in one INSERT. Default 8 MiB. */
  maxBatchBytes?: number;
  /** Log rows a document may collect before it is compacted in the background. Default 2000. */
  compactAfterRows?: number;
  /**
   * Most rows folded by one compaction transaction. Default 500: on PGlite, which runs one statement at a
   * time, appends wait for a compaction's write; 500 rows keep that to a few milliseconds.
   */
  compactionBatchRows?: number;
  /** Rows folded between two calls of the backend's `reclaim`. Default 50000. */
  reclaimAfterRows?: number;
  /**
   * Shortest time between the starts of two commits, in ms. Default 4. An append after a quiet period is
   * committed at once; under load, appends gather for up to this long, which bounds the number of
   * transactions per second (each costs PGlite a WAL write on the server's own thread).
   */
  commitIntervalMs?: number;
  /**
   * Commits that may be in flight at once. Default 1. With PostgreSQL a higher value lets the next batch
   * start while the previous one waits for its WAL flush; row ids then need not follow arrival order
   * across batches, which loading tolerates (Yjs integrates updates in any order).
   */
  maxConcurrentCommits?: number;
  /** How compaction folds rows into a snapshot. Default: on the calling thread. */
  merge?: SnapshotMerge;
  logger?: SyncLogger;
}

/** What the store knows of a loaded document's update log. */
interface DocLog {
  /** Rows in the log not folded yet (read at load, appended since; other instances' rows are not counted). */
  count: number;
  queued: boolean;
  /** The document unloaded: fold everything, then forget it. */
  released: boolean;
  settled: (() => void)[];
}

interface PendingAppend {
  docName: string;
  update: Uint8Array;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Durable storage of shared documents on top of the update log [SY-10]:
 * - `append` group-commits: appends arriving while a commit is in flight (or within `commitIntervalMs` of
 *   the last one) are written together by the next one (one multi-row INSERT, one commit, one row per
 *   document), so a busy server does a bounded number of commits per second instead of one per
 *   keystroke, and an idle one commits at once;
 * - `load` is the snapshot plus the log rows after it;
 * - compaction folds log rows into the snapshot in the background (see SyncRepository.compact), one
 *   document at a time and in batches of `compactionBatchRows`, so that appends never queue behind a long
 *   run of compaction statements (PGlite runs one statement at a time).
 */
export class SyncStore {
  private queue: PendingAppend[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxConcurrentCommits: number;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private lastCommitStart = Number.NEGATIVE_INFINITY;
  private readonly commitIntervalMs: number;
  private readonly logs = new Map<string, DocLog>();
  private readonly compactionQueue: [string, DocLog][] = [];
  private compacting: Promise<void> | null = null;
  private runningLog: DocLog | null = null;
  private readonly maxBatchRows: number;
  private readonly maxBatchBytes: number;
  private readonly compactAfterRows: number;
  private readonly compactionBatchRows: number;
  private readonly reclaimAfterRows: number;
  private foldedSinceReclaim = 0;
  private readonly logger?: SyncLogger;
  private readonly merge: SnapshotMerge;

  constructor(
    private readonly backend: SyncStoreBackend,
    options: SyncStoreOptions = {},
  ) {
    this.maxBatchRows = options.maxBatchRows ?? 500;
    this.maxBatchBytes = options.maxBatchBytes ?? 8 * 1024 * 1024;
    this.compactAfterRows = options.compactAfterRows ?? 2000;
    this.compactionBatchRows = options.compactionBatchRows ?? 500;
    this.reclaimAfterRows = options.reclaimAfterRows ?? 50_000;
    this.commitIntervalMs = options.commitIntervalMs ?? 4;
    this.maxConcurrentCommits = Math.max(1, options.maxConcurrentCommits ?? 1);
    this.merge = options.merge ?? mergeInProcess;
    this.logger = options.logger;
  }

  /** Resolves once the update is committed. */
  append(docName: string, update: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ docName, update, resolve, reject });
      this.schedule();
    });
  }

  async load(docName: string): Promise<Uint8Array[]> {
    const { snapshot, updates } = await this.backend.load(docName);
    const log: DocLog = {
      count: updates.length,
      queued: false,
      released: false,
      settled: [],
    };
    this.logs.set(docName, log);
    if (log.count >= this.compactAfterRows) this.enqueueCompaction(docName, log);
    return snapshot ? [snapshot, ...updates.map((u) => u.update)] : updates.map((u) => u.update);
  }

  /** The document unloaded: its remaining log rows are folded in the background, then it is forgotten. */
  release(docName: string): void {
    const log = this.logs.get(docName);
    if (!log) return;
    log.released = true;
    if (log.count === 0) this.finish(docName, log);
    else this.enqueueCompaction(docName, log);
  }

  /** Resolves once no compaction of the document is queued or running (one starts on unload). */
  async compactionSettled(docName: string): Promise<void> {
    const log = this.logs.get(docName);
    if (!log || (!log.queued && this.runningLog !== log)) return;
    await new Promise<void>((resolve) => log.settled.push(resolve));
  }

  /** Resolves when everything appended so far is committed (or failed). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.queue.length > 0 && this.inFlight.size < this.maxConcurrentCommits) {
        this.cancelScheduled();
        this.startFlush();
        continue;
      }
      if (this.inFlight.size > 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      if (this.queue.length === 0) return;
    }
  }

  /** Flushes and waits until the compaction queue is empty. */
  async close(): Promise<void> {
    await this.flush();
    while (this.compacting) await this.compacting;
  }

  private enqueueCompaction(docName: string, log: DocLog): void {
    if (log.queued || this.runningLog === log) return;
    log.queued = true;
    this.compactionQueue.push([docName, log]);
    this.compacting ??= this.runCompactions().finally(() => {
      this.compacting = null;
    });
  }

  /** Works through the queue one document at a time. */
  private async runCompactions(): Promise<void> {
    for (let next = this.compactionQueue.shift(); next; next = this.compactionQueue.shift()) {
      const [docName, log] = next;
      log.queued = false;
      this.runningLog = log;
      try {
        await this.compactDocument(docName, log);
      } catch (error) {
        this.logger?.error({ doc: docName, err: error }, 'compaction failed; the log is kept');
      } finally {
        this.runningLog = null;
      }
      if (log.released) this.finish(docName, log);
      else if (!log.queued) for (const resolve of log.settled.splice(0)) resolve();
    }
  }

  private async compactDocument(docName: string, log: DocLog): Promise<void> {
    // A released document is folded to the end; a loaded one until it is below the threshold again.
    let lost = 0;
    while (log.released || log.count >= this.compactAfterRows) {
      const started = performance.now();
      const folded = await this.backend.compact(docName, this.merge, this.compactionBatchRows);
      // Compaction takes at most half of the database's time while appends are waiting to be stored (a
      // hundred documents reaching the threshold together would otherwise hold appends back for seconds),
      // unless a document's log has grown to four times the threshold.
      if (this.queue.length > 0 && log.count < 4 * this.compactAfterRows) {
        await new Promise((r) => setTimeout(r, performance.now() - started));
      }
      if (folded === 'lost') {
        // Another instance compacted the document meanwhile: try again on what it left (a few times).
        if (++lost >= 3) return;
        continue;
      }
      if (folded === 0) return; // nothing left
      log.count = Math.max(0, log.count - folded);
      this.foldedSinceReclaim += folded;
      if (this.backend.reclaim && this.foldedSinceReclaim >= this.reclaimAfterRows) {
        this.foldedSinceReclaim = 0;
        await this.backend.reclaim();
      }
    }
  }

  private finish(docName: string, log: DocLog): void {
    if (this.logs.get(docName) === log) this.logs.delete(docName);
    for (const resolve of log.settled.splice(0)) resolve();
  }

  private schedule(): void {
    if (
      this.inFlight.size >= this.maxConcurrentCommits ||
      this.timer ||
      this.immediate ||
      this.queue.length === 0
    ) {
      return;
    }
    const wait = this.lastCommitStart + this.commitIntervalMs - performance.now();
    if (wait <= 0) {
      // Let the rest of this I/O turn's messages join the batch.
      this.immediate = setImmediate(() => {
        this.immediate = null;
        this.startFlush();
      });
    } else {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startFlush();
      }, wait);
    }
  }

  private cancelScheduled(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private startFlush(): void {
    if (this.inFlight.size >= this.maxConcurrentCommits || this.queue.length === 0) return;
    this.lastCommitStart = performance.now();
    const commit: Promise<void> = this.commitBatch().finally(() => {
      this.inFlight.delete(commit);
      this.schedule();
    });
    this.inFlight.add(commit);
    this.schedule(); // the next batch may overlap this one (maxConcurrentCommits)
  }

  /** One multi-row INSERT of the oldest queued appends. */
  private async commitBatch(): Promise<void> {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < this.maxBatchRows) {
      bytes += this.queue[n]!.update.length;
      n++;
      if (bytes >= this.maxBatchBytes) break;
    }
    const batch = this.queue.splice(0, n);
    let rows: { docName: string; update: Uint8Array }[];
    try {
      rows = mergePerDocument(batch);
      await this.backend.appendUpdates(rows);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    for (const entry of batch) entry.resolve();
    for (const row of rows) this.logged(row.docName);
  }

  /** A committed row: the document is compacted once it has enough. */
  private logged(docName: string): void {
    const log = this.logs.get(docName);
    if (!log) return; // not loaded here: folded after its next load
    log.count++;
    if (log.count >= this.compactAfterRows) this.enqueueCompaction(docName, log);
  }
}

/**
 * One row per document and batch: a busy room's updates that arrived together are merged (Yjs merges
 * consecutive updates losslessly), so a fader drag costs one row per commit rather than one per message.
 */
function mergePerDocument(batch: readonly PendingAppend[]): { docName: string; update: Uint8Array }[] {
  const byDoc = new Map<string, Uint8Array[]>();
  for (const { docName, update } of batch) {
    const list = byDoc.get(docName);
    if (list) list.push(update);
    else byDoc.set(docName, [update]);
  }
  return [...byDoc].map(([docName, updates]) => ({
    docName,
    update: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates),
  }));
}
