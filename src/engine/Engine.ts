import type { Table } from 'apache-arrow';

import type { SourceFormat } from '../core/sourceFormat';
export type { SourceFormat };

/** One column of a source as DuckDB types it. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** A table that SQL can name, made from a file the user opened. */
export interface SourceInfo {
  /** The SQL name of the table. */
  name: string;
  /** The file it was read from, as the user named it. */
  fileName: string;
  format: SourceFormat;
  bytes: number;
  rows: number;
  columns: ColumnInfo[];
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
}

/** Progress of opening a file. `schema` arrives first (for Parquet, from the footer). */
export type IngestProgress =
  | { phase: 'schema'; fileName: string; rows: number | null; columns: ColumnInfo[] }
  | { phase: 'rows'; fileName: string; done: number; total: number | null }
  | { phase: 'hash'; fileName: string; done: number; total: number };

export interface OpenFileOptions {
  /** The SQL name to give the table; derived from the file name when absent. */
  name?: string;
  /** The namespace (DuckDB schema) to create the table in; `main` when absent. */
  namespace?: string;
  format?: SourceFormat;
  /**
   * Load only these columns, in the file's order (Parquet: only their column chunks are
   * decoded). The SHA-256 is still of the whole file, since it fingerprints the file.
   */
  columns?: string[];
  onProgress?: (progress: IngestProgress) => void;
}

/** What the engine is, for provenance. */
export interface EngineVersions {
  /** `wasm-node`, `wasm-browser`, … */
  engine: string;
  /** DuckDB's own version string, e.g. `v1.4.3`. */
  duckdb: string;
  /** The DuckDB-WASM bundle in use (`eh`, `coi`, `mvp`) or `native`. */
  bundle: string;
  threads: number;
}

/**
 * The seam between Assay and a DuckDB. Every platform gets one implementation:
 * the browser worker client, and DuckDB-WASM under Node for tests and the CLI.
 * One contract test suite (test/engine/contract.ts) runs against each.
 */
export interface Engine {
  /**
   * Run one SQL statement and return its whole result as an Arrow table. `namespace` is the
   * DuckDB schema the statement runs in (where unqualified names resolve and are created;
   * `main` when absent): each open notebook has its own, so one notebook's names never
   * reach another's. The switch and the statement run as one step.
   */
  query(sql: string, namespace?: string): Promise<Table>;
  /** Read a file into a table, verify it, fingerprint it. Replaces a table of the same name only on success. */
  openFile(file: Blob, fileName: string, options?: OpenFileOptions): Promise<SourceInfo>;
  /** The result of a query as a Parquet file (for releases and exports). */
  exportParquet(sql: string, namespace?: string): Promise<Uint8Array>;
  /** Drop a source's table. */
  dropSource(name: string, namespace?: string): Promise<void>;
  /**
   * Seal the engine for notebook SQL (see sandbox.ts): from now on SQL reaches no file, URL,
   * extension or setting; only tables already loaded, and files the engine itself opens.
   * Idempotent. The browser seals at start; the CLI once the notebook's sources are open.
   */
  seal(): Promise<void>;
  /** True once seal() has run. */
  readonly sealed: boolean;
  /** Cancel the running query or file load, if any. The engine stays usable. */
  cancel(): Promise<void>;
  versions(): Promise<EngineVersions>;
  close(): Promise<void>;
}
