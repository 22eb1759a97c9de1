import { describe, expect, test } from 'vitest';
import { batchRows } from '../../../src/engine/ingest/ingestParquet';

describe('batchRows', () => {
  test('a row group of up to 256 MiB decoded is one batch; a bigger one is split so each batch stays near 256 MiB', () => {
    expect(batchRows(1_000_000, 107_000_000)).toBe(1_000_000);
    // 1 GiB in 4M rows → 1M rows a batch.
    expect(batchRows(4_000_000, 1024 ** 3)).toBe(1_000_000);
    // Never below parquet-wasm's own default of 1,024 rows, however wide the rows are.
    expect(batchRows(10_000, 100 * 1024 ** 3)).toBe(1024);
    expect(batchRows(0, 0)).toBe(1024);
  });
});
