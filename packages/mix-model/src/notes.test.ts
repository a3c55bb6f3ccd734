import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MixModelError } from './errors.js';
import { gainDbAt, stemGainCurve } from './gain.js';
import { applyStructuredNote } from './notes.js';
import { createScene, setSectionOffset } from './ops.js';
import { readMix } from './read.js';
import { demoDoc } from './test-support/fixtures.js';
import { validateMix } from './validate.js';

describe('applyStructuredNote', () => {
  it('[MM-17] creates a proposal scene from the default scene with the offset moved', () => {
    const doc = demoDoc();
    setSectionOffset(doc, 'engineer', 'chorus', 'gtr', -2);
    const id = applyStructuredNote(doc, {
      sectionId: 'chorus',
      stemId: 'gtr',
      direction: 'up',
      amountDb: 3,
      createdBy: 'Mara',
    });
    const mix = readMix(doc);
    const proposal = mix.scenes.find((s) => s.id === id)!;
    expect(proposal).toMatchObject({
      name: 'Rhythm gtr +3 dB in Chorus 1',
      createdBy: 'Mara',
      basedOn: 'engineer',
    });
    expect(proposal.offsets['chorus:gtr']).toBe(1);
    expect(mix.scenes.find((s) => s.id === 'engineer')!.offsets['chorus:gtr']).toBe(-2);
    expect(gainDbAt(stemGainCurve(mix, id, 'gtr'), 75)).toBeCloseTo(1, 12);
    expect(validateMix(doc)).toEqual([]);
  });

  it('[MM-17] starts from a named scene, goes down, takes a name, in one transaction', () => {
    const doc = demoDoc();
    const base = createScene(doc, { name: 'Artist', createdBy: 'x' });
    setSectionOffset(doc, base, 'verse', 'vox', 5);
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    const id = applyStructuredNote(doc, {
      sceneId: base,
      sectionId: 'verse',
      stemId: 'vox',
      direction: 'down',
      amountDb: 2,
      name: 'Vox down',
    });
    expect(transactions).toBe(1);
    const proposal = readMix(doc).scenes.find((s) => s.id === id)!;
    expect(proposal).toMatchObject({ name: 'Vox down', basedOn: base });
    expect(proposal.offsets['verse:vox']).toBe(3);
  });

  it('[MM-17] refuses an offset that would leave -60..+24 dB, a zero amount and unknown ids, writing nothing', () => {
    const doc = demoDoc();
    setSectionOffset(doc, 'engineer', 'chorus', 'gtr', 22);
    const before = Y.encodeStateVector(doc);
    const note = { sectionId: 'chorus', stemId: 'gtr', direction: 'up', amountDb: 3 } as const;
    expect(() => applyStructuredNote(doc, note)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    expect(() => applyStructuredNote(doc, { ...note, amountDb: 0 })).toThrow(MixModelError);
    expect(() => applyStructuredNote(doc, { ...note, direction: 'sideways' as 'up' })).toThrow(MixModelError);
    expect(() => applyStructuredNote(doc, { ...note, sectionId: 'nope' })).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(() => applyStructuredNote(doc, { ...note, stemId: 'nope' })).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(() => applyStructuredNote(doc, { ...note, sceneId: 'nope' })).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });
});
