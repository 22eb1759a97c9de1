import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import * as parquet from 'parquet-wasm';
import { engineContract } from './contract';
import { makeParquet } from './makeParquet';

engineContract('DuckDB-WASM under Node', {
  create: () => NodeEngine.create(),
  sample: (name) => openAsBlob(fileURLToPath(new URL(`../../sample-data/${name}`, import.meta.url))),
  referenceSha256: async (blob) => createHash('sha256').update(new Uint8Array(await blob.arrayBuffer())).digest('hex'),
  bigParquet: async (rows, group) => new Blob([makeParquet(parquet, rows, group)]),
});
