import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MixModelError } from './errors.js';
import {
  addSection,
  addStem,
  createScene,
  deleteScene,
  duplicateScene,
  moveSection,
  moveStem,
  relabelSection,
  removeSection,
  removeStem,
  renameScene,
  renameStem,
  resizeSection,
  STEM_COLORS,
  setClipGain,
  setFader,
  setMute,
  setPan,
  setSceneFader,
  setSectionIntent,
  setSectionKind,
  setSectionOffset,
  setSolo,
  setSongInfo,
  setStemColor,
  placeRevisionStems,
  setStemFile,
} from './ops.js';
import { seedMixDocument } from './seed.js';
import { readMix } from './read.js';
import { demoDoc, updatesOf } from './test-support/fixtures.js';
import type { SectionKind } from './types.js';
import { validateMix } from './validate.js';

/** Expects `fn` to throw a MixModelError with `code` and leave the document untouched. */
function expectRefused(doc: Y.Doc, fn: () => unknown, code: MixModelError['code'], message?: RegExp): void {
  const before = Y.encodeStateVector(doc);
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MixModelError);
  expect((error as MixModelError).code).toBe(code);
  if (message) expect((error as MixModelError).message).toMatch(message);
  expect(Y.encodeStateVector(doc)).toEqual(before);
}

const section = (doc: Y.Doc, id: string) => readMix(doc).sections.find((s) => s.id === id);
const stem = (doc: Y.Doc, id: string) => readMix(doc).stems.find((s) => s.id === id);
const scene = (doc: Y.Doc, id: string) => readMix(doc).scenes.find((s) => s.id === id);

describe('section operations', () => {
  it('adds a section with a generated id', () => {
    const doc = demoDoc();
    const id = addSection(doc, { label: 'Outro', kind: 'outro', startS: 150, endS: 180, intent: 'fade' });
    expect(id).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(section(doc, id)).toEqual({
      id,
      label: 'Outro',
      kind: 'outro',
      startS: 150,
      endS: 180,
      intent: 'fade',
    });
    expect(validateMix(doc)).toEqual([]);
  });

  it('[MM-20] refuses a section outside the song, inverted, or overlapping another', () => {
    const doc = demoDoc();
    expectRefused(
      doc,
      () => addSection(doc, { label: 'x', kind: 'other', startS: 170, endS: 181 }),
      'out-of-range',
      /endS must be within 0..180 s/,
    );
    expectRefused(
      doc,
      () => addSection(doc, { label: 'x', kind: 'other', startS: -1, endS: 10 }),
      'out-of-range',
    );
    expectRefused(
      doc,
      () => addSection(doc, { label: 'x', kind: 'other', startS: 120, endS: 120 }),
      'out-of-range',
      /start before it ends/,
    );
    expectRefused(
      doc,
      () => addSection(doc, { label: 'x', kind: 'other', startS: 85, endS: 100 }),
      'conflict',
      /overlaps "Chorus 1"/,
    );
    expectRefused(
      doc,
      () => addSection(doc, { label: 'x', kind: 'other', startS: Number.NaN, endS: 100 }),
      'invalid-argument',
    );
  });

  it('refuses a duplicate id, a bad id, a bad kind and a long label', () => {
    const doc = demoDoc();
    expectRefused(
      doc,
      () => addSection(doc, { id: 'verse', label: 'x', kind: 'verse', startS: 100, endS: 110 }),
      'conflict',
    );
    expectRefused(
      doc,
      () => addSection(doc, { id: 'a:b', label: 'x', kind: 'verse', startS: 100, endS: 110 }),
      'invalid-argument',
    );
    expectRefused(
      doc,
      () => addSection(doc, { label: 'x', kind: 'hook' as SectionKind, startS: 100, endS: 110 }),
      'invalid-argument',
    );
    expectRefused(
      doc,
      () => addSection(doc, { label: 'x'.repeat(201), kind: 'verse', startS: 100, endS: 110 }),
      'too-long',
    );
  });

  it('moves a section keeping its length, and refuses a move out of the song or onto another', () => {
    const doc = demoDoc();
    moveSection(doc, 'chorus', 100);
    expect(section(doc, 'chorus')).toMatchObject({ startS: 100, endS: 130 });
    expectRefused(doc, () => moveSection(doc, 'chorus', 160), 'out-of-range');
    expectRefused(doc, () => moveSection(doc, 'chorus', 50), 'conflict');
    expectRefused(doc, () => moveSection(doc, 'nope', 50), 'not-found');
  });

  it('resizes a section (adjacent sections may touch)', () => {
    const doc = demoDoc();
    resizeSection(doc, 'chorus', 60, 100);
    expect(section(doc, 'chorus')).toMatchObject({ startS: 60, endS: 100 });
    expectRefused(doc, () => resizeSection(doc, 'chorus', 59, 100), 'conflict');
    expectRefused(doc, () => resizeSection(doc, 'chorus', 100, 90), 'out-of-range');
  });

  it('relabels, sets kind and intent', () => {
    const doc = demoDoc();
    relabelSection(doc, 'verse', 'Verse A');
    setSectionKind(doc, 'verse', 'bridge');
    setSectionIntent(doc, 'verse', 'intimate');
    expect(section(doc, 'verse')).toMatchObject({ label: 'Verse A', kind: 'bridge', intent: 'intimate' });
    expectRefused(doc, () => setSectionIntent(doc, 'verse', 'x'.repeat(2001)), 'too-long');
    expectRefused(doc, () => relabelSection(doc, 'nope', 'x'), 'not-found');
  });

  it('[MM-20] removing a section removes its offsets in every scene', () => {
    const doc = demoDoc();
    const other = createScene(doc, { name: 'B', createdBy: 'a' });
    setSectionOffset(doc, 'engineer', 'chorus', 'vox', 3);
    setSectionOffset(doc, other, 'chorus', 'gtr', -3);
    setSectionOffset(doc, other, 'verse', 'gtr', -2);
    removeSection(doc, 'chorus');
    expect(section(doc, 'chorus')).toBeUndefined();
    expect({ ...scene(doc, 'engineer')!.offsets }).toEqual({});
    expect({ ...scene(doc, other)!.offsets }).toEqual({ 'verse:gtr': -2 });
    expect(validateMix(doc)).toEqual([]);
  });
});

