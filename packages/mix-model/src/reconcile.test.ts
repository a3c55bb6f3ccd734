import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addReference } from './brief.js';
import { DEFAULT_SCENE_ID, ROOT } from './constants.js';
import {
  addSection,
  addStem,
  createScene,
  deleteScene,
  removeStem,
  resizeSection,
  setSceneFader,
  setSectionOffset,
  setSongInfo,
} from './ops.js';
import { readMix } from './read.js';
import { reconcileMix } from './reconcile.js';
import { normalizeSections } from './sections.js';
import { bytesEqual, canonicalState, demoDoc, fork, syncPair, updatesOf } from './test-support/fixtures.js';
import type { Section } from './types.js';
import { validateMix } from './validate.js';

type YMap = Y.Map<unknown>;
const sectionRows = (doc: Y.Doc) => readMix(doc).sections.map((s) => [s.id, s.startS, s.endS]);

/**
 * Two peers make concurrent edits, merge, then each reconciles on its own; after syncing the repairs
 * both hold identical state, valid and reconciled. Returns peer a.
 */
function mergeAndReconcile(
  editA: (d: Y.Doc) => void,
  editB: (d: Y.Doc) => void,
  base = demoDoc(1000),
): Y.Doc {
  const a = fork(base, 1);
  const b = fork(base, 2);
  editA(a);
  editB(b);
  syncPair(a, b);
  const repairsA = reconcileMix(a);
  const repairsB = reconcileMix(b);
  expect(repairsA).toEqual(repairsB); // same state -> same plan
  syncPair(a, b);
  expect(bytesEqual(canonicalState(a), canonicalState(b))).toBe(true);
  expect(a.toJSON()).toEqual(b.toJSON());
  expect(validateMix(a)).toEqual([]);
  expect(reconcileMix(a)).toEqual([]);
  return a;
}

describe('normalizeSections', () => {
  const s = (id: string, startS: number, endS: number): Section => ({
    id,
    label: id,
    kind: 'other',
    startS,
    endS,
    intent: '',
  });
  const rows = (r: ReturnType<typeof normalizeSections>) => r.sections.map((x) => [x.id, x.startS, x.endS]);

  it('[MM-10] trims the later of two overlapping sections, ordered by start then id', () => {
    expect(rows(normalizeSections([s('b', 15, 30), s('a', 0, 20)], 100))).toEqual([
      ['a', 0, 20],
      ['b', 20, 30],
    ]);
    // Same start: the smaller id keeps its range.
    expect(rows(normalizeSections([s('y', 10, 30), s('x', 10, 20)], 100))).toEqual([
      ['x', 10, 20],
      ['y', 20, 30],
    ]);
  });

  it('[MM-10] removes sections left with no length, swaps inverted bounds, clamps to the song', () => {
    const r = normalizeSections(
      [s('a', 0, 50), s('b', 10, 40), s('c', 90, 80), s('d', 95, 130), s('e', 120, 140)],
      100,
    );
    expect(rows(r)).toEqual([
      ['a', 0, 50],
      ['c', 80, 90],
      ['d', 95, 100],
    ]);
    expect(r.removed).toEqual(['b', 'e']);
  });

  it('[MM-10] with durationS = 0 (unknown) only the 24 h cap applies', () => {
    expect(rows(normalizeSections([s('a', 500, 90_000)], 0))).toEqual([['a', 500, 86_400]]);
  });

  it('[MM-10] is idempotent', () => {
    const once = normalizeSections([s('a', 0, 50), s('b', 10, 70), s('c', 60, 55)], 65).sections;
    expect(normalizeSections(once, 65).sections).toEqual(once);
  });
});

