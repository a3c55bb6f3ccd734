/** DI token for {@link SyncOptions} (provided from Config). */
export const SYNC_OPTIONS = Symbol('SYNC_OPTIONS');

/** Tuning of the sync service, from the SYNC_* variables (config.ts validates them; README lists them). */
export interface SyncOptions {
  /** How long a document with nobody connected stays loaded, in ms. Default 30000 (SYNC_IDLE_UNLOAD_MS). */
  idleUnloadMs: number;
  /** State-vector reconciliation between instances, in ms. Default 5000 (SYNC_RECONCILE_MS). */
  reconcileIntervalMs: number;
  /** Log rows per document before background compaction. Default 2000 (SYNC_COMPACT_AFTER). */
  compactAfterRows: number;
  /** Shortest time between two group commits of the update log, in ms. Default 4 (SYNC_COMMIT_INTERVAL_MS). */
  commitIntervalMs: number;
  /**
   * Messages one socket may send per second on average (bursts of twice that pass). Default 200
   * (SYNC_MAX_MESSAGES_PER_SECOND); a fader drag sends about 60.
   */
  maxMessagesPerSecond: number;
}
