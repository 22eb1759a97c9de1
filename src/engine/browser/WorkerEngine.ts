import * as Comlink from 'comlink';
import { tableFromIPC, type Table } from 'apache-arrow';
import './errorTransfer';
import { AssayError, messageOf } from '../../core/errors';
import type { Engine, EngineVersions, IngestProgress, OpenFileOptions, SourceInfo } from '../Engine';
import type { EngineWorkerApi } from '../../../workers/engine.worker';

/**
 * Engine versions plus how long the worker took to start DuckDB, and its steps (ms):
 * `instantiate` (DuckDB's module fetched, compiled and instantiated, in one streaming step),
 * `parquet` (parquet-wasm's, beside it), `open`, `connect`, `first queries` (the settings),
 * and, measured on the page, `worker` (the engine worker's script loaded and answering).
 */
export type BrowserEngineVersions = EngineVersions & { startMs: number; startPhases: Record<string, number> };

/** The performance mark WorkerEngine.create sets when the engine is ready; its detail is the start's steps. */
export const ENGINE_READY_MARK = 'assay:engine-ready';

/**
 * The browser engine: a module worker (workers/engine.worker.ts) behind Comlink.
 * Results arrive as transferred Arrow IPC bytes and are read here with apache-arrow.
 */
/**
 * Messages of failures after which DuckDB-WASM's state cannot be trusted: a wasm trap, an
 * abort, a worker that is gone. DuckDB's own "Out of Memory Error" is not one of them: the
 * query fails and the database goes on.
 */
const FATAL = /RuntimeError: |Aborted\(|worker is not set|Worker has been terminated|DuckDB worker failed/;

/**
 * Longer than appending one 1M-row Parquet row group (the slowest step a cancelled load
 * finishes) with room for a loaded machine; shorter than a user waits on a Cancel button.
 */
const CANCEL_GRACE_MS = 5000;

export class WorkerEngine implements Engine {
  #worker: Worker;
  #api: Comlink.Remote<EngineWorkerApi>;
  readonly started: BrowserEngineVersions;
  #dead: string | null = null;
  #died: Promise<never>;
  #kill!: (reason: string) => void;
  readonly #cancelGraceMs: number;
  /** Called once when the worker dies or DuckDB traps; the engine is unusable afterwards. */
  onCrash: ((reason: string) => void) | null = null;

  private constructor(worker: Worker, api: Comlink.Remote<EngineWorkerApi>, started: BrowserEngineVersions, cancelGraceMs: number) {
    this.#cancelGraceMs = cancelGraceMs;
    this.#worker = worker;
    this.#api = api;
    this.started = started;
    this.#died = new Promise<never>((_, reject) => {
      this.#kill = (reason) => {
        if (this.#dead) return;
        this.#dead = reason;
        reject(new AssayError('engine', `the DuckDB engine stopped: ${reason}`));
        worker.terminate();
        this.onCrash?.(reason);
      };
    });
    this.#died.catch(() => undefined);
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.#kill(e.message || 'the worker failed');
    });
  }

  /** Why the engine stopped, or null while it runs. */
  get deadReason(): string | null {
    return this.#dead;
  }

  /** A call to the worker that fails at once, instead of hanging, if the worker dies meanwhile. */
  async #call<T>(call: () => Promise<T>): Promise<T> {
    if (this.#dead) throw new AssayError('engine', `the DuckDB engine stopped: ${this.#dead}`);
    try {
      return await Promise.race([call(), this.#died]);
    } catch (error) {
      const text = messageOf(error);
      if (FATAL.test(text)) this.#kill(text);
      throw error;
    }
  }

  /** Test hook: make the worker fail as a trapped or killed worker does. */
  crashForTest(): Promise<void> {
    return this.#api.crashForTest();
  }

  /**
   * Start a worker and DuckDB inside it. Extensions may only come from our own origin.
   * `cancelGraceMs`: how long a cancelled query may keep the threaded engine busy before the
   * worker is replaced (see cancel()); `Infinity` waits for it however long it takes.
   * The engine is sealed (see sandbox.ts) unless `seal: false`.
   */
  static async create(options: { cancelGraceMs?: number; seal?: boolean } = {}): Promise<WorkerEngine> {
    const t0 = performance.now();
    const worker = new Worker(new URL('../../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'assay-duckdb' });
    const api = Comlink.wrap<EngineWorkerApi>(worker);
    const started = await api.init(new URL('duckdb-ext', globalThis.location.href).href);
    // What the worker did not time itself: loading its script and the messages to and fro.
    started.startPhases = { worker: Math.max(0, performance.now() - t0 - started.startMs), ...started.startPhases };
    // For the bench (start-up rows): since when the page began to load, and each step.
    performance.mark(ENGINE_READY_MARK, { detail: { sinceNavigation: performance.now(), createMs: performance.now() - t0, phases: started.startPhases } });
    const engine = new WorkerEngine(worker, api, started, options.cancelGraceMs ?? CANCEL_GRACE_MS);
    // Sealed before anything else can run: files are opened by Assay through registered
    // handles, which stay readable (sandbox.ts), so nothing in the app needs it unsealed.
    if (options.seal !== false) await engine.seal();
    return engine;
  }

  async query(sql: string, namespace?: string): Promise<Table> {
    return tableFromIPC(await this.#call(() => this.#api.queryIPC(sql, namespace)));
  }
  openFile(file: Blob, fileName: string, options: OpenFileOptions = {}): Promise<SourceInfo> {
    const { onProgress, ...rest } = options;
    return this.#call(() => this.#api.openFile(file, fileName, rest, onProgress ? Comlink.proxy((p: IngestProgress) => onProgress(p)) : undefined));
  }
  exportParquet(sql: string, namespace?: string): Promise<Uint8Array> {
    return this.#call(() => this.#api.exportParquet(sql, namespace));
  }
  dropSource(name: string, namespace?: string): Promise<void> {
    return this.#call(() => this.#api.dropSource(name, namespace));
  }
  #sealed = false;
  get sealed(): boolean {
    return this.#sealed;
  }
  async seal(): Promise<void> {
    await this.#call(() => this.#api.seal());
    this.#sealed = true;
  }
  /**
   * Cancel what runs now. The cancelled call fails at once; resolves once DuckDB answers again.
   * In the threaded (coi) bundle DuckDB-WASM cannot interrupt a pipeline task one of its
   * threads already runs (it has no interrupt call, only pending-query cancel): measured, a
   * cancelled GROUP BY over 30M rows kept the engine busy 9-14 s and a single-task range()
   * scan 24 s. So the engine is probed, and when it does not answer within the grace period
   * the worker is declared dead: onCrash fires and the app starts a new worker with its
   * sources, which also frees the wasm memory the cancelled query held.
   */
  async cancel(): Promise<void> {
    if (this.#dead) return;
    await this.#call(() => this.#api.cancel());
    if (this.started.bundle !== 'coi' || !Number.isFinite(this.#cancelGraceMs)) return;
    const grace = this.#cancelGraceMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = await Promise.race([
      this.#call(() => this.#api.queryIPC('SELECT 1')).then(() => true, () => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), grace))),
    ]);
    clearTimeout(timer);
    if (!answered) this.#kill(`a cancelled query still held DuckDB's threads after ${grace / 1000} s, and DuckDB-WASM cannot interrupt them`);
  }
  versions(): Promise<BrowserEngineVersions> {
    return this.#call(() => this.#api.versions());
  }
  async close(): Promise<void> {
    this.#api[Comlink.releaseProxy]();
    this.#worker.terminate();
  }
}
