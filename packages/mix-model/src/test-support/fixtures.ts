// Test helpers (excluded from the build).
import * as Y from 'yjs';
import { addSection, addStem } from '../ops.js';
import { seedMixDocument } from '../seed.js';

/** A new doc with a fixed client id, so tests are reproducible. */
export function newDoc(clientID = 1): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

/** A seeded 180 s song with three sections and three stems (fixed ids). */
export function demoDoc(clientID = 1): Y.Doc {
  const doc = newDoc(clientID);
  seedMixDocument(doc, { title: 'Night Drive', durationS: 180 });
  addSection(doc, { id: 'intro', label: 'Intro', kind: 'intro', startS: 0, endS: 20 });
  addSection(doc, { id: 'verse', label: 'Verse 1', kind: 'verse', startS: 20, endS: 60 });
  addSection(doc, { id: 'chorus', label: 'Chorus 1', kind: 'chorus', startS: 60, endS: 90 });
  addStem(doc, { id: 'vox', fileId: 'f-vox', name: 'Vox' });
  addStem(doc, { id: 'gtr', fileId: 'f-gtr', name: 'Rhythm gtr' });
  addStem(doc, { id: 'bass', fileId: 'f-bass', name: 'Bass' });
  return doc;
}

/** A copy of `source` with its own client id. */
export function fork(source: Y.Doc, clientID: number): Y.Doc {
  const doc = newDoc(clientID);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
  return doc;
}

/** Sends what `to` is missing from `from`, by state vector. */
export function pushMissing(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

/** Two-way sync of a pair. */
export function syncPair(a: Y.Doc, b: Y.Doc): void {
  pushMissing(a, b);
  pushMissing(b, a);
}

/** Full mesh sync of all peers. */
export function syncAll(peers: readonly Y.Doc[]): void {
  for (const a of peers) for (const b of peers) if (a !== b) pushMissing(a, b);
}

/** Runs `fn` and returns every update it emitted. */
export function updatesOf(doc: Y.Doc, fn: () => void): Uint8Array[] {
  const updates: Uint8Array[] = [];
  const on = (u: Uint8Array) => updates.push(u);
  doc.on('update', on);
  try {
    fn();
  } finally {
    doc.off('update', on);
  }
  return updates;
}

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Raw `encodeStateAsUpdate` bytes can differ between peers with identical content: Yjs merges adjacent
 * GC structs at transaction cleanup, so how deleted runs are split depends on the order updates arrived
 * (seen in the convergence matrix: one peer encodes GC 2:43+4, the other GC 2:43+3 and 2:46+1). Loading
 * the state into a fresh doc integrates and merges every struct in one pass: canonical bytes to compare.
 */
export function canonicalState(doc: Y.Doc): Uint8Array {
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, Y.encodeStateAsUpdate(doc));
  return Y.encodeStateAsUpdate(fresh);
}