describe('stem operations', () => {
  it('adds stems after the last one with a palette colour and neutral settings', () => {
    const doc = demoDoc();
    const id = addStem(doc, { fileId: 'f-keys', name: 'Keys', clipGainDb: -4.5 });
    expect(stem(doc, id)).toEqual({
      id,
      fileId: 'f-keys',
      name: 'Keys',
      color: STEM_COLORS[3],
      order: 3,
      clipGainDb: -4.5,
      faderDb: 0,
      pan: 0,
      mute: false,
      solo: false,
    });
  });

  it('[MM-8] refuses gains outside -60..+24 dB and pan outside -1..1', () => {
    const doc = demoDoc();
    expectRefused(
      doc,
      () => setClipGain(doc, 'vox', -60.5),
      'out-of-range',
      /clipGainDb must be within -60..24 dB/,
    );
    expectRefused(doc, () => setFader(doc, 'vox', 24.01), 'out-of-range');
    expectRefused(doc, () => setFader(doc, 'vox', Number.POSITIVE_INFINITY), 'invalid-argument');
    expectRefused(doc, () => setPan(doc, 'vox', 1.5), 'out-of-range');
    expectRefused(doc, () => addStem(doc, { fileId: 'f', name: 'x', faderDb: -100 }), 'out-of-range');
    expectRefused(doc, () => addStem(doc, { fileId: '../etc', name: 'x' }), 'invalid-argument');
    expectRefused(doc, () => setClipGain(doc, 'nope', 0), 'not-found');
  });

  it('sets clip gain, fader, pan, mute, solo, name and colour', () => {
    const doc = demoDoc();
    setClipGain(doc, 'vox', -60);
    setFader(doc, 'vox', 24);
    setPan(doc, 'vox', -1);
    setMute(doc, 'vox', true);
    setSolo(doc, 'vox', true);
    renameStem(doc, 'vox', 'Lead vocal');
    setStemColor(doc, 'vox', '#00ff00');
    expect(stem(doc, 'vox')).toMatchObject({
      clipGainDb: -60,
      faderDb: 24,
      pan: -1,
      mute: true,
      solo: true,
      name: 'Lead vocal',
      color: '#00ff00',
    });
    expectRefused(doc, () => setStemColor(doc, 'vox', 'red'), 'invalid-argument');
    expectRefused(doc, () => setMute(doc, 'vox', 'yes' as unknown as boolean), 'invalid-argument');
  });

  it('[MM-20] writes nothing when a value is set to what it already is', () => {
    const doc = demoDoc();
    setFader(doc, 'vox', -3);
    expect(updatesOf(doc, () => setFader(doc, 'vox', -3))).toEqual([]);
    expect(updatesOf(doc, () => setFader(doc, 'vox', -4))).toHaveLength(1);
  });

  it('moves a stem and renumbers orders 0..n-1', () => {
    const doc = demoDoc();
    moveStem(doc, 'bass', 0);
    expect(readMix(doc).stems.map((s) => [s.id, s.order])).toEqual([
      ['bass', 0],
      ['vox', 1],
      ['gtr', 2],
    ]);
    moveStem(doc, 'bass', 99);
    expect(readMix(doc).stems.map((s) => s.id)).toEqual(['vox', 'gtr', 'bass']);
  });

  it('[MM-20] removing a stem removes its scene faders and offsets', () => {
    const doc = demoDoc();
    setSceneFader(doc, 'engineer', 'gtr', -5);
    setSceneFader(doc, 'engineer', 'vox', -1);
    setSectionOffset(doc, 'engineer', 'verse', 'gtr', -8);
    setSectionOffset(doc, 'engineer', 'verse', 'vox', 2);
    removeStem(doc, 'gtr');
    expect(stem(doc, 'gtr')).toBeUndefined();
    expect({ ...scene(doc, 'engineer')!.faders }).toEqual({ vox: -1 });
    expect({ ...scene(doc, 'engineer')!.offsets }).toEqual({ 'verse:vox': 2 });
    expect(validateMix(doc)).toEqual([]);
  });
});

