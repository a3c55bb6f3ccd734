import * as Y from 'yjs';
import type { SyncLogger } from './sync-types.js';

/** What {@link SyncStore} needs from the database (implemented by SyncRepository). */
export interface SyncStoreBackend {
  appendUpdates(rows: readonly { docName: string; update: Uint8Array }[]): Promise<void>;
  load(docName: string): Promise<{ snapshot?: Uint8Array; updates: { id: number; update: Uint8Array }[] }>;
  compact(
    docName: string,
    merge: (snapshot: Uint8Array | undefined, updates: Uint8Array[]) => Uint8Array,
  ): Promise<number>;
}

/** Options of {@link SyncStore}. */
export interface SyncStoreOptions {
  /** Most rows in one INSERT. Default 500. */
  maxBatchRows?: number;
  /** Most bytes in one INSERT. Default 8 MiB. */
  maxBatchBytes?: number;
  /** Log rows a document may collect before it is compacted in the background. Default 500. */
  compactAfterRows?: number;
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
 * - `append` group-commits: appends arriving while an INSERT is in flight are written together by the
 *   next one (one multi-row INSERT, one commit), so a busy server does a few commits per tick instead of
 *   one per keystroke, and an idle one commits at once;
 * - `load` is the snapshot plus the log rows after it;
 * - compaction folds log rows into the snapshot in the background (see SyncRepository.compact).
 */
export class SyncStore {
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private readonly rowsSinceCompaction = new Map<string, number>();
  private readonly compactions = new Map<string, Promise<void>>();
  private readonly maxBatchRows: number;
  private readonly maxBatchBytes: number;
  private readonly compactAfterRows: number;
  private readonly logger?: SyncLogger;

  constructor(
    private readonly backend: SyncStoreBackend,
    options: SyncStoreOptions = {},
  ) {
    this.maxBatchRows = options.maxBatchRows ?? 500;
    this.maxBatchBytes = options.maxBatchBytes ?? 8 * 1024 * 1024;
    this.compactAfterRows = options.compactAfterRows ?? 500;
    this.logger = options.logger;
  }

  /** Resolves once the update is committed. */
  append(docName: string, update: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ docName, update, resolve, reject });
      if (!this.flushing && !this.scheduled) {
        this.scheduled = true;
        // Let the rest of this I/O turn's messages join the batch.
        setImmediate(() => {
          this.scheduled = false;
          this.startFlush();
        });
      }
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
          const folded = await this.backend.compact(docName, mergeToSnapshot);
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

  /** Forgets the compaction counter of an unloaded document. */
  forget(docName: string): void {
    this.rowsSinceCompaction.delete(docName);
  }

  /** Resolves when everything appended so far is committed (or failed). */
  async flush(): Promise<void> {
    while (this.flushing || this.queue.length > 0 || this.scheduled) {
      if (!this.flushing && !this.scheduled) this.startFlush();
      await this.flushing;
      if (!this.flushing && this.scheduled) await new Promise((r) => setImmediate(r));
    }
  }

  /** Flushes and waits for running compactions. */
  async close(): Promise<void> {
    await this.flush();
    await Promise.all(this.compactions.values());
  }

  private startFlush(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      // Appends whose callers resumed before this ran saw a flush in progress and did not start one.
      if (this.queue.length > 0) this.startFlush();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      let bytes = 0;
      let n = 0;
      while (n < this.queue.length && n < this.maxBatchRows) {
        bytes += this.queue[n]!.update.length;
        n++;
        if (bytes >= this.maxBatchBytes) break;
      }
      const batch = this.queue.splice(0, n);
      try {
        await this.backend.appendUpdates(batch);
        for (const entry of batch) {
          entry.resolve();
          const rows = (this.rowsSinceCompaction.get(entry.docName) ?? 0) + 1;
          this.rowsSinceCompaction.set(entry.docName, rows);
          if (rows >= this.compactAfterRows) this.compactSoon(entry.docName);
        }
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
  }
}

/** Old snapshot + log rows -> new snapshot (garbage-collected full state). */
export function mergeToSnapshot(snapshot: Uint8Array | undefined, updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    if (snapshot) Y.applyUpdate(doc, snapshot);
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
