import type { Table } from 'apache-arrow';
import type { DuckBackend } from '../DuckBackend';
import type { IngestProgress } from '../Engine';
import type * as ParquetWasm from 'parquet-wasm';
import type { PanicWatch } from './PanicWatch';

/** The parquet-wasm module, already initialised for its platform. */
export type ParquetModule = Pick<typeof ParquetWasm, 'ParquetFile' | 'Table' | 'writeParquet' | 'WriterPropertiesBuilder' | 'Compression'>;

/** What a format reader gets: where to write, how to query, how to report and stop. */
export interface IngestContext {
  backend: DuckBackend;
  parquet: ParquetModule;
  /** Run SQL through the engine (cancellable). */
  query(sql: string): Promise<Table>;
  /** The (staging) table the reader must create. */
  table: string;
  /** Only these columns, when given (see OpenFileOptions.columns). */
  columns?: string[];
  fileName: string;
  file: Blob;
  /** Throws a `cancelled` AssayError once cancel() was called. */
  checkCancelled(): void;
  progress(p: IngestProgress): void;
  /** Fails a parquet-wasm read whose decoder panicked (see PanicWatch). */
  panics: PanicWatch;
  /** The name to register a file under while DuckDB reads it (see EngineCore's ingestPath). */
  registeredPath: string;
}
