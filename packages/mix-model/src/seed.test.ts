import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_SCENE_ID, PRINCIPLES, ROOT, ROOT_NAMES, ROOT_TYPES, SCHEMA_VERSION } from './constants.js';
import { MixModelError } from './errors.js';
import { addSection, addStem, createScene, setFader } from './ops.js';
import { readMix } from './read.js';
import { seedMixDocument } from './seed.js';
import { newDoc, updatesOf } from './test-support/fixtures.js';
import { validateMix } from './validate.js';

describe('seedMixDocument', () => {
  it('[MM-2] creates every container and the default Engineer scene, and the result is valid', () => {
    const doc = newDoc();
    seedMixDocument(doc, { title: 'Night Drive', durationS: 214.5, tempoBpm: 96 });
    const mix = readMix(doc);
    expect(mix.meta).toEqual({
      schemaVersion: SCHEMA_VERSION,
      title: 'Night Drive',
      sampleRate: 48_000,
      durationS: 214.5,
      tempoBpm: 96,
    });
    expect(doc.getMap(ROOT.brief).get('text')).toBeInstanceOf(Y.Text);
    expect(doc.getMap(ROOT.brief).get('references')).toBeInstanceOf(Y.Array);
    const principles = doc.getMap(ROOT.brief).get('principles') as Y.Map<unknown>;
    for (const p of PRINCIPLES) expect(principles.get(p)).toBeInstanceOf(Y.Text);
    expect(mix.scenes.map((s) => [s.id, s.name, s.createdBy])).toEqual([
      [DEFAULT_SCENE_ID, 'Engineer', 'server'],
    ]);
    expect(validateMix(doc)).toEqual([]);
  });

  it('[MM-2] is idempotent: seeding a seeded document writes nothing and overwrites nothing', () => {
    const doc = newDoc();
    seedMixDocument(doc, { title: 'First', durationS: 100 });
    const before = Y.encodeStateAsUpdate(doc);
    expect(
      updatesOf(doc, () => seedMixDocument(doc, { title: 'Second', durationS: 50, sampleRate: 44_100 })),
    ).toEqual([]);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(readMix(doc).meta.title).toBe('First');
  });

  it('[MM-2] does not recreate the default scene when other scenes exist', () => {
    const doc = newDoc();
    seedMixDocument(doc, { title: 'T' });
    createScene(doc, { id: 'mine', name: 'Mine', createdBy: 'a' });
    doc.getMap(ROOT.scenes).delete(DEFAULT_SCENE_ID);
    seedMixDocument(doc, { title: 'T' });
    expect(readMix(doc).scenes.map((s) => s.id)).toEqual(['mine']);
  });

  it('[MM-2] fills containers that are missing from a partly seeded document', () => {
    const doc = newDoc();
    seedMixDocument(doc, { title: 'T' });
    doc.getMap(ROOT.brief).delete('deliverables');
    seedMixDocument(doc, { title: 'T' });
    expect(validateMix(doc)).toEqual([]);
  });

  it('[MM-2] operations on an unseeded document throw not-seeded (clients never seed)', () => {
    const doc = newDoc();
    const attempt = () => addStem(doc, { fileId: 'f', name: 'x' });
    expect(attempt).toThrow(MixModelError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'not-seeded' }));
    expect(() => setFader(doc, 'x', 0)).toThrow(expect.objectContaining({ code: 'not-seeded' }));
    expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(newDoc()));
  });

  it('rejects bad seed options', () => {
    expect(() => seedMixDocument(newDoc(), { title: 'T', sampleRate: 1 })).toThrow(
      expect.objectContaining({ code: 'out-of-range' }),
    );
    expect(() => seedMixDocument(newDoc(), { title: 'x'.repeat(201) })).toThrow(
      expect.objectContaining({ code: 'too-long' }),
    );
    expect(() => seedMixDocument(newDoc(), { title: 'T', durationS: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });

  it('[MM-1] exports the root names and an allow-list of their types', () => {
    expect(ROOT_NAMES).toEqual(['meta', 'brief', 'sections', 'stems', 'scenes']);
    expect(Object.keys(ROOT_TYPES)).toEqual([...ROOT_NAMES]);
    for (const name of ROOT_NAMES) expect(ROOT_TYPES[name]).toBe(Y.Map);
  });

  it('a seeded document accepts operations', () => {
    const doc = newDoc();
    seedMixDocument(doc, { title: 'T', durationS: 60 });
    addSection(doc, { label: 'Verse', kind: 'verse', startS: 0, endS: 30 });
    expect(readMix(doc).sections).toHaveLength(1);
  });
});
