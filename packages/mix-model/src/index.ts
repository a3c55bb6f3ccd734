/**
 * @mixroom/mix-model — the shared mix document of a Mixroom session (`session:<id>`, Yjs): its schema,
 * typed operations, validation, deterministic repair and the gain math that the browser and the
 * offline renderer share. Depends only on yjs; runs in Node and in the browser. Rules: SPEC.md.
 *
 * @example
 * import * as Y from 'yjs';
 * import { seedMixDocument, addStem, addSection, readMix, stemGainCurve } from '@mixroom/mix-model';
 *
 * const doc = new Y.Doc();
 * seedMixDocument(doc, { title: 'Night Drive', durationS: 180 }); // server side
 * const vox = addStem(doc, { fileId: 'f1', name: 'Vox' });
 * addSection(doc, { label: 'Chorus', kind: 'chorus', startS: 45, endS: 75 });
 * const curve = stemGainCurve(readMix(doc), undefined, vox);
 *
 * @packageDocumentation
 */

export * from './brief.js';
export * from './constants.js';
export * from './errors.js';
export * from './gain.js';
export { briefContentHash, BRIEF_HASH_PREFIX, canonicalBrief, sha256Hex, utf8Encode } from './hash.js';
export { isValidId, newId, offsetKey, parseOffsetKey } from './ids.js';
export * from './levels.js';
export * from './notes.js';
export * from './ops.js';
export { compareSections, defaultSceneId, findScene, findStem, readMix } from './read.js';
export { type ReconcileOptions, type Repair, type RepairCode, reconcileMix } from './reconcile.js';
export * from './sections.js';
export { type SeedOptions, seedMixDocument } from './seed.js';
export type * from './types.js';
export * from './validate.js';