describe('reconcileMix', () => {
  it('[MM-10] concurrent sections added into the same gap: the later is trimmed on every peer', () => {
    const a = mergeAndReconcile(
      (d) => addSection(d, { id: 'b1', label: 'Bridge', kind: 'bridge', startS: 100, endS: 130 }),
      (d) => addSection(d, { id: 'b2', label: 'Solo', kind: 'solo', startS: 120, endS: 150 }),
    );
    expect(sectionRows(a).slice(3)).toEqual([
      ['b1', 100, 130],
      ['b2', 130, 150],
    ]);
  });

  it('[MM-10] concurrent edits of the two bounds invert a section; reconcile swaps them', () => {
    const a = mergeAndReconcile(
      (d) => resizeSection(d, 'verse', 50, 60), // writes startS only
      (d) => resizeSection(d, 'verse', 20, 40), // writes endS only
    );
    expect(sectionRows(a)).toContainEqual(['verse', 40, 50]);
  });

  it('[MM-10] a song shortened concurrently with a section edit: the section is clamped or removed', () => {
    const a = mergeAndReconcile(
      (d) => setSongInfo(d, { durationS: 80 }),
      (d) => {
        resizeSection(d, 'chorus', 60, 100);
        addSection(d, { id: 'late', label: 'Late', kind: 'outro', startS: 120, endS: 150 });
      },
    );
    expect(sectionRows(a)).toEqual([
      ['intro', 0, 20],
      ['verse', 20, 60],
      ['chorus', 60, 80],
    ]);
  });

  it('[MM-11] faders and offsets for a stem deleted concurrently are removed', () => {
    const a = mergeAndReconcile(
      (d) => removeStem(d, 'gtr'),
      (d) => {
        setSceneFader(d, DEFAULT_SCENE_ID, 'gtr', -4);
        setSectionOffset(d, DEFAULT_SCENE_ID, 'chorus', 'gtr', 3);
        setSectionOffset(d, DEFAULT_SCENE_ID, 'chorus', 'vox', 1);
      },
    );
    const scene = readMix(a).scenes[0]!;
    expect({ ...scene.faders }).toEqual({});
    expect({ ...scene.offsets }).toEqual({ 'chorus:vox': 1 });
  });

  it('[MM-11] offsets of a section removed by the section repair go in the same pass', () => {
    const doc = demoDoc();
    setSectionOffset(doc, DEFAULT_SCENE_ID, 'verse', 'vox', -3);
    // As a merge can leave it: verse now lies inside intro (0..20), so the repair removes it.
    (doc.getMap(ROOT.sections).get('verse') as YMap).set('startS', 5);
    (doc.getMap(ROOT.sections).get('verse') as YMap).set('endS', 15);
    const repairs = reconcileMix(doc);
    expect(repairs.map((r) => `${r.code}@${r.path}`)).toEqual([
      'section-removed@sections/verse',
      'dangling-offset@scenes/engineer/offsets/verse:vox',
    ]);
    expect(validateMix(doc)).toEqual([]);
  });

  it('[MM-12] stems added concurrently with the same order get distinct orders', () => {
    const a = mergeAndReconcile(
      (d) => addStem(d, { id: 'pads', fileId: 'f', name: 'Pads' }),
      (d) => addStem(d, { id: 'keys', fileId: 'f', name: 'Keys' }),
    );
    expect(readMix(a).stems.map((s) => [s.id, s.order])).toEqual([
      ['vox', 0],
      ['gtr', 1],
      ['bass', 2],
      ['keys', 3],
      ['pads', 4],
    ]);
  });

  it('[MM-12] renumbers 0..n-1 when bumping would pass the order cap', () => {
    const doc = demoDoc();
    for (const id of ['vox', 'gtr']) (doc.getMap(ROOT.stems).get(id) as YMap).set('order', 1_000_000);
    reconcileMix(doc);
    expect(readMix(doc).stems.map((s) => [s.id, s.order])).toEqual([
      ['bass', 0],
      ['gtr', 1],
      ['vox', 2],
    ]);
    expect(validateMix(doc)).toEqual([]);
  });

  it('[MM-13] when concurrent deletes leave no scene, the default scene comes back once', () => {
    const base = demoDoc(1000);
    createScene(base, { id: 'alt', name: 'Alt', createdBy: 'x' });
    const a = mergeAndReconcile(
      (d) => deleteScene(d, DEFAULT_SCENE_ID),
      (d) => deleteScene(d, 'alt'),
      base,
    );
    expect(readMix(a).scenes.map((s) => [s.id, s.name])).toEqual([[DEFAULT_SCENE_ID, 'Engineer']]);
  });

  it('[MM-14] references added concurrently with the same id: the first stays', () => {
    const a = mergeAndReconcile(
      (d) => addReference(d, { id: 'r1', title: 'From A' }),
      (d) => addReference(d, { id: 'r1', title: 'From B' }),
    );
    expect(readMix(a).brief.references).toHaveLength(1);
  });

  it('[MM-15] is idempotent: a second run repairs nothing and emits no update', () => {
    const doc = demoDoc();
    (doc.getMap(ROOT.sections).get('chorus') as YMap).set('startS', 40);
    expect(reconcileMix(doc).length).toBeGreaterThan(0);
    expect(updatesOf(doc, () => expect(reconcileMix(doc)).toEqual([]))).toEqual([]);
  });

  it('[MM-15] a consistent document is left alone', () => {
    const doc = demoDoc();
    expect(updatesOf(doc, () => expect(reconcileMix(doc)).toEqual([]))).toEqual([]);
  });

  it('[MM-15] two peers reconciling the same merged state independently end with identical encoded state', () => {
    const base = demoDoc(1000);
    const a = fork(base, 1);
    const b = fork(base, 2);
    addSection(a, { id: 'x', label: 'X', kind: 'bridge', startS: 100, endS: 140 });
    addStem(a, { id: 'keys', fileId: 'f', name: 'Keys' });
    addSection(b, { id: 'y', label: 'Y', kind: 'solo', startS: 110, endS: 150 });
    addStem(b, { id: 'pads', fileId: 'f', name: 'Pads' });
    removeStem(b, 'gtr');
    setSectionOffset(a, DEFAULT_SCENE_ID, 'x', 'gtr', 2);
    syncPair(a, b);
    expect(validateMix(a).map((i) => i.code)).toEqual([
      'section-overlap',
      'dangling-offset',
      'duplicate-order',
    ]);
    reconcileMix(a);
    reconcileMix(b);
    syncPair(a, b);
    expect(bytesEqual(Y.encodeStateAsUpdate(a), Y.encodeStateAsUpdate(b))).toBe(true);
    expect(validateMix(a)).toEqual([]);
  });

  it('never throws on malformed entries (it leaves them to validation)', () => {
    const doc = demoDoc();
    doc.getMap(ROOT.sections).set('junk', 'not a map');
    (doc.getMap(ROOT.stems).get('vox') as YMap).set('order', 'first');
    (doc.getMap(ROOT.scenes).get(DEFAULT_SCENE_ID) as YMap).set('offsets', 3);
    expect(() => reconcileMix(doc)).not.toThrow();
  });
});
