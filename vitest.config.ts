import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Server-side conditions without `module`: vitest passes them to Node as --conditions, and `module` makes Node
// pick bundler-only ESM builds (e.g. the AWS SDK's extension-less dist-es) over the Node build.
const serverConditions = ['source', ...defaultServerConditions.filter((c) => c !== 'module')];

// Workspace packages export `source` -> src/*.ts so tests run without a build.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: serverConditions, externalConditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]]
      : ['default'],
  },
});
