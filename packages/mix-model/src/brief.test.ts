import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addDeliverable,
  addReference,
  deleteBriefText,
  insertBriefText,
  removeDeliverable,
  removeReference,
  setBriefText,
  setPrinciple,
  setPrinciples,
  updateDeliverable,
  updateReference,
} from './brief.js';
import { LIMITS } from './constants.js';
import { MixModelError } from './errors.js';
import { readMix } from './read.js';
import { demoDoc, fork, syncPair } from './test-support/fixtures.js';
import { validateMix } from './validate.js';

const brief = (doc: Y.Doc) => readMix(doc).brief;

function expectCode(fn: () => unknown, code: MixModelError['code']): void {
  expect(fn).toThrow(MixModelError);
  expect(fn).toThrow(expect.objectContaining({ code }));
}

describe('brief text', () => {
  it('inserts and deletes text', () => {
    const doc = demoDoc();
    insertBriefText(doc, 0, 'Like Depeche Mode');
    insertBriefText(doc, 4, ' if Bon Iver produced');
    expect(brief(doc).text).toBe('Like if Bon Iver produced Depeche Mode');
    deleteBriefText(doc, 4, 21);
    expect(brief(doc).text).toBe('Like Depeche Mode');
    expectCode(() => insertBriefText(doc, 99, 'x'), 'out-of-range');
    expectCode(() => deleteBriefText(doc, 10, 8), 'out-of-range');
  });

  it('[MM-8] caps the brief text at 100 000 characters', () => {
    const doc = demoDoc();
    insertBriefText(doc, 0, 'x'.repeat(LIMITS.briefTextMax));
    expectCode(() => insertBriefText(doc, 0, 'y'), 'too-long');
    expect(validateMix(doc)).toEqual([]);
  });

  it('[MM-19] setBriefText edits only the changed middle, so a concurrent edit elsewhere survives', () => {
    const doc = demoDoc();
    setBriefText(doc, 'Warm verses. Big chorus.');
    const other = fork(doc, 7);
    setBriefText(doc, 'Warm, dry verses. Big chorus.');
    insertBriefText(other, brief(other).text.length, ' Real drums.');
    syncPair(doc, other);
    expect(brief(doc).text).toBe('Warm, dry verses. Big chorus. Real drums.');
    expect(brief(other).text).toBe(brief(doc).text);
  });

  it('[MM-19] setBriefText never splits a surrogate pair', () => {
    const doc = demoDoc();
    setBriefText(doc, 'mood: 😀 ok');
    setBriefText(doc, 'mood: 😃 ok'); // same high surrogate, different low one
    expect(brief(doc).text).toBe('mood: 😃 ok');
  });
});

describe('principles', () => {
  it('[MM-19] are Y.Texts edited by minimal diff, and set together atomically', () => {
    const doc = demoDoc();
    setPrinciple(doc, 'space', 'Dry verses');
    const other = fork(doc, 8);
    setPrinciple(doc, 'space', 'Dry verses, wet chorus');
    setPrinciple(other, 'space', 'Very dry verses');
    syncPair(doc, other);
    expect(brief(doc).principles.space).toBe('Very dry verses, wet chorus');
    setPrinciples(doc, { balance: 'Vocal on top', clarity: 'Bass vs kick' });
    expect(brief(doc).principles).toMatchObject({ balance: 'Vocal on top', clarity: 'Bass vs kick' });
    const before = brief(doc).principles;
    expectCode(
      () => setPrinciples(doc, { balance: 'changed', timbre: 'x'.repeat(LIMITS.principleTextMax + 1) }),
      'too-long',
    );
    expect(brief(doc).principles).toEqual(before);
    expectCode(() => setPrinciples(doc, { loudness: 'x' } as never), 'invalid-argument');
  });
});

describe('references', () => {
  it('adds, updates and removes references', () => {
    const doc = demoDoc();
    const a = addReference(doc, {
      title: 'Enjoy the Silence',
      url: 'https://example.com/a',
      listenFor: 'pads',
    });
    const b = addReference(doc, { title: 'Holocene', fileId: 'file-1' });
    expect(brief(doc).references).toEqual([
      { id: a, title: 'Enjoy the Silence', url: 'https://example.com/a', fileId: null, listenFor: 'pads' },
      { id: b, title: 'Holocene', url: null, fileId: 'file-1', listenFor: '' },
    ]);
    updateReference(doc, a, { url: null, listenFor: 'the bass', title: 'EtS' });
    updateReference(doc, b, { url: 'http://x.test', fileId: null });
    expect(brief(doc).references).toEqual([
      { id: a, title: 'EtS', url: null, fileId: null, listenFor: 'the bass' },
      { id: b, title: 'Holocene', url: 'http://x.test', fileId: null, listenFor: '' },
    ]);
    removeReference(doc, a);
    expect(brief(doc).references.map((r) => r.id)).toEqual([b]);
    expect(validateMix(doc)).toEqual([]);
  });

  it('[MM-8] refuses non-http(s) links, unknown ids and duplicates', () => {
    const doc = demoDoc();
    expectCode(() => addReference(doc, { title: 'x', url: 'javascript:alert(1)' }), 'invalid-argument');
    const id = addReference(doc, { title: 'x' });
    expectCode(() => updateReference(doc, id, { url: 'data:text/html,hi' }), 'invalid-argument');
    expectCode(() => addReference(doc, { id, title: 'again' }), 'conflict');
    expectCode(() => removeReference(doc, 'nope'), 'not-found');
  });
});

describe('deliverables', () => {
  it('adds, ticks, relabels and removes deliverables', () => {
    const doc = demoDoc();
    const id = addDeliverable(doc, { label: 'Instrumental' });
    addDeliverable(doc, { id: 'stems', label: 'Stems', done: true });
    updateDeliverable(doc, id, { done: true, label: 'Instrumental 24-bit' });
    expect(brief(doc).deliverables).toEqual([
      { id, label: 'Instrumental 24-bit', done: true },
      { id: 'stems', label: 'Stems', done: true },
    ]);
    removeDeliverable(doc, 'stems');
    expect(brief(doc).deliverables.map((d) => d.id)).toEqual([id]);
    expectCode(() => updateDeliverable(doc, 'nope', { done: false }), 'not-found');
    expectCode(() => addDeliverable(doc, { label: 'x'.repeat(201) }), 'too-long');
  });
});
