import * as Comlink from 'comlink';
import { tableFromIPC, type Table } from 'apache-arrow';
import './errorTransfer';
import type { Engine, EngineVersions, IngestProgress, OpenFileOptions, SourceInfo } from '../Engine';
import type { EngineWorkerApi } from '../../../workers/engine.worker';

/** Engine versions plus how long the worker took to start DuckDB. */
export type BrowserEngineVersions = EngineVersions & { startMs: number };

/**
 * The browser engine: a module worker (workers/engine.worker.ts) behind Comlink.
 * Results arrive as transferred Arrow IPC bytes and are read here with apache-arrow.
 */
export class WorkerEngine implements Engine {
  #worker: Worker;
  #api: Comlink.Remote<EngineWorkerApi>;
  readonly started: BrowserEngineVersions;

  private constructor(worker: Worker, api: Comlink.Remote<EngineWorkerApi>, started: BrowserEngineVersions) {
    this.#worker = worker;
    this.#api = api;
    this.started = started;
  }

  /** Start a worker and DuckDB inside it. Extensions may only come from our own origin. */
  static async create(): Promise<WorkerEngine> {
    const worker = new Worker(new URL('../../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'assay-duckdb' });
    const api = Comlink.wrap<EngineWorkerApi>(worker);
    const started = await api.init(new URL('duckdb-ext', globalThis.location.href).href);
    return new WorkerEngine(worker, api, started);
  }

  async query(sql: string): Promise<Table> {
    return tableFromIPC(await this.#api.queryIPC(sql));
  }
  openFile(file: Blob, fileName: string, options: OpenFileOptions = {}): Promise<SourceInfo> {
    const { onProgress, ...rest } = options;
    return this.#api.openFile(file, fileName, rest, onProgress ? Comlink.proxy((p: IngestProgress) => onProgress(p)) : undefined);
  }
  exportParquet(sql: string): Promise<Uint8Array> {
    return this.#api.exportParquet(sql);
  }
  dropSource(name: string): Promise<void> {
    return this.#api.dropSource(name);
  }
  cancel(): Promise<void> {
    return this.#api.cancel();
  }
  versions(): Promise<BrowserEngineVersions> {
    return this.#api.versions();
  }
  async close(): Promise<void> {
    this.#api[Comlink.releaseProxy]();
    this.#worker.terminate();
  }
}
