import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sanitizePresence } from './awareness-policy.js';
import {
  decodeAwarenessUpdate,
  encodeAwarenessEntries,
  encodeSyncStep1,
  encodeUpdateMessage,
  parseClientMessage,
  ProtocolError,
} from './protocol.js';
import { Scope } from './scope.js';
import { truncateReason } from './sync-connection.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('parseClientMessage', () => {
  it('[SY-2] decodes the y-websocket messages a stock client sends', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('k', 1);
    expect(parseClientMessage(encodeSyncStep1(Y.encodeStateVector(doc)))).toEqual({
      kind: 'step1',
      stateVector: Y.encodeStateVector(doc),
    });
    const update = Y.encodeStateAsUpdate(doc);
    expect(parseClientMessage(encodeUpdateMessage(update))).toEqual({ kind: 'update', update });
    expect(parseClientMessage(bytes(3))).toEqual({ kind: 'query-awareness' });
  });

  it('[SY-6] refuses every malformed frame with a ProtocolError, never anything else', () => {
    const frames: Uint8Array[] = [
      bytes(),
      bytes(0x80), // truncated varint
      bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), // varint beyond 2^53
      bytes(7), // unknown message type
      bytes(2, 0, 0), // auth messages are server-to-client only
      bytes(0, 9, 0), // unknown sync step
      bytes(0, 2), // missing payload
      bytes(0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3), // length prefix far beyond the frame
      bytes(0, 2, 1, 0, 99), // trailing bytes
      bytes(1, 5, 1, 2), // awareness payload shorter than its prefix
    ];
    let seed = 7;
    for (let i = 0; i < 200; i++) {
      const n = (i % 40) + 1;
      const frame = new Uint8Array(n);
      for (let j = 0; j < n; j++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        frame[j] = seed >>> 24;
      }
      frames.push(frame);
    }
    for (const frame of frames) {
      try {
        parseClientMessage(frame);
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
      }
    }
    for (const frame of frames.slice(0, 10)) expect(() => parseClientMessage(frame)).toThrow(ProtocolError);
  });
});

describe('awareness', () => {
  it('round-trips entries and refuses too many or truncated ones', () => {
    const entries = [
      { clientId: 1, clock: 3, json: '{"playhead":1}' },
      { clientId: 2 ** 31, clock: 0, json: 'null' },
    ];
    expect(decodeAwarenessUpdate(encodeAwarenessEntries(entries), 8)).toEqual(entries);
    expect(() => decodeAwarenessUpdate(encodeAwarenessEntries(entries), 1)).toThrow(ProtocolError);
    const truncated = encodeAwarenessEntries(entries).slice(0, 6);
    expect(() => decodeAwarenessUpdate(truncated, 8)).toThrow(ProtocolError);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint(encoder, 2 ** 40); // string length prefix beyond the message
    expect(() => decodeAwarenessUpdate(encoding.toUint8Array(encoder), 8)).toThrow(ProtocolError);
  });

  it('[SY-9] keeps only allowed presence fields and takes `user` from the connection', () => {
    const user = { id: 'u-artist', displayName: 'Ada', role: 'artist' };
    const state = sanitizePresence(
      JSON.stringify({
        user: { id: 'u-engineer', displayName: 'Engineer' },
        playhead: 12.5,
        playing: true,
        sceneId: 'engineer',
        playbackSystem: 'headphones',
        followUserId: 'u-engineer',
        cursor: { x: 1 },
        __proto__: { polluted: true },
      }),
      user,
    );
    expect(state).toEqual({
      user,
      playhead: 12.5,
      playing: true,
      sceneId: 'engineer',
      playbackSystem: 'headphones',
      followUserId: 'u-engineer',
    });
    expect(
      sanitizePresence(
        JSON.stringify({ playhead: -1, playing: 'yes', sceneId: '../x', playbackSystem: 'x'.repeat(40) }),
        user,
      ),
    ).toEqual({ user });
    expect(sanitizePresence(JSON.stringify({ playhead: 1e9 }), user)).toEqual({ user });
    expect(sanitizePresence('null', user)).toBeNull();
    expect(sanitizePresence('[1]', user)).toBeUndefined();
    expect(sanitizePresence('{not json', user)).toBeUndefined();
  });
});

describe('Scope', () => {
  it('frees everything once, in reverse order, and frees late registrations at once', () => {
    const freed: string[] = [];
    const scope = new Scope();
    scope.add(() => freed.push('a'));
    const child = scope.child();
    child.add(() => freed.push('child'));
    const early = scope.add(() => freed.push('early'));
    early();
    scope.add(() => {
      throw new Error('a failing disposer does not stop the others');
    });
    scope.add(() => freed.push('b'));
    scope.destroy();
    scope.destroy();
    expect(freed).toEqual(['early', 'b', 'child', 'a']);
    scope.add(() => freed.push('late'));
    expect(freed.at(-1)).toBe('late');
  });
});

describe('close reasons', () => {
  it('[SY-7] are cut to 123 bytes without splitting a character', () => {
    expect(truncateReason('short')).toBe('short');
    const long = truncateReason('é'.repeat(100));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(123);
    expect(long.endsWith('...')).toBe(true);
    expect(long).not.toContain('\uFFFD');
  });
});
