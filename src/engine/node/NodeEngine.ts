import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import type * as DuckBlocking from '@duckdb/duckdb-wasm/blocking';
import type { DuckBackend } from '../DuckBackend';
import type { Engine, EngineVersions, OpenFileOptions, SourceInfo } from '../Engine';
import { EngineCore } from '../EngineCore';

const require = createRequire(import.meta.url);

/** DuckDB-WASM's blocking Node build behind the DuckBackend interface. */
class NodeWasmBackend implements DuckBackend {
  readonly bundle: string;
  readonly threads = 1;
  #db: DuckBlocking.DuckDBBindings;
  #conn: number;

  constructor(db: DuckBlocking.DuckDBBindings, bundle: string) {
    this.#db = db;
    this.bundle = bundle;
    this.#conn = (db.connect() as unknown as { _conn: number })._conn;
  }
  async startPending(sql: string) {
    return this.#db.startPendingQuery(this.#conn, sql, false);
  }
  async pollPending() {
    return this.#db.pollPendingQuery(this.#conn);
  }
  async fetchResults() {
    return this.#db.fetchQueryResults(this.#conn);
  }
  async cancelPending() {
    return this.#db.cancelPendingQuery(this.#conn);
  }
  async registerFile(name: string, file: Blob) {
    // The Node runtime reads registered buffers only; sizes here are test and CLI inputs.
    this.#db.registerFileBuffer(name, new Uint8Array(await file.arrayBuffer()));
  }
  async dropFile(name: string) {
    this.#db.dropFile(name);
  }
  async insertArrowIPC(table: string, ipc: Uint8Array, create: boolean) {
    this.#db.insertArrowFromIPCStream(this.#conn, ipc, { name: table, create });
  }
}

/**
 * DuckDB-WASM under Node: the same engine the browser runs, for unit tests and the CLI,
 * so results agree with the app bit for bit.
 */
export class NodeEngine implements Engine {
  #core: EngineCore;

  private constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Start an in-memory database. About a second on this machine. `wrapBackend` lets tests
   * put a backend that behaves like another platform's (slow batches, say) in between.
   */
  static async create(options: { wrapBackend?: (backend: DuckBackend) => DuckBackend } = {}): Promise<NodeEngine> {
    const duckdb = require('@duckdb/duckdb-wasm/blocking') as typeof DuckBlocking;
    const dist = dirname(require.resolve('@duckdb/duckdb-wasm/blocking'));
    const bundles = {
      mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
      eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') },
    };
    const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
    await db.instantiate();
    db.open({});
    const parquet = await import('parquet-wasm');
    const backend: DuckBackend = new NodeWasmBackend(db, 'eh');
    const core = new EngineCore(options.wrapBackend ? options.wrapBackend(backend) : backend, parquet, 'wasm-node');
    watchPanics(core);
    // A path that does not exist: an INSTALL or autoload miss fails at once instead of hanging.
    await core.init('/nonexistent/assay-duckdb-extensions');
    return new NodeEngine(core);
  }

  async query(sql: string, namespace?: string): Promise<Table> {
    return tableFromIPC(await this.#core.queryIPC(sql, namespace));
  }
  openFile(file: Blob, fileName: string, options?: OpenFileOptions): Promise<SourceInfo> {
    return this.#core.openFile(file, fileName, options);
  }
  exportParquet(sql: string, namespace?: string): Promise<Uint8Array> {
    return this.#core.exportParquet(sql, namespace);
  }
  dropSource(name: string, namespace?: string): Promise<void> {
    return this.#core.dropSource(name, namespace);
  }
  seal(): Promise<void> {
    return this.#core.seal();
  }
  get sealed(): boolean {
    return this.#core.sealed;
  }
  cancel(): Promise<void> {
    return this.#core.cancel();
  }
  versions(): Promise<EngineVersions> {
    return this.#core.versions();
  }
  async close(): Promise<void> {
    // In-memory database: nothing to flush; its panics are no longer anyone's.
    watching.delete(this.#core);
  }
}

/** The open engines' cores: the process handlers below hand a panic to all of them. */
const watching = new Set<EngineCore>();
let handlersInstalled = false;

/**
 * A parquet-wasm panic surfaces as an unhandled rejection; hand it to the loads waiting on it.
 * Anything else keeps Node's default (the process fails). The handlers are installed once per
 * process, not once per engine: a test file that creates eleven engines would otherwise pass
 * Node's ten-listener limit (MaxListenersExceededWarning).
 */
function watchPanics(core: EngineCore): void {
  watching.add(core);
  if (handlersInstalled) return;
  handlersInstalled = true;
  const report = (error: unknown) => [...watching].map((c) => c.panics.report(error)).some(Boolean);
  process.on('unhandledRejection', (reason) => {
    if (!report(reason)) throw reason;
  });
  process.prependListener('uncaughtException', (error) => {
    if (report(error)) return;
    // Ours is the only listener: keep Node's default for everything else.
    if (process.listenerCount('uncaughtException') === 1) {
      console.error(error);
      process.exit(1);
    }
  });
}
