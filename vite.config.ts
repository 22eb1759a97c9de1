import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { readFileSync, readdirSync } from 'node:fs';
import { join, extname } from 'node:path';

/** Cross-origin isolation lets DuckDB-WASM use its threaded (coi) bundle. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const SAMPLE_DIR = 'sample-data';
const SAMPLE_EXT = new Set(['.parquet', '.csv', '.jsonl', '.arrow', '.json']);

/** Serves sample-data/ at /sample-data/ in dev and copies its data files into the build. */
function sampleData(): Plugin {
  const files = () => readdirSync(SAMPLE_DIR).filter((f) => SAMPLE_EXT.has(extname(f)));
  return {
    name: 'assay-sample-data',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = req.url?.match(/^\/sample-data\/([^/?#]+)/);
        const name = m ? decodeURIComponent(m[1]!) : null;
        if (!name || !files().includes(name)) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        res.end(readFileSync(join(SAMPLE_DIR, name)));
      });
    },
    generateBundle() {
      for (const name of files()) {
        this.emitFile({ type: 'asset', fileName: `sample-data/${name}`, source: readFileSync(join(SAMPLE_DIR, name)) });
      }
      this.emitFile({ type: 'asset', fileName: 'sample-data/index.json', source: JSON.stringify(files()) });
    },
  };
}

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export default defineConfig({
  plugins: [svelte(), sampleData()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm', 'parquet-wasm'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});

export { chromiumArgs };
