import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM, CHROMIUM_ARGS } from './test/helpers/chromium.ts';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, extname, resolve } from 'node:path';
import { patchCoiWorker } from './workers/patchCoiWorker.ts';

/**
 * The Content-Security-Policy, sent as a response header for the page and every script,
 * worker and wasm file. A `<meta>` CSP governs only the page: a Web Worker's CSP comes from
 * the header its script is served with, and DuckDB-WASM runs (and could fetch URLs) in
 * workers. Own origin only: no remote script, connection, image or font.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers for every response. Cross-origin isolation lets DuckDB-WASM use its threaded (coi)
 * bundle; the CSP keeps every byte on this origin.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const headers = { ...isolation, 'Content-Security-Policy': CONTENT_SECURITY_POLICY };

/** Folders served beside the app (dev) and copied into the build: data and example notebooks. */
const SERVED: { dir: string; accept: (f: string) => boolean }[] = [
  { dir: 'sample-data', accept: (f) => ['.parquet', '.csv', '.jsonl', '.arrow', '.json'].includes(extname(f)) },
  { dir: 'notebooks', accept: (f) => f.endsWith('.assay.md') || f.endsWith('.review.jsonl') },
];

/** `notebooks/index.json`: file and title of each example, for the start page. */
function notebookIndex(): string {
  const files = readdirSync('notebooks').filter((f) => f.endsWith('.assay.md')).sort();
  return JSON.stringify(
    files.map((file) => {
      const title = /^title:\s*(.+)$/m.exec(readFileSync(join('notebooks', file), 'utf8'))?.[1]?.trim() ?? file;
      return { file, title: title.replace(/^["']|["']$/g, '') };
    }),
  );
}

/** Serves sample-data/ and notebooks/ in dev and copies them into the build. */
function servedFolders(): Plugin {
  const files = (dir: string, accept: (f: string) => boolean) => readdirSync(dir).filter(accept);
  return {
    name: 'assay-served-folders',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = req.url?.match(/^\/(sample-data|notebooks)\/([^/?#]+)/);
        if (!m) return next();
        const dir = m[1]!;
        const name = decodeURIComponent(m[2]!);
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        if (dir === 'notebooks' && name === 'index.json') {
          res.setHeader('Content-Type', 'application/json');
          return res.end(notebookIndex());
        }
        const folder = SERVED.find((f) => f.dir === dir)!;
        if (!files(dir, folder.accept).includes(name)) return next();
        res.setHeader('Content-Type', name.endsWith('.assay.md') ? 'text/markdown; charset=utf-8' : name.endsWith('.jsonl') ? 'application/jsonl; charset=utf-8' : 'application/octet-stream');
        res.end(readFileSync(join(dir, name)));
      });
    },
    generateBundle() {
      for (const { dir, accept } of SERVED) {
        for (const name of files(dir, accept)) this.emitFile({ type: 'asset', fileName: `${dir}/${name}`, source: readFileSync(join(dir, name)) });
      }
      this.emitFile({ type: 'asset', fileName: 'notebooks/index.json', source: notebookIndex() });
    },
  };
}

/**
 * Writes DuckDB-WASM's coi worker with the #2256 patch (see workers/patchCoiWorker.ts) to
 * workers/generated/ (git-ignored; outside node_modules so the dev server does not
 * pre-bundle it) and points the `assay-duckdb-coi-worker` import at it.
 */
function patchedCoiWorker(): Plugin {
  const out = resolve('workers/generated/duckdb-browser-coi.worker.js');
  return {
    name: 'assay-patched-coi-worker',
    config() {
      const original = readFileSync(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js'), 'utf8');
      const patched = patchCoiWorker(original);
      if (!existsSync(out) || readFileSync(out, 'utf8') !== patched) {
        mkdirSync(resolve('workers/generated'), { recursive: true });
        writeFileSync(out, patched);
      }
      return { resolve: { alias: [{ find: /^assay-duckdb-coi-worker(?=\?|$)/, replacement: out }] } };
    },
  };
}

export default defineConfig({
  plugins: [svelte(), servedFolders(), patchedCoiWorker()],
  // Vitest's browser mode serves its own runner page (inline scripts) from this server: it
  // gets isolation only; the app itself is tested with the CSP through `vite preview` (e2e).
  server: { headers: process.env.VITEST ? isolation : headers },
  preview: { headers },
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
          exclude: ['test/**/*.browser.test.ts', 'test/e2e/**', 'node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The built app in Debian Chromium, one file at a time: each starts a browser and a
          // server, and two cores do not run three of them side by side.
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
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
            provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});

