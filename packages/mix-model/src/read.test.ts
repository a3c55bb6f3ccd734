import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOT } from './constants.js';
import { createScene, setSceneFader } from './ops.js';
import { defaultSceneId, readMix } from './read.js';
import { demoDoc } from './test-support/fixtures.js';

describe('readMix', () => {
  it('returns sections in song order, stems in mixer order, the default scene first', () => {
    const doc = demoDoc();
    createScene(doc, { id: 'a', name: 'Zed', createdBy: 'x' });
    createScene(doc, { id: 'b', name: 'Alpha', createdBy: 'x' });
    const mix = readMix(doc);
    expect(mix.sections.map((s) => s.id)).toEqual(['intro', 'verse', 'chorus']);
    expect(mix.stems.map((s) => [s.id, s.order])).toEqual([
      ['vox', 0],
      ['gtr', 1],
      ['bass', 2],
    ]);
    expect(mix.scenes.map((s) => s.id)).toEqual(['engineer', 'b', 'a']);
    expect(defaultSceneId(mix)).toBe('engineer');
  });

  it('[MM-13] without the engineer scene, the default is the first by name', () => {
    const doc = demoDoc();
    createScene(doc, { id: 'a', name: 'Zed', createdBy: 'x' });
    createScene(doc, { id: 'b', name: 'Alpha', createdBy: 'x' });
    doc.getMap(ROOT.scenes).delete('engineer');
    expect(defaultSceneId(readMix(doc))).toBe('b');
  });

  it('[MM-3] an id like __proto__ is an ordinary key of the records readMix returns', () => {
    const doc = demoDoc();
    const stems = doc.getMap(ROOT.stems);
    const copy = new Y.Map<unknown>(Object.entries((stems.get('vox') as Y.Map<unknown>).toJSON()));
    stems.set('__proto__', copy);
    setSceneFader(doc, 'engineer', '__proto__', -7);
    const scene = readMix(doc).scenes[0]!;
    expect(Object.keys(scene.faders)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(scene.faders, '__proto__')?.value).toBe(-7);
  });

  it('is lenient: malformed entries are skipped or read as defaults, never thrown on', () => {
    const doc = demoDoc();
    doc.getMap(ROOT.sections).set('bad id!', new Y.Map());
    const broken = new Y.Map<unknown>();
    broken.set('startS', 'soon');
    doc.getMap(ROOT.sections).set('broken', broken);
    (doc.getMap(ROOT.stems).get('vox') as Y.Map<unknown>).set('faderDb', new Y.Text('loud'));
    doc.getMap(ROOT.brief).set('text', 42);
    const mix = readMix(doc);
    expect(mix.sections.map((s) => s.id)).toEqual(['intro', 'verse', 'chorus']);
    expect(mix.stems.find((s) => s.id === 'vox')!.faderDb).toBe(0);
    expect(mix.brief.text).toBe('');
  });
});
