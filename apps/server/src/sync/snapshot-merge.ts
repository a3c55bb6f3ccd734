import * as Y from 'yjs';

/** Old snapshot + log rows -> new snapshot, off the caller's thread or not. */
export type SnapshotMerge = (snapshot: Uint8Array | undefined, updates: Uint8Array[]) => Promise<Uint8Array>;

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

/** {@link mergeToSnapshot} on the calling thread. */
export const mergeInProcess: SnapshotMerge = async (snapshot, updates) => mergeToSnapshot(snapshot, updates);
