/**
 * The few DuckDB-WASM calls Assay needs, as one async interface, so the engine logic
 * (EngineCore) is written once and runs over the blocking Node build and over
 * AsyncDuckDB inside the browser worker alike.
 */
export interface DuckBackend {
  /** Start a query; resolves to the Arrow IPC schema message when done, or null while running. */
  startPending(sql: string): Promise<Uint8Array | null>;
  /** Advance the running query; same result contract as startPending. */
  pollPending(): Promise<Uint8Array | null>;
  /** Next Arrow IPC record batch message of the finished query; null while none is ready yet, an empty buffer at the end. */
  fetchResults(): Promise<Uint8Array | null>;
  /** Interrupt the running query. */
  cancelPending(): Promise<boolean>;
  /** Make a file readable by name from SQL (read_csv). Never copies a Blob into the heap where the platform can avoid it. */
  registerFile(name: string, file: Blob): Promise<void>;
  dropFile(name: string): Promise<void>;
  /** Append (or create) a table from an Arrow IPC stream. */
  insertArrowIPC(table: string, ipc: Uint8Array, create: boolean): Promise<void>;
  /** Which bundle is loaded (`eh`, `coi`, `mvp`). */
  readonly bundle: string;
  readonly threads: number;
}
