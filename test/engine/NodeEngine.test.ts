import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { engineContract } from './contract';

engineContract('DuckDB-WASM under Node', {
  create: () => NodeEngine.create(),
  sample: (name) => openAsBlob(fileURLToPath(new URL(`../../sample-data/${name}`, import.meta.url))),
  referenceSha256: async (blob) => createHash('sha256').update(new Uint8Array(await blob.arrayBuffer())).digest('hex'),
});
