import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyzeJsonEntry, formatTable } from './commands/analyze.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = join(ROOT, 'apps/cli/src/main.ts');

/** Runs the real `mixroom` entry point in a child process, as `npx mixroom` would after a build. */
function mixroom(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', MAIN, ...args],
      { cwd: ROOT },
      (err, stdout, stderr) => {
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** 24-bit stereo WAV of a 1 kHz tone with the given per-channel peak (dBFS), or silence for null. */
function wav(peakDbfs: number | null, seconds: number): Uint8Array {
  const fs = 48000;
  const frames = fs * seconds;
  const out = new Uint8Array(44 + frames * 6);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode('RIFF'), 0);
  v.setUint32(4, 36 + frames * 6, true);
  out.set(new TextEncoder().encode('WAVEfmt '), 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 2, true);
  v.setUint32(24, fs, true);
  v.setUint32(28, fs * 6, true);
  v.setUint16(32, 6, true);
  v.setUint16(34, 24, true);
  out.set(new TextEncoder().encode('data'), 36);
  v.setUint32(40, frames * 6, true);
  const a = peakDbfs === null ? 0 : 10 ** (peakDbfs / 20) * 8388607;
  for (let i = 0, p = 44; i < frames; i++) {
    const code = Math.round(a * Math.sin((2 * Math.PI * 1000 * i) / fs));
    for (let c = 0; c < 2; c++, p += 3) {
      out[p] = code & 0xff;
      out[p + 1] = (code >> 8) & 0xff;
      out[p + 2] = (code >> 16) & 0xff;
    }
  }
  return out;
}

let dir: string;
let tonePath: string;
let silentPath: string;
let fakePath: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mixroom-cli-'));
  tonePath = join(dir, 'tone -23.wav');
  silentPath = join(dir, 'silence.wav');
  fakePath = join(dir, 'fake.wav');
  writeFileSync(tonePath, wav(-23, 5));
  writeFileSync(silentPath, wav(null, 1));
  writeFileSync(fakePath, 'this is a text file, not audio\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = [
  'file',
  'durationS',
  'sampleRate',
  'channels',
  'samplePeakDbfs',
  'truePeakDbtp',
  'rmsDbfs',
  'integratedLufs',
  'loudnessRangeLu',
  'momentaryMaxLufs',
  'shortTermMaxLufs',
  'clippedSamples',
  'suggestedClipGainDb',
];

describe('mixroom analyze (spawned)', () => {
  it('--json prints an array with the contract fields for each file', async () => {
    const { code, stdout, stderr } = await mixroom('analyze', tonePath, silentPath, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as AnalyzeJsonEntry[];
    expect(out).toHaveLength(2);
    expect(Object.keys(out[0]!)).toEqual(FIELDS);
    const [tone, silence] = out;
    expect(tone).toMatchObject({
      file: tonePath,
      durationS: 5,
      sampleRate: 48000,
      channels: 2,
      clippedSamples: 0,
    });
    expect(Math.abs(tone!.integratedLufs! + 23)).toBeLessThanOrEqual(0.1);
    expect(tone!.samplePeakDbfs).toBeCloseTo(-23, 2);
    expect(tone!.suggestedClipGainDb).toBeCloseTo(5, 1);
    // Silence: levels are null in JSON, never -Infinity or a broken document.
    expect(silence).toMatchObject({
      samplePeakDbfs: null,
      truePeakDbtp: null,
      integratedLufs: null,
      loudnessRangeLu: 0,
    });
  });

  it('prints a table by default', async () => {
    const { code, stdout } = await mixroom('analyze', tonePath);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toContain('tone -23.wav');
    expect(lines).toHaveLength(13);
    expect(lines.find((l) => l.startsWith('integratedLufs (LUFS)'))).toMatch(/-2[23]\.\d\d$/);
  });

  it('an unreadable file exits 1 with one line on stderr; readable files are still reported', async () => {
    const only = await mixroom('analyze', fakePath);
    expect(only.code).toBe(1);
    expect(only.stdout).toBe('');
    expect(only.stderr.trimEnd().split('\n')).toEqual([
      `mixroom analyze: ${fakePath}: not an audio file: it starts with text, not audio magic bytes`,
    ]);

    const mixed = await mixroom('analyze', fakePath, tonePath, join(dir, 'missing.wav'), '--json');
    expect(mixed.code).toBe(1);
    expect((JSON.parse(mixed.stdout) as AnalyzeJsonEntry[]).map((e) => e.file)).toEqual([tonePath]);
    const lines = mixed.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/missing\.wav: cannot open file: no such file$/);
  });

  it('usage errors exit 2', async () => {
    const results = await Promise.all([
      mixroom(),
      mixroom('analyze'),
      mixroom('analyze', tonePath, '--jsn'),
      mixroom('frobnicate'),
    ]);
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/Usage: mixroom/);
    }
    const help = await mixroom('analyze', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--json/);
  });
});

describe('table formatting', () => {
  it('writes -inf for silence and keeps one column per file', () => {
    const entry = (file: string, level: number | null): AnalyzeJsonEntry => ({
      file,
      durationS: 1,
      sampleRate: 44100,
      channels: 1,
      samplePeakDbfs: level,
      truePeakDbtp: level,
      rmsDbfs: level,
      integratedLufs: level,
      loudnessRangeLu: 0,
      momentaryMaxLufs: level,
      shortTermMaxLufs: level,
      clippedSamples: 0,
      suggestedClipGainDb: 0,
    });
    const table = formatTable([entry('a.wav', -12.345), entry('b.wav', null)]).split('\n');
    expect(table[0]).toMatch(/a\.wav\s+b\.wav$/);
    expect(table.find((l) => l.startsWith('integratedLufs'))).toMatch(/-12\.35\s+-inf$/);
  });
});
