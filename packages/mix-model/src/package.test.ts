import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

const dir = new URL('.', import.meta.url).pathname;
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('package', () => {
  it('is browser-safe: no node: imports, no Node globals, only yjs and relative .js imports', () => {
    for (const file of sources) {
      const text = readFileSync(join(dir, file), 'utf8');
      const imports = [...text.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gm)].map((m) => m[1]!);
      for (const spec of imports)
        expect(spec === 'yjs' || /^\.\/[\w-]+\.js$/.test(spec), `${file}: ${spec}`).toBe(true);
      expect(text, file).not.toMatch(/\b(process|Buffer|require)\s*[.(]/);
    }
  });

  it('depends only on yjs', () => {
    const pkg = JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).toEqual(['yjs']);
  });

  it('every rule of SPEC.md is quoted by a test, and every quoted rule exists', () => {
    const spec = readFileSync(join(dir, '..', 'SPEC.md'), 'utf8');
    const defined = new Set([...spec.matchAll(/\*\*\[(MM-\d+)\]/g)].map((m) => m[1]));
    const tests = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const quoted = new Set([...tests.matchAll(/it\('\[(MM-\d+)\]/g)].map((m) => m[1]));
    expect([...defined].sort()).toEqual([...quoted].sort());
  });

  it('exports the main API from index.ts', () => {
    for (const name of [
      'seedMixDocument',
      'readMix',
      'validateTransaction',
      'validateMix',
      'reconcileMix',
      'stemGainCurve',
      'gainAt',
      'briefContentHash',
      'applyStructuredNote',
      'MixModelError',
      'ROOT_TYPES',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
  });
});
