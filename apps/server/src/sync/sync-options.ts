import { z } from 'zod';

/** DI token for {@link SyncOptions}. */
export const SYNC_OPTIONS = Symbol('SYNC_OPTIONS');

/** Tuning of the sync service; the limits themselves come from Config (MAX_SYNC_MESSAGE_BYTES, MAX_DOCUMENT_BYTES). */
export interface SyncOptions {
  /** How long a document with nobody connected stays loaded, in ms. Default 30000 (SYNC_IDLE_UNLOAD_MS). */
  idleUnloadMs: number;
  /** State-vector reconciliation between instances, in ms. Default 5000 (SYNC_RECONCILE_MS). */
  reconcileIntervalMs: number;
  /** Log rows per document before background compaction. Default 2000 (SYNC_COMPACT_AFTER). */
  compactAfterRows: number;
  /** Shortest time between two group commits of the update log, in ms. Default 4 (SYNC_COMMIT_INTERVAL_MS). */
  commitIntervalMs: number;
}

const ms = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const SyncEnv = z.object({
  SYNC_IDLE_UNLOAD_MS: ms(0, 86_400_000).default(30_000),
  SYNC_RECONCILE_MS: ms(50, 3_600_000).default(5_000),
  SYNC_COMPACT_AFTER: ms(1, 1_000_000).default(2000),
  SYNC_COMMIT_INTERVAL_MS: ms(0, 1000).default(4),
});

/** Reads the optional SYNC_* variables; throws one message naming every bad one. */
export function loadSyncOptions(env: NodeJS.ProcessEnv = process.env): SyncOptions {
  const raw = Object.fromEntries(
    Object.keys(SyncEnv.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = SyncEnv.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration:\n${parsed.error.issues
        .map((i) => `  - ${String(i.path[0])}: ${i.message} (got ${JSON.stringify(raw[String(i.path[0])])})`)
        .join('\n')}`,
    );
  }
  return {
    idleUnloadMs: parsed.data.SYNC_IDLE_UNLOAD_MS,
    reconcileIntervalMs: parsed.data.SYNC_RECONCILE_MS,
    compactAfterRows: parsed.data.SYNC_COMPACT_AFTER,
    commitIntervalMs: parsed.data.SYNC_COMMIT_INTERVAL_MS,
  };
}
