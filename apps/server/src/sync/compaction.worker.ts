/** Runs in the compaction pool's thread (see compaction-pool.ts): folds log rows into a snapshot. */
import { mergeToSnapshot } from './snapshot-merge.js';

export default function merge(task: { snapshot?: Uint8Array; updates: Uint8Array[] }): Uint8Array {
  return mergeToSnapshot(task.snapshot, task.updates);
}
