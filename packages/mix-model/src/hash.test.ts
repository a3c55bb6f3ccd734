import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  addDeliverable,
  addReference,
  insertBriefText,
  setBriefText,
  setPrinciple,
  updateDeliverable,
} from './brief.js';
import { briefContentHash, canonicalBrief, sha256Hex, utf8Encode } from './hash.js';
import { moveSection, setFader, setSectionIntent } from './ops.js';
import { demoDoc, rng } from './test-support/fixtures.js';

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256Hex('a'.repeat(1_000_000))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('agrees with node:crypto on random bytes and strings of every length around block edges', () => {
    const rand = rng(3);
    for (let len = 0; len < 200; len++) {
      const bytes = Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
      expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    const s = 'Bon Iver × Depeche Mode — 🎧 ünïcødé';
    expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
  });
});

describe('utf8Encode', () => {
  it('matches TextEncoder, including astral characters and lone surrogates', () => {
    for (const s of ['', 'abc', 'é', '€', '🎧', 'a\ud800b', '\udc00', 'x\ud83c', '日本語 🎵 ok']) {
      expect([...utf8Encode(s)]).toEqual([...new TextEncoder().encode(s)]);
    }
  });
});

describe('briefContentHash', () => {
  function briefDoc() {
    const doc = demoDoc();
    setBriefText(doc, 'Like if Bon Iver produced a Depeche Mode track.');
    addReference(doc, { id: 'r1', title: 'Holocene', url: 'https://example.com/h', listenFor: 'space' });
    addDeliverable(doc, { id: 'd1', label: 'Instrumental' });
    setPrinciple(doc, 'space', 'Dry verses');
    setSectionIntent(doc, 'verse', 'intimate');
    setSectionIntent(doc, 'chorus', 'urgent');
    return doc;
  }

  it('[MM-16] hashes the documented canonical form', () => {
    const doc = briefDoc();
    const canonical = canonicalBrief(doc);
    expect(canonical).toBe(
      'mixroom-brief-v1\n' +
        JSON.stringify({
          text: 'Like if Bon Iver produced a Depeche Mode track.',
          references: [{ title: 'Holocene', url: 'https://example.com/h', fileId: null, listenFor: 'space' }],
          deliverables: ['Instrumental'],
          principles: [
            ['balance', ''],
            ['blend', ''],
            ['timbre', ''],
            ['space', 'Dry verses'],
            ['clarity', ''],
          ],
          sections: [
            { label: 'Intro', kind: 'intro', intent: '' },
            { label: 'Verse 1', kind: 'verse', intent: 'intimate' },
            { label: 'Chorus 1', kind: 'chorus', intent: 'urgent' },
          ],
        }),
    );
    expect(briefContentHash(doc)).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('[MM-16] changes when what was agreed changes', () => {
    const doc = briefDoc();
    const hashes = new Set([briefContentHash(doc)]);
    insertBriefText(doc, 0, 'Dark. ');
    hashes.add(briefContentHash(doc));
    setPrinciple(doc, 'balance', 'vocal on top');
    hashes.add(briefContentHash(doc));
    setSectionIntent(doc, 'intro', 'cold');
    hashes.add(briefContentHash(doc));
    addReference(doc, { title: 'Enjoy the Silence' });
    hashes.add(briefContentHash(doc));
    expect(hashes.size).toBe(5);
  });

  it('[MM-16] does not change for ticks, mixer moves, section nudges, or an NFD/NFC spelling', () => {
    const doc = briefDoc();
    const hash = briefContentHash(doc);
    updateDeliverable(doc, 'd1', { done: true });
    setFader(doc, 'vox', -3);
    moveSection(doc, 'chorus', 61);
    expect(briefContentHash(doc)).toBe(hash);
    setBriefText(doc, 'Cafe\u0301');
    const nfd = briefContentHash(doc);
    setBriefText(doc, 'Café');
    expect(briefContentHash(doc)).toBe(nfd);
  });
});
