// Regenerates the committed FLAC/MP3 fixtures (run once; tests never call external encoders):
//   node --conditions=source --import tsx packages/audio/src/test-support/make-fixtures.ts
// Needs `flac` and `ffmpeg` (apt-get install -y flac ffmpeg).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLAC_FIXTURES, fixturePcm, MP3_FIXTURES } from './fixture-signals.js';
import { sine } from './signals.js';
import { encodeWav } from './writers.js';

const out = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'mixroom-fixtures-'));
try {
  for (const f of FLAC_FIXTURES) {
    const wav = join(tmp, `${f.file}.wav`);
    writeFileSync(
      wav,
      encodeWav(fixturePcm(f.frames, f.channels, f.bits), {
        sampleRate: f.sampleRate,
        format: 'pcm',
        bits: f.bits,
        extensible: f.bits > 16,
      }),
    );
    execFileSync('flac', ['--silent', '--force', '--best', '--no-padding', '-o', join(out, f.file), wav]);
  }
  for (const f of MP3_FIXTURES) {
    const left = sine(1000, -6, f.durationS, f.sampleRate);
    const right = sine(500, -12, f.durationS, f.sampleRate);
    const wav = join(tmp, `${f.file}.wav`);
    writeFileSync(
      wav,
      encodeWav(f.channels === 2 ? [left, right] : [left], {
        sampleRate: f.sampleRate,
        format: 'float',
        bits: 32,
      }),
    );
    const bitrate = f.channels === 2 ? '96k' : '32k';
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      wav,
      '-c:a',
      'libmp3lame',
      '-b:a',
      bitrate,
      '-map_metadata',
      '-1',
      join(out, f.file),
    ]);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
