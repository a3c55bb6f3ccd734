import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sineWav } from './support/audio-fixtures.js';

// The analysis pool picks its worker module by how it runs: compiled (`dist/*.js`, plain Node) or from source
// (`*.ts` under tsx or vitest). Both are exercised here in child processes, without vitest's module loader.

const root = fileURLToPath(new URL('..', import.meta.url));
const analysisSrc = join(root, 'apps/server/src/media/analysis');
const audioSrc = join(root, 'packages/audio/src');

let work: string;
let wavPath: string;
beforeAll(() => {
  // Inside the repository (git-ignored), so packages the build needs (piscina, the FLAC/MP3 decoders)
  // resolve from the root node_modules, while @mixroom/audio resolves to the build made here.
  mkdirSync(join(root, '.test-data'), { recursive: true });
  work = mkdtempSync(join(root, '.test-data', 'worker-'));
  wavPath = join(work, 'sine.wav');
  writeFileSync(wavPath, sineWav({ seconds: 1, dbfs: -20 }));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Emits `file` to `outDir` the way `tsc -p tsconfig.build.json` does (same options, file by file). */
function compile(file: string, outDir: string) {
  const out = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      target: ts.ScriptTarget.ES2023,
      // What NodeNext emits for a `"type": "module"` package (transpileModule cannot see package.json).
      module: ts.ModuleKind.ESNext,
      isolatedModules: true,
      esModuleInterop: true,
    },
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, basename(file).replace(/\.ts$/, '.js')), out.outputText);
}

function runNode(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NODE_OPTIONS: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A script that analyses the WAV through the pool at `poolUrl` and prints what came back. */
const script = (poolUrl: string) => `
  const { AnalysisPool, analysisWorkerEntry } = await import(${JSON.stringify(poolUrl)});
  const pool = new AnalysisPool(1);
  const fractions = [];
  const outcome = await pool.run({ path: ${JSON.stringify(wavPath)} }, (f) => fractions.push(f));
  await pool.destroy();
  console.log(JSON.stringify({ entry: analysisWorkerEntry(), outcome: { ok: outcome.ok, peak: outcome.result?.samplePeakDbfs, levels: outcome.waveform?.levels.length, error: outcome.error }, fractions: fractions.length }));
`;

describe('the analysis worker', () => {
  it('runs from a build (dist/*.js) in plain Node, without tsx or the source condition', async () => {
    const dist = join(work, 'app/dist/media/analysis');
    compile(join(analysisSrc, '../../common/worker-module.ts'), join(work, 'app/dist/common'));
    compile(join(analysisSrc, 'analysis-pool.ts'), dist);
    compile(join(analysisSrc, 'analysis.worker.ts'), dist);
    const audioPkg = join(work, 'node_modules/@mixroom/audio');
    for (const name of readdirSync(audioSrc)) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts'))
        compile(join(audioSrc, name), join(audioPkg, 'dist'));
    }
    writeFileSync(
      join(audioPkg, 'package.json'),
      JSON.stringify({
        name: '@mixroom/audio',
        type: 'module',
        exports: { '.': { default: './dist/index.js' } },
      }),
    );
    writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }));

    const run = await runNode(
      ['--input-type=module', '-e', script(pathToFileURL(join(dist, 'analysis-pool.js')).href)],
      work,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.entry).toEqual({ filename: pathToFileURL(join(dist, 'analysis.worker.js')).href });
    expect(result.outcome).toMatchObject({ ok: true, levels: 4 });
    expect(result.outcome.peak).toBeCloseTo(-20, 1);
    expect(result.fractions).toBeGreaterThan(0);
  });

  it('runs from source under tsx (node --import tsx), as when the server is started by hand', async () => {
    const run = await runNode(
      [
        '--conditions=source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script(pathToFileURL(join(analysisSrc, 'analysis-pool.ts')).href),
      ],
      join(root, 'apps/server'),
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(result.entry.filename).toBe(pathToFileURL(join(analysisSrc, 'analysis.worker.ts')).href);
    expect(result.outcome).toMatchObject({ ok: true, levels: 4 });
    expect(result.outcome.peak).toBeCloseTo(-20, 1);
  });

  it('reports an undecodable file as a value with the decoder’s code, not as a crash', async () => {
    const bad = join(work, 'notes.wav');
    writeFileSync(bad, 'not audio\n'.repeat(20));
    const poolUrl = pathToFileURL(join(analysisSrc, 'analysis-pool.ts')).href;
    const run = await runNode(
      [
        '--conditions=source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script(poolUrl).replace(JSON.stringify(wavPath), JSON.stringify(bad)),
      ],
      join(root, 'apps/server'),
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(result.outcome).toMatchObject({ ok: false, error: { code: 'unsupported_format' } });
  });
});
