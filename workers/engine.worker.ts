/**
 * The DuckDB worker: thin. It owns the database (AsyncDuckDB, whose own worker runs the
 * wasm), runs EngineCore over it, and hands results back as Arrow IPC bytes, transferred.
 * Parquet decoding also happens here, off the page's thread; hashing in a worker of its own.
 */
import * as Comlink from 'comlink';
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import coiWasm from '@duckdb/duckdb-wasm/dist/duckdb-coi.wasm?url';
// The coi worker with the memory-view patch for duckdb-wasm #2256 (see patchCoiWorker.ts).
import coiWorker from 'assay-duckdb-coi-worker?url';
import coiPthread from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.pthread.worker.js?url';
import initParquet, * as parquet from 'parquet-wasm/esm';
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import '../src/engine/browser/errorTransfer';
import type { DuckBackend } from '../src/engine/DuckBackend';
import type { EngineVersions, IngestProgress, OpenFileOptions, SourceInfo } from '../src/engine/Engine';
import { EngineCore, type HashFile } from '../src/engine/EngineCore';
import { INGEST_PATH } from '../src/engine/sandbox';
import type { HashMessage } from './hash.worker';

const abs = (u: string) => new URL(u, self.location.href).href;

class AsyncBackend implements DuckBackend {
  constructor(
    private db: duckdb.AsyncDuckDB,
    private conn: number,
    readonly bundle: string,
    readonly threads: number,
  ) {}
  startPending(sql: string) {
    return this.db.startPendingQuery(this.conn, sql, false);
  }
  pollPending() {
    return this.db.pollPendingQuery(this.conn);
  }
  fetchResults() {
    return this.db.fetchQueryResults(this.conn);
  }
  cancelPending() {
    return this.db.cancelPendingQuery(this.conn);
  }
  registerFile(name: string, file: Blob) {
    // By handle: DuckDB reads slices lazily, the file is never copied into the wasm heap.
    return this.db.registerFileHandle(name, file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
  }
  async dropFile(name: string) {
    await this.db.dropFile(name);
  }
  insertArrowIPC(table: string, ipc: Uint8Array, create: boolean) {
    return this.db.insertArrowFromIPCStream(this.conn, ipc, { name: table, create });
  }
}

/**
 * Hash in a worker of its own, one per file: the engine worker's thread is busy decoding
 * Parquet, and DuckDB's append runs in DuckDB's worker. A cancelled or failed load
 * terminates it at the next slice.
 */
const hashInWorker: HashFile = (file, onProgress, checkCancelled) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module', name: 'assay-hash' });
    const stop = (error: unknown) => {
      worker.terminate();
      reject(error);
    };
    worker.onmessage = (e: MessageEvent<HashMessage>) => {
      const m = e.data;
      if ('progress' in m) {
        try {
          checkCancelled();
        } catch (error) {
          return stop(error);
        }
        onProgress(...m.progress);
      } else if ('hex' in m) {
        worker.terminate();
        resolve(m.hex);
      } else stop(new Error(`hashing failed: ${m.error}`));
    };
    worker.onerror = (e) => stop(new Error(`hashing failed: ${e.message || 'the hashing worker stopped'}`));
    worker.postMessage(file);
  });

let core: EngineCore | null = null;
let startMs = 0;
let startPhases: StartPhases = {};

/** How long each step of the start took (ms), as init measured it: for the bench's start-up rows. */
export type StartPhases = Record<string, number>;

/** The promise, and its own time from now until it settles (it may run beside others). */
function timedStep<T>(phases: StartPhases, name: string, p: Promise<T>): Promise<T> {
  const t = performance.now();
  return p.finally(() => {
    phases[name] = performance.now() - t;
  });
}

const api = {
  /** Start DuckDB: the threaded bundle when the page is cross-origin isolated, else `eh`. */
  async init(extensionRepository: string): Promise<EngineVersions & { startMs: number; startPhases: StartPhases }> {
    const t0 = performance.now();
    const phases: StartPhases = {};
    const isolated = self.crossOriginIsolated === true;
    const bundle = isolated ? 'coi' : 'eh';
    const inner = new Worker(abs(isolated ? coiWorker : ehWorker));
    // If DuckDB's own worker fails, fail this one too, so the page sees it and restarts us.
    inner.addEventListener('error', (e) => {
      setTimeout(() => {
        throw new Error(`DuckDB worker failed: ${e.message || 'unknown error'}`);
      });
    });
    const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), inner);
    // DuckDB's instantiate fetches, compiles and instantiates its module in one streaming step,
    // in DuckDB's own worker: from here it can only be timed whole (the bench adds the fetch).
    await Promise.all([
      timedStep(phases, 'instantiate', isolated ? db.instantiate(abs(coiWasm), abs(coiPthread)) : db.instantiate(abs(ehWasm))),
      timedStep(phases, 'parquet', initParquet({ module_or_path: abs(parquetWasm) })),
    ]);
    const threads = isolated ? Math.max(1, Math.min(4, self.navigator.hardwareConcurrency || 1)) : 1;
    await timedStep(phases, 'open', db.open({ maximumThreads: threads }));
    const conn = await timedStep(phases, 'connect', db.connectInternal());
    core = new EngineCore(new AsyncBackend(db, conn, bundle, threads), parquet, 'wasm-browser', { hashFile: hashInWorker, ingestPath: INGEST_PATH });
    // parquet-wasm panics surface here, uncaught: fail the load waiting on them (PanicWatch).
    const engine = core;
    self.addEventListener('unhandledrejection', (e) => {
      if (engine.panics.report(e.reason)) e.preventDefault();
    });
    self.addEventListener('error', (e) => {
      if (engine.panics.report(e.error ?? e.message)) e.preventDefault();
    });
    await timedStep(phases, 'first queries', core.init(extensionRepository));
    startMs = performance.now() - t0;
    startPhases = phases;
    return { ...(await core.versions()), startMs, startPhases };
  },
  async queryIPC(sql: string, namespace?: string): Promise<Uint8Array> {
    const bytes = await ready().queryIPC(sql, namespace);
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  openFile(file: Blob, fileName: string, options: Omit<OpenFileOptions, 'onProgress'>, onProgress?: (p: IngestProgress) => void): Promise<SourceInfo> {
    return ready().openFile(file, fileName, { ...options, onProgress });
  },
  async exportParquet(sql: string, namespace?: string): Promise<Uint8Array> {
    const bytes = await ready().exportParquet(sql, namespace);
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  dropSource(name: string, namespace?: string) {
    return ready().dropSource(name, namespace);
  },
  seal() {
    return ready().seal();
  },
  cancel() {
    return ready().cancel();
  },
  async versions() {
    return { ...(await ready().versions()), startMs, startPhases };
  },
  /** Test hook: fail the way a trapped worker does (an uncaught error), then stop. */
  async crashForTest() {
    setTimeout(() => {
      throw new Error('DuckDB worker failed: simulated crash (test hook)');
    });
  },
};

function ready(): EngineCore {
  if (!core) throw new Error('The engine is not started yet');
  return core;
}

export type EngineWorkerApi = typeof api;
Comlink.expose(api);
