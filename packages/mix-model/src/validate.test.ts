import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LIMITS, ROOT } from './constants.js';
import { setFader } from './ops.js';
import type { AnyType } from './internal.js';
import { demoDoc, fork, newDoc, rng } from './test-support/fixtures.js';
import {
  applyUpdateValidated,
  formatIssue,
  MAX_ISSUES,
  type MixIssue,
  validateMix,
  validateTransaction,
} from './validate.js';

type YMap = Y.Map<unknown>;

/** A hostile client edits a copy of the server state with raw Yjs; the server validates its update. */
function attack(edit: (hostile: Y.Doc) => void, base: Y.Doc = demoDoc(1000)): MixIssue[] {
  const hostile = fork(base, 666);
  edit(hostile);
  const update = Y.encodeStateAsUpdate(hostile, Y.encodeStateVector(base));
  const shadow = fork(base, 999);
  return applyUpdateValidated(shadow, update);
}

const codes = (issues: readonly MixIssue[]) => issues.map((i) => `${i.code}@${i.path}`);
const map = (doc: Y.Doc, root: string, ...path: string[]): YMap => {
  let m = doc.getMap(root);
  for (const key of path) m = m.get(key) as YMap;
  return m;
};

describe('validateTransaction: hostile shapes are reported, never thrown', () => {
  it('[MM-9] accepts an honest edit', () => {
    expect(attack((d) => setFader(d, 'vox', -3))).toEqual([]);
  });

  it('[MM-1] reports root types outside the allow-list', () => {
    expect(codes(attack((d) => d.getMap('evil').set('x', 1)))).toEqual(['unknown-root@"evil"']);
    expect(codes(attack((d) => d.getText('notes').insert(0, 'hi')))).toEqual(['unknown-root@"notes"']);
    expect(codes(attack((d) => d.getArray('a b').push([1])))).toEqual(['unknown-root@"a b"']);
  });

  it('[MM-1] reports list content written into an allowed root (a root name reused as an array)', () => {
    const fresh = newDoc(42);
    fresh.getArray('meta').push(['boom']);
    const update = Y.encodeStateAsUpdate(fresh);
    expect(codes(applyUpdateValidated(fork(demoDoc(1000), 999), update))).toEqual([
      'list-content-in-map@meta',
    ]);
    // Also when the shadow has not typed the root yet.
    const unseeded = new Y.Doc();
    expect(codes(applyUpdateValidated(unseeded, update))).toContain('list-content-in-map@meta');
  });

  it('[MM-9] reports a Y.Text, a nested map, a subdocument or bytes where a number or string belongs', () => {
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('faderDb', new Y.Text('loud'))))).toEqual([
      'wrong-type@stems/vox/faderDb',
    ]);
    expect(codes(attack((d) => map(d, ROOT.sections, 'verse').set('label', new Y.Map())))).toEqual([
      'wrong-type@sections/verse/label',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('name', new Y.Doc())))).toEqual([
      'wrong-type@stems/vox/name',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('pan', new Uint8Array([1]))))).toEqual([
      'wrong-type@stems/vox/pan',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('mute', 'yes')))).toEqual([
      'wrong-type@stems/vox/mute',
    ]);
    expect(codes(attack((d) => map(d, ROOT.meta).set('durationS', { n: 1 })))).toEqual([
      'wrong-type@meta/durationS',
    ]);
  });

  it('[MM-9] reports the wrong container type where a container belongs', () => {
    expect(codes(attack((d) => map(d, ROOT.brief).set('text', new Y.Array())))).toEqual([
      'wrong-type@brief/text',
    ]);
    expect(codes(attack((d) => map(d, ROOT.brief).set('text', new Y.XmlText('x'))))).toEqual([
      'wrong-type@brief/text',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems).set('keys', 'not a map')))).toEqual([
      'wrong-type@stems/keys',
    ]);
    expect(codes(attack((d) => map(d, ROOT.scenes, 'engineer').set('offsets', new Y.Array())))).toEqual([
      'wrong-type@scenes/engineer/offsets',
    ]);
  });

  it('[MM-8] reports values out of range', () => {
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('faderDb', 24.5)))).toEqual([
      'out-of-range@stems/vox/faderDb',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('clipGainDb', -61)))).toEqual([
      'out-of-range@stems/vox/clipGainDb',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('pan', -1.01)))).toEqual([
      'out-of-range@stems/vox/pan',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('faderDb', Number.NaN)))).toEqual([
      'wrong-type@stems/vox/faderDb',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('order', 1.5)))).toEqual([
      'not-integer@stems/vox/order',
    ]);
    expect(codes(attack((d) => map(d, ROOT.sections, 'verse').set('endS', LIMITS.maxSongS + 1)))).toEqual([
      'out-of-range@sections/verse/endS',
    ]);
    expect(codes(attack((d) => map(d, ROOT.sections, 'verse').set('startS', -0.5)))).toEqual([
      'out-of-range@sections/verse/startS',
    ]);
    expect(codes(attack((d) => map(d, ROOT.scenes, 'engineer', 'offsets').set('verse:vox', 40)))).toEqual([
      'out-of-range@scenes/engineer/offsets/verse:vox',
    ]);
    expect(codes(attack((d) => map(d, ROOT.meta).set('schemaVersion', 2)))).toEqual([
      'out-of-range@meta/schemaVersion',
    ]);
    expect(codes(attack((d) => map(d, ROOT.sections, 'verse').set('kind', 'hook')))).toEqual([
      'out-of-range@sections/verse/kind',
    ]);
  });

  it('[MM-3] reports malformed ids and keys', () => {
    const section = () => {
      const m = new Y.Map<unknown>();
      for (const [k, v] of Object.entries({ label: 'x', kind: 'verse', startS: 100, endS: 110, intent: '' }))
        m.set(k, v);
      return m;
    };
    expect(codes(attack((d) => map(d, ROOT.sections).set('bad id', section())))).toEqual([
      'bad-key@sections/"bad id"',
    ]);
    expect(codes(attack((d) => map(d, ROOT.sections).set('x'.repeat(65), section())))).toHaveLength(1);
    expect(codes(attack((d) => map(d, ROOT.scenes, 'engineer', 'offsets').set('verse-vox', 1)))).toEqual([
      'bad-key@scenes/engineer/offsets/verse-vox',
    ]);
    expect(codes(attack((d) => map(d, ROOT.scenes, 'engineer', 'faders').set('a:b', 1)))).toEqual([
      'bad-key@scenes/engineer/faders/a:b',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('fileId', '../../etc/passwd')))).toEqual([
      'bad-format@stems/vox/fileId',
    ]);
  });

  it('[MM-1] reports unknown and missing fields', () => {
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').set('evil', 1)))).toEqual([
      'unknown-field@stems/vox/evil',
    ]);
    expect(codes(attack((d) => map(d, ROOT.stems, 'vox').delete('pan')))).toEqual([
      'missing-field@stems/vox/pan',
    ]);
    expect(codes(attack((d) => map(d, ROOT.brief).delete('text')))).toEqual(['missing-field@brief/text']);
    expect(codes(attack((d) => map(d, ROOT.meta).delete('tempoBpm')))).toEqual([]); // optional
    const incomplete = new Y.Map<unknown>();
    incomplete.set('name', 'x');
    expect(codes(attack((d) => map(d, ROOT.scenes).set('s2', incomplete)))).toEqual([
      'missing-field@scenes/s2/createdBy',
      'missing-field@scenes/s2/faders',
      'missing-field@scenes/s2/offsets',
    ]);
  });

  it('[MM-9] a new section must start before it ends; an edit that inverts an existing one is left to reconcile', () => {
    const section = new Y.Map<unknown>();
    for (const [k, v] of Object.entries({ label: 'x', kind: 'verse', startS: 120, endS: 110, intent: '' }))
      section.set(k, v);
    expect(codes(attack((d) => map(d, ROOT.sections).set('new1', section)))).toEqual([
      'inverted-section@sections/new1',
    ]);
    // Concurrent edits of the two bounds can invert an existing section: repairable, not an error.
    expect(attack((d) => map(d, ROOT.sections, 'verse').set('startS', 70))).toEqual([]);
    // So can a section running past a song that was shortened concurrently.
    expect(attack((d) => map(d, ROOT.sections, 'chorus').set('endS', 500))).toEqual([]);
  });

  it('[MM-19] reports formatting, embeds and nested types in text, and text over its cap', () => {
    const text = (d: Y.Doc) => map(d, ROOT.brief).get('text') as Y.Text;
    expect(codes(attack((d) => text(d).insert(0, 'bold', { bold: true })))).toEqual([
      'bad-text-content@brief/text',
    ]);
    expect(codes(attack((d) => text(d).insertEmbed(0, { image: 'x' })))).toEqual([
      'bad-text-content@brief/text',
    ]);
    expect(codes(attack((d) => text(d).insertEmbed(0, new Y.Map())))).toEqual([
      'bad-text-content@brief/text',
    ]);
    expect(codes(attack((d) => text(d).insert(0, 'x'.repeat(LIMITS.briefTextMax + 1))))).toEqual([
      'too-long@brief/text',
    ]);
    const principle = (d: Y.Doc) => map(d, ROOT.brief, 'principles').get('space') as Y.Text;
    expect(codes(attack((d) => principle(d).insert(0, 'x', { color: 'red' })))).toEqual([
      'bad-text-content@brief/principles/space',
    ]);
    expect(codes(attack((d) => text(d).setAttribute('lang', 'en')))).toEqual([
      'map-content-in-list@brief/text',
    ]);
    expect(attack((d) => text(d).insert(0, 'plain text, ünïcødé 🎧'))).toEqual([]);
  });

  it('[MM-1] reports list content inside a map and map entries inside an array', () => {
    // Y.Map.set / Y.Array.insert work on any shared type, which is what a hostile encoder can produce.
    expect(codes(attack((d) => Y.Array.prototype.insert.call(map(d, ROOT.stems, 'vox'), 0, [1])))).toEqual([
      'list-content-in-map@stems/vox',
    ]);
    const refs = (d: Y.Doc) => map(d, ROOT.brief).get('references') as Y.Array<unknown>;
    expect(codes(attack((d) => Y.Map.prototype.set.call(refs(d), 'k', 1)))).toEqual([
      'map-content-in-list@brief/references',
    ]);
  });

  it('[MM-8] reports bad array elements and links that are not http(s)', () => {
    const refs = (d: Y.Doc) => map(d, ROOT.brief).get('references') as Y.Array<unknown>;
    const ref = (url: string) => {
      const m = new Y.Map<unknown>();
      for (const [k, v] of Object.entries({ id: 'r1', title: 't', url, listenFor: '' })) m.set(k, v);
      return m;
    };
    expect(codes(attack((d) => refs(d).push(['just a string'])))).toEqual(['wrong-type@brief/references/0']);
    expect(codes(attack((d) => refs(d).push([ref('javascript:alert(1)')])))).toEqual([
      'bad-format@brief/references/0/url',
    ]);
    expect(attack((d) => refs(d).push([ref('https://ok.test/x')]))).toEqual([]);
  });

  it('[MM-8] reports more entries than a collection allows', () => {
    const issues = attack((d) => {
      const stems = map(d, ROOT.stems);
      const template = (stems.get('vox') as YMap).toJSON();
      d.transact(() => {
        for (let i = 0; i < LIMITS.maxStems; i++) stems.set(`s${i}`, new Y.Map(Object.entries(template)));
      });
    });
    expect(codes(issues)).toEqual(['too-many@stems']);
  });

  it('[MM-8] counts a key re-added after an earlier delete (the cap cannot be dodged)', () => {
    const base = demoDoc(1000);
    const stems = base.getMap(ROOT.stems);
    const template = Object.entries((stems.get('vox') as YMap).toJSON());
    base.transact(() => {
      for (let i = stems.size; i < LIMITS.maxStems; i++) stems.set(`s${i}`, new Y.Map(template));
    });
    const errors = (d: Y.Doc) => validateMix(d).filter((i) => i.severity === 'error');
    expect(errors(base)).toEqual([]);
    stems.delete('s10'); // earlier transaction
    stems.set('fresh', new Y.Map(template)); // back at the cap
    expect(errors(base)).toEqual([]);
    expect(codes(attack((d) => d.getMap(ROOT.stems).set('s10', new Y.Map(template)), base))).toEqual([
      'too-many@stems',
    ]);
    expect(attack((d) => setFader(d, 'fresh', -2), base)).toEqual([]);
  });

  it('[MM-9] caps the number of issues it returns', () => {
    const issues = attack((d) => {
      d.transact(() => {
        for (let i = 0; i < 500; i++) map(d, ROOT.sections).set(`bad${i}`, i);
      });
    });
    expect(issues).toHaveLength(MAX_ISSUES);
  });

  it('[MM-9] reports an update whose dependencies are missing, and garbage bytes, without throwing', () => {
    const base = demoDoc(1000);
    const peer = fork(base, 5);
    setFader(peer, 'vox', -1);
    const sv = Y.encodeStateVector(peer);
    setFader(peer, 'vox', -2);
    const second = Y.encodeStateAsUpdate(peer, sv); // depends on the first, which the shadow never got
    expect(codes(applyUpdateValidated(fork(base, 999), second))).toContain('missing-dependencies@');
    const garbage = applyUpdateValidated(fork(base, 999), new Uint8Array([1, 2, 3, 255, 255, 255, 255, 255]));
    expect(garbage.length).toBeGreaterThan(0);
    expect(garbage.every((i) => i.severity === 'error')).toBe(true);
  });

  it('[MM-9] validates only what the transaction touched', () => {
    const doc = demoDoc(1000);
    const seen: MixIssue[][] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push(validateTransaction(doc, tr)));
    map(doc, ROOT.stems, 'vox').set('faderDb', 99); // invalid, reported by its own transaction
    setFader(doc, 'gtr', -3); // valid, elsewhere: not blamed for the vox fader
    expect(seen.map(codes)).toEqual([['out-of-range@stems/vox/faderDb'], []]);
    expect(codes(validateMix(doc))).toEqual(['out-of-range@stems/vox/faderDb']);
  });

  it('[MM-9] never throws on a seeded-random barrage of hostile writes', () => {
    const rand = rng(7);
    const values = (): unknown[] => [
      1,
      -1e9,
      Number.NaN,
      'x',
      'x'.repeat(300),
      true,
      null,
      { a: 1 },
      [1, 2],
      new Uint8Array(2),
      new Y.Text('t'),
      new Y.Map(),
      new Y.Array(),
      new Y.XmlElement('p'),
      new Y.XmlFragment(),
      new Y.Doc(),
    ];
    const keys = [
      'label',
      'startS',
      'faderDb',
      'pan',
      'text',
      'references',
      'x',
      'verse:vox',
      '',
      'engineer',
      'vox',
      'chorus',
    ];
    let reported = 0;
    for (let i = 0; i < 300; i++) {
      const issues = attack((d) => {
        const targets: AnyType[] = [
          d.getMap(ROOT.meta),
          d.getMap(ROOT.sections),
          map(d, ROOT.sections, 'verse'),
          map(d, ROOT.stems, 'vox'),
          map(d, ROOT.scenes, 'engineer'),
          map(d, ROOT.scenes, 'engineer', 'offsets'),
          map(d, ROOT.brief),
          map(d, ROOT.brief, 'principles'),
          map(d, ROOT.brief).get('references') as Y.Array<unknown>,
          map(d, ROOT.brief).get('text') as Y.Text,
        ];
        const target = targets[Math.floor(rand() * targets.length)]!;
        const pool = values();
        const value = pool[Math.floor(rand() * pool.length)];
        const key = keys[Math.floor(rand() * keys.length)]!;
        if (rand() < 0.5) Y.Map.prototype.set.call(target, key, value);
        else Y.Array.prototype.insert.call(target, 0, [value]);
      });
      expect(Array.isArray(issues)).toBe(true);
      if (issues.length > 0) reported++;
      for (const issue of issues) expect(formatIssue(issue)).toContain(issue.message);
    }
    expect(reported).toBeGreaterThan(250);
  });
});

