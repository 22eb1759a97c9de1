import { Table, Utf8, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm';

type ParquetModule = Pick<typeof ParquetWasm, 'Table' | 'writeParquet' | 'WriterPropertiesBuilder'>;

/** A synthetic Parquet file with many row groups, for progress and cancel tests. */
export function makeParquet(parquet: ParquetModule, rows: number, rowGroupSize: number): Uint8Array<ArrayBuffer> {
  const ids = Int32Array.from({ length: rows }, (_, i) => i);
  const values = Float64Array.from({ length: rows }, (_, i) => ((i * 7919) % 1000) / 10);
  const labels = Array.from({ length: rows }, (_, i) => ['crack', 'dent', 'ok', 'scratch'][i % 4]!);
  const table = new Table({ id: makeVector(ids), value: makeVector(values), label: vectorFromArray(labels, new Utf8()) });
  const props = new parquet.WriterPropertiesBuilder().setMaxRowGroupSize(rowGroupSize).build();
  return new Uint8Array(parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), props));
}