describe('scene operations', () => {
  it('creates an empty scene', () => {
    const doc = demoDoc();
    const id = createScene(doc, { name: 'Artist idea', createdBy: 'Mara' });
    expect(scene(doc, id)).toEqual({
      id,
      name: 'Artist idea',
      createdBy: 'Mara',
      basedOn: null,
      faders: {},
      offsets: {},
    });
  });

  it('duplicates a scene with its faders and offsets and records basedOn', () => {
    const doc = demoDoc();
    setSceneFader(doc, 'engineer', 'vox', -2);
    setSectionOffset(doc, 'engineer', 'chorus', 'gtr', 3);
    const id = duplicateScene(doc, 'engineer', { createdBy: 'Mara' });
    expect(scene(doc, id)).toMatchObject({ name: 'Engineer copy', createdBy: 'Mara', basedOn: 'engineer' });
    expect({ ...scene(doc, id)!.faders }).toEqual({ vox: -2 });
    expect({ ...scene(doc, id)!.offsets }).toEqual({ 'chorus:gtr': 3 });
    // The copy is independent.
    setSectionOffset(doc, id, 'chorus', 'gtr', 6);
    expect(scene(doc, 'engineer')!.offsets['chorus:gtr']).toBe(3);
    expect(validateMix(doc)).toEqual([]);
  });

  it('renames and deletes scenes, but never the last one', () => {
    const doc = demoDoc();
    const id = createScene(doc, { name: 'B', createdBy: 'x' });
    renameScene(doc, id, 'Bee');
    expect(scene(doc, id)!.name).toBe('Bee');
    deleteScene(doc, 'engineer');
    expect(readMix(doc).scenes.map((s) => s.id)).toEqual([id]);
    expectRefused(doc, () => deleteScene(doc, id), 'conflict', /last scene/);
    expectRefused(doc, () => renameScene(doc, 'nope', 'x'), 'not-found');
    expectRefused(doc, () => createScene(doc, { id, name: 'dup', createdBy: 'x' }), 'conflict');
  });

  it('[MM-5] sets and clears a scene fader override', () => {
    const doc = demoDoc();
    setSceneFader(doc, 'engineer', 'vox', -6);
    expect(scene(doc, 'engineer')!.faders.vox).toBe(-6);
    setSceneFader(doc, 'engineer', 'vox', null);
    expect(scene(doc, 'engineer')!.faders.vox).toBeUndefined();
    expectRefused(doc, () => setSceneFader(doc, 'engineer', 'nope', 0), 'not-found');
    expectRefused(doc, () => setSceneFader(doc, 'engineer', 'vox', 30), 'out-of-range');
  });

  it('sets and clears a section offset', () => {
    const doc = demoDoc();
    setSectionOffset(doc, 'engineer', 'chorus', 'gtr', -20);
    expect(scene(doc, 'engineer')!.offsets['chorus:gtr']).toBe(-20);
    setSectionOffset(doc, 'engineer', 'chorus', 'gtr', null);
    expect({ ...scene(doc, 'engineer')!.offsets }).toEqual({});
    expectRefused(doc, () => setSectionOffset(doc, 'engineer', 'nope', 'gtr', 1), 'not-found');
    expectRefused(doc, () => setSectionOffset(doc, 'nope', 'chorus', 'gtr', 1), 'not-found');
    expectRefused(doc, () => setSectionOffset(doc, 'engineer', 'chorus', 'gtr', -61), 'out-of-range');
  });
});

