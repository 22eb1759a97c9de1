import { WorkerEngine } from '../../src/engine/browser/WorkerEngine';
import { engineContract } from './contract';

engineContract('DuckDB-WASM in a Web Worker (Chromium)', {
  create: () => WorkerEngine.create(),
  sample: async (name) => {
    const res = await fetch(`/sample-data/${name}`);
    if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
    return res.blob();
  },
  referenceSha256: async (blob) => {
    const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  },
});
