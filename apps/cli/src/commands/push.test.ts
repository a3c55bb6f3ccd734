import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { chooseBounce, isAudioFile, Progress } from './push.js';

const file = (name: string, mtimeMs: number) => ({ path: `/b/${name}`, name, size: 1, mtimeMs });

describe('which file of a bounce folder is the bounce', () => {
  it('is the file named like a mix, whatever is newest', () => {
    const plan = chooseBounce([file('kick.wav', 3), file('Song MIX v2.wav', 1), file('bass.wav', 2)]);
    expect(plan).toEqual({ mix: '/b/Song MIX v2.wav', stems: ['/b/bass.wav', '/b/kick.wav'] });
  });

  it('recognises master and bounce too, and takes the newest of several', () => {
    expect(chooseBounce([file('song_master.flac', 1), file('song_bounce.wav', 2)]).mix).toBe(
      '/b/song_bounce.wav',
    );
    expect(chooseBounce([file('mix v1.wav', 5), file('mix v2.wav', 9), file('vox.wav', 10)]).mix).toBe(
      '/b/mix v2.wav',
    );
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

describe('progress on stderr', () => {
  const capture = (isTTY: boolean) => {
    const out = Object.assign(new PassThrough(), { isTTY });
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString();
    });
    return { out, text: () => text };
  };

  it('redraws one bar in place on a terminal', () => {
    const c = capture(true);
    const p = new Progress(c.out);
    p.begin('mix.wav', 4 * 1024 * 1024, 0);
    p.update('mix.wav', 4 * 1024 * 1024, 4 * 1024 * 1024);
    p.end('mix.wav', 4 * 1024 * 1024, false);
    expect(c.text()).toContain(`\r\u001b[Kmix.wav  ${'█'.repeat(24)} 100%  4.0/4.0 MiB`);
    expect(c.text().endsWith('mix.wav: uploaded 4.0 MiB\n')).toBe(true);
  });

  it('writes plain lines anywhere else (logs, CI)', () => {
    const c = capture(false);
    const p = new Progress(c.out);
    p.begin('mix.wav', 2 * 1024 * 1024, 1024 * 1024);
    p.update('mix.wav', 1.5 * 1024 * 1024, 2 * 1024 * 1024);
    p.end('mix.wav', 2 * 1024 * 1024, false);
    expect(c.text()).toBe('Uploading mix.wav (2.0 MiB) (resuming at 1.0 MiB)\nmix.wav: uploaded 2.0 MiB\n');
  });
});