describe('validateMix', () => {
  it('[MM-9] is empty for a seeded, consistent document', () => {
    expect(validateMix(demoDoc())).toEqual([]);
  });

  it('[MM-2] reports an unseeded document', () => {
    const issues = validateMix(newDoc());
    expect(issues.length).toBeGreaterThan(0);
    expect(codes(issues)).toContain('missing-field@meta/schemaVersion');
  });

  it('[MM-9] reports repairable invariants with severity repairable', () => {
    const doc = demoDoc();
    map(doc, ROOT.sections, 'chorus').set('startS', 50);
    map(doc, ROOT.stems, 'gtr').set('order', 0);
    const issues = validateMix(doc);
    expect(issues.every((i) => i.severity === 'repairable')).toBe(true);
    // gtr and vox share order 0: (order, id) keeps gtr first, vox moves to 1; bass (2) is fine.
    expect(codes(issues)).toEqual(['section-overlap@sections/chorus', 'duplicate-order@stems/vox/order']);
  });

  it('never throws on a document with a wrongly typed root', () => {
    const doc = new Y.Doc();
    doc.getArray('meta').push([1]);
    doc.getText('scenes');
    const issues = validateMix(doc);
    expect(codes(issues)).toEqual(expect.arrayContaining(['wrong-type@meta', 'wrong-type@scenes']));
  });
});
