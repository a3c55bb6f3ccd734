import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sanitizePresence } from './awareness-policy.js';

const user = { id: 'u1', displayName: 'Ada', role: 'artist' };

describe('presence fields', () => {
  it('[SY-9] keeps the revision being heard and a brief cursor made of Yjs relative positions', () => {
    const doc = new Y.Doc();
    const text = doc.getMap('brief').set('text', new Y.Text('Warm and wide')) as Y.Text;
    const anchor = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, 2));
    const head = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, 5));
    const state = sanitizePresence(
      JSON.stringify({
        revisionId: '3f2a8c1e-1111-4222-8333-944455556666',
        textSelection: { field: 'principle:space', anchor, head },
      }),
      user,
    );
    expect(state).toEqual({
      user,
      revisionId: '3f2a8c1e-1111-4222-8333-944455556666',
      textSelection: { field: 'principle:space', anchor, head },
    });
    expect(sanitizePresence(JSON.stringify({ textSelection: null, revisionId: null }), user)).toEqual({
      user,
      textSelection: null,
      revisionId: null,
    });
  });

  it('[SY-9] drops malformed selections and revision ids instead of passing them on', () => {
    const hostile = [
      { field: 'brief', anchor: { item: { client: 1, clock: 2 }, script: '<x>' }, head: null },
      { field: 'Brief!', anchor: {}, head: {} },
      { field: 'brief', anchor: { item: { client: -1, clock: 2 } }, head: {} },
      { field: 'brief', anchor: {}, head: {}, extra: 'x'.repeat(100) },
      'brief',
      [1, 2],
    ];
    for (const textSelection of hostile) {
      expect(sanitizePresence(JSON.stringify({ textSelection }), user)).toEqual({ user });
    }
    expect(sanitizePresence(JSON.stringify({ revisionId: '../../etc' }), user)).toEqual({ user });
    expect(sanitizePresence(JSON.stringify({ revisionId: 42 }), user)).toEqual({ user });
  });
});
