import { WorkerEngine } from '../../src/engine/browser/WorkerEngine';
import initParquet, * as parquet from 'parquet-wasm/esm';
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { engineContract } from './contract';
import { makeParquet } from './makeParquet';

engineContract('DuckDB-WASM in a Web Worker (Chromium)', {
  // The contract tests the engine itself: no replacing of a worker that is slow to cancel.
  // Unsealed: the contract sets memory_limit for its out-of-memory case; the sealed engine is
  // tested by test/e2e/sandbox.e2e.test.ts.
  create: () => WorkerEngine.create({ cancelGraceMs: Infinity, seal: false }),
  sample: async (name) => {
    const res = await fetch(`/sample-data/${name}`);
    if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
    return res.blob();
  },
  bigParquet: async (rows, group) => {
    await initParquet({ module_or_path: parquetWasm });
    return new Blob([makeParquet(parquet, rows, group)]);
  },
  referenceSha256: async (blob) => {
    const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  },
});
