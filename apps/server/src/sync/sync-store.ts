import * as Y from 'yjs';
import { mergeInProcess, type SnapshotMerge } from './snapshot-merge.js';
import type { SyncLogger } from './sync-types.js';

/** What {@link SyncStore} needs from the database (implemented by SyncRepository). */
export interface SyncStoreBackend {
  appendUpdates(rows: readonly { docName: string; update: Uint8Array }[]): Promise<void>;
  load(docName: string): Promise<{ snapshot?: Uint8Array; updates: { id: number; update: Uint8Array }[] }>;
  compact(docName: string, merge: SnapshotMerge): Promise<number>;
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
 * - compaction folds log rows into the snapshot in the background (see SyncRepository.compact).
 */
export class SyncStore {
  private queue: PendingAppend[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxConcurrentCommits: number;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private lastCommitStart = Number.NEGATIVE_INFINITY;
  private readonly commitIntervalMs: number;
  private readonly rowsSinceCompaction = new Map<string, number>();
  private readonly compactions = new Map<string, Promise<void>>();
  private readonly maxBatchRows: number;
  private readonly maxBatchBytes: number;
  private readonly compactAfterRows: number;
  private readonly logger?: SyncLogger;
  private readonly merge: SnapshotMerge;

  constructor(
    private readonly backend: SyncStoreBackend,
    options: SyncStoreOptions = {},
  ) {
    this.maxBatchRows = options.maxBatchRows ?? 500;
    this.maxBatchBytes = options.maxBatchBytes ?? 8 * 1024 * 1024;
    this.compactAfterRows = options.compactAfterRows ?? 2000;
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
    this.rowsSinceCompaction.set(docName, updates.length);
    if (updates.length >= this.compactAfterRows) this.compactSoon(docName);
    return snapshot ? [snapshot, ...updates.map((u) => u.update)] : updates.map((u) => u.update);
  }

  /** Starts a background compaction of the document unless one is running. */
  compactSoon(docName: string): void {
    if (this.compactions.has(docName)) return;
    const run = (async () => {
      try {
        for (;;) {
          const folded = await this.backend.compact(docName, this.merge);
          const left = Math.max(0, (this.rowsSinceCompaction.get(docName) ?? 0) - folded);
          this.rowsSinceCompaction.set(docName, left);
          if (folded === 0 || left < this.compactAfterRows) break;
        }
      } catch (error) {
        this.logger?.error({ doc: docName, err: error }, 'compaction failed; the log is kept');
      } finally {
        this.compactions.delete(docName);
      }
    })();
    this.compactions.set(docName, run);
  }

  /** Resolves once no compaction of the document is running (one may have started on unload). */
  async compactionSettled(docName: string): Promise<void> {
    await this.compactions.get(docName);
  }

  /** Forgets the compaction counter of an unloaded document. */
  forget(docName: string): void {
    this.rowsSinceCompaction.delete(docName);
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

  /** Flushes and waits for running compactions. */
  async close(): Promise<void> {
    await this.flush();
    await Promise.all(this.compactions.values());
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
    try {
      const rows = mergePerDocument(batch);
      await this.backend.appendUpdates(rows);
      for (const entry of batch) entry.resolve();
      for (const row of rows) {
        const count = (this.rowsSinceCompaction.get(row.docName) ?? 0) + 1;
        this.rowsSinceCompaction.set(row.docName, count);
        if (count >= this.compactAfterRows) this.compactSoon(row.docName);
      }
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
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
