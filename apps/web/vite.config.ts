import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// `npm run dev` here proxies the API to a server started separately (default http://localhost:3000).
const api = process.env.MIXROOM_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  // Workspace packages export `source` -> src/*.ts, so the app bundles them without building them first.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: {
    proxy: {
      '/api': { target: api },
      '/health': { target: api },
      '/ready': { target: api },
      '/sync': { target: api.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
});