describe('song info', () => {
  it('sets title, sample rate and tempo, and removes the tempo with null', () => {
    const doc = demoDoc();
    setSongInfo(doc, { title: 'New', sampleRate: 44_100, tempoBpm: 120 });
    expect(readMix(doc).meta).toMatchObject({ title: 'New', sampleRate: 44_100, tempoBpm: 120 });
    setSongInfo(doc, { tempoBpm: null });
    expect(readMix(doc).meta.tempoBpm).toBeNull();
    expectRefused(doc, () => setSongInfo(doc, { sampleRate: 44_100.5 }), 'invalid-argument');
  });

  it('[MM-10] shrinking the song trims and removes sections in the same transaction', () => {
    const doc = demoDoc();
    const updates = updatesOf(doc, () => setSongInfo(doc, { durationS: 70 }));
    expect(updates).toHaveLength(1);
    expect(readMix(doc).sections.map((s) => [s.id, s.startS, s.endS])).toEqual([
      ['intro', 0, 20],
      ['verse', 20, 60],
      ['chorus', 60, 70],
    ]);
    setSongInfo(doc, { durationS: 50 });
    expect(readMix(doc).sections.map((s) => s.id)).toEqual(['intro', 'verse']);
    expect(validateMix(doc)).toEqual([]);
  });
});

describe('revision stems', () => {
  it('[MM-21] a later revision points same-named stems at the new files and keeps their settings', () => {
    const doc = new Y.Doc();
    seedMixDocument(doc, { title: 'Song', durationS: 60 });
    const [gtr, vox] = placeRevisionStems(doc, [
      { fileId: 'v1-gtr', name: 'Rhythm Gtr' },
      { fileId: 'v1-vox', name: 'Vocal' },
    ]);
    setFader(doc, gtr!, -6);
    const verse = addSection(doc, { label: 'Verse', kind: 'verse', startS: 0, endS: 20 });
    setSectionOffset(doc, 'engineer', verse, gtr!, -20);

    const second = placeRevisionStems(doc, [
      { fileId: 'v2-gtr', name: '  rhythm   GTR' },
      { fileId: 'v2-pad', name: 'Pad' },
      { fileId: 'v2-gtr-b', name: 'Rhythm Gtr' },
    ]);
    const mix = readMix(doc);
    expect(second[0]).toBe(gtr);
    expect(second[2]).not.toBe(gtr);
    expect(mix.stems).toHaveLength(4);
    expect(mix.stems.find((st) => st.id === gtr)).toMatchObject({
      fileId: 'v2-gtr',
      faderDb: -6,
      name: 'Rhythm Gtr',
    });
    expect(mix.stems.find((st) => st.id === vox)?.fileId).toBe('v1-vox');
    expect(mix.scenes.find((sc) => sc.id === 'engineer')?.offsets[`${verse}:${gtr}`]).toBe(-20);
  });

  it('[MM-21] setStemFile refuses a malformed file id and writes nothing', () => {
    const doc = new Y.Doc();
    seedMixDocument(doc, { title: 'Song', durationS: 60 });
    const id = addStem(doc, { fileId: 'f1', name: 'Bass' });
    expectRefused(doc, () => setStemFile(doc, id, 'not a valid id!'), 'invalid-argument');
  });
});
