import { afterAll, beforeAll, expect, test } from 'vitest';
import { WorkerEngine } from '../../src/engine/browser/WorkerEngine';
import { sampleCell } from '../../src/core/cells/sampleCell';
import reference from '../reference/sample_keys.json';

let engine: WorkerEngine;
beforeAll(async () => {
  engine = await WorkerEngine.create();
  const res = await fetch('/sample-data/defects_v2.parquet');
  await engine.openFile(await res.blob(), 'defects_v2.parquet', { name: 'batch' });
}, 60_000);
afterAll(() => engine.close());

test('in Chromium the same seed picks the same keys as the Node and native engines (the Python reference)', async () => {
  const { spec } = sampleCell.parse('source: batch\nstratify: label\nkey: image_id\nfraction: 0.05\nmin_per_class: 5');
  const out = await sampleCell.run(spec!, { name: 'spot', query: (sql) => engine.query(sql), params: { seed: 20261121 } });
  expect(out.result.keys).toEqual(reference['20261121/0.05/5'].keys);
});
