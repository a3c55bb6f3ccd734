import { describe, expect, it } from 'vitest';
import { chooseBounce, isAudioFile } from './push.js';

const file = (name: string, mtimeMs: number) => ({ path: `/b/${name}`, name, size: 1, mtimeMs });

describe('which file of a bounce folder is the bounce', () => {
  it('is the file named like a mix, whatever is newest', () => {
    const plan = chooseBounce([file('kick.wav', 3), file('Song MIX v2.wav', 1), file('bass.wav', 2)]);
    expect(plan).toEqual({ mix: '/b/Song MIX v2.wav', stems: ['/b/bass.wav', '/b/kick.wav'] });
  });

  it('recognises master and bounce too, and takes the newest of several', () => {
    expect(chooseBounce([file('song_master.flac', 1), file('song_bounce.wav', 2)]).mix).toBe('/b/song_bounce.wav');
    expect(chooseBounce([file('mix v1.wav', 5), file('mix v2.wav', 9), file('vox.wav', 10)]).mix).toBe('/b/mix v2.wav');
  });

  it('does not mistake a word that merely contains "mix" in the middle', () => {
    expect(chooseBounce([file('remixed-vox.wav', 1), file('Song v3.wav', 2)]).mix).toBe('/b/Song v3.wav');
  });

  it('falls back to the newest file', () => {
    expect(chooseBounce([file('a.wav', 1), file('b.wav', 3), file('c.wav', 2)])).toEqual({
      mix: '/b/b.wav',
      stems: ['/b/a.wav', '/b/c.wav'],
    });
  });

  it('honours an explicit choice, and refuses one that is not there', () => {
    expect(chooseBounce([file('a.wav', 1), file('b mix.wav', 3)], 'a.wav').mix).toBe('/b/a.wav');
    expect(() => chooseBounce([file('a.wav', 1)], 'z.wav')).toThrow(/no such audio file/);
    expect(() => chooseBounce([])).toThrow(/no audio files/);
  });

  it('counts WAV, AIFF, FLAC and MP3 as audio, and nothing hidden', () => {
    expect(['a.wav', 'b.WAV', 'c.aif', 'd.aiff', 'e.flac', 'f.mp3'].every(isAudioFile)).toBe(true);
    expect(['.a.wav', 'notes.txt', 'session.ptx', 'a.wav.part'].some(isAudioFile)).toBe(false);
  });
});
