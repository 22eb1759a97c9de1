import type { ParquetModule } from './ingest/IngestContext';

/**
 * Arrow IPC stream bytes as a Parquet file, written by parquet-wasm: Snappy-compressed, row
 * groups of 1M rows. DuckDB-WASM cannot load its parquet extension offline, and a sealed
 * engine may write no file, so every engine that exports from a sealed DuckDB uses this.
 */
export function writeParquet(parquet: Pick<ParquetModule, 'Table' | 'writeParquet' | 'WriterPropertiesBuilder' | 'Compression'>, ipc: Uint8Array): Uint8Array {
  const table = parquet.Table.fromIPCStream(ipc);
  const props = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.SNAPPY).setMaxRowGroupSize(1_000_000).build();
  return parquet.writeParquet(table, props);
}
