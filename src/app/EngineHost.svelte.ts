import type { Table } from 'apache-arrow';
import { AssayError, messageOf } from '../core/errors';
import type { OpenFileOptions, SourceInfo } from '../engine/Engine';
import type { BrowserEngineVersions, WorkerEngine } from '../engine/browser/WorkerEngine';

/** What the host tells the page about its engine's life. */
export interface EngineEvents {
  /** The engine died; results computed with it are stale. */
  lost(reason: string): void;
  /**
   * A new engine is up and nothing else may use it yet: put back what the page had loaded.
   * Returns what to tell the user about it.
   */
  restore(engine: WorkerEngine): Promise<{ level: 'error' | 'info'; text: string }>;
  notify(level: 'error' | 'info', text: string): void;
}

/**
 * The page's DuckDB engine: starts it, hands it out once ready (calls made while it starts
 * wait for it), and when the worker dies starts a new one and lets the page restore what it
 * had before anyone else may use it.
 */
/** Statements the query log keeps. */
const QUERY_LOG_SIZE = 200;

export class EngineHost {
  status = $state<'starting' | 'ready' | 'failed'>('starting');
  versions = $state<BrowserEngineVersions | null>(null);
  startError = $state<string | null>(null);
  /** How many times the engine was restarted after a crash. */
  restarts = $state(0);
  #engine: WorkerEngine | null = null;
  #ready: Promise<WorkerEngine | null>;
  #resolveReady!: (engine: WorkerEngine | null) => void;
  #create: (() => Promise<WorkerEngine>) | null = null;
  #events: EngineEvents;

  constructor(events: EngineEvents) {
    this.#events = events;
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  /** Start the DuckDB worker; creation is passed in so tests and the app share this class. */
  async start(create: () => Promise<WorkerEngine>): Promise<void> {
    this.#create = create;
    try {
      this.#adopt(await create());
      this.status = 'ready';
    } catch (error) {
      this.status = 'failed';
      this.startError = messageOf(error);
    }
    this.#resolveReady(this.#engine);
  }

  /** The engine once it runs (waits while it starts or restarts); null when it failed to start. */
  whenReady(): Promise<WorkerEngine | null> {
    return this.#ready;
  }

  /** The engine, or an error saying why there is none. */
  async engine(): Promise<WorkerEngine> {
    const engine = await this.#ready;
    if (!engine) throw new AssayError('engine', `the engine is not running (${this.startError})`);
    return engine;
  }

  async query(sql: string, namespace?: string): Promise<Table> {
    this.#log.push(sql);
    if (this.#log.length > QUERY_LOG_SIZE) this.#log.splice(0, this.#log.length - QUERY_LOG_SIZE);
    return (await this.engine()).query(sql, namespace);
  }

  /** The last statements sent to the engine, oldest first (a test hook: which work ran in DuckDB). */
  recentQueries(): readonly string[] {
    return [...this.#log];
  }
  #log: string[] = [];

  async openFile(file: Blob, fileName: string, options?: OpenFileOptions): Promise<SourceInfo> {
    return (await this.engine()).openFile(file, fileName, options);
  }

  async exportParquet(sql: string, namespace?: string): Promise<Uint8Array> {
    return (await this.engine()).exportParquet(sql, namespace);
  }

  /** Cancel what the engine runs now (a query or a file load). */
  async cancel(): Promise<void> {
    await this.#engine?.cancel();
  }

  /** Test hook (window.__assay): make the engine fail as a crashed worker does. */
  crashForTest(): Promise<void> | undefined {
    return this.#engine?.crashForTest();
  }

  #adopt(engine: WorkerEngine): void {
    engine.onCrash = (reason) => void this.#recover(reason);
    this.#engine = engine;
    this.versions = engine.started;
  }

  /**
   * The worker died or DuckDB trapped: start a new one and let the page restore its sources
   * and views into it before any other call gets it. The notebooks and the review log live in
   * IndexedDB and are untouched.
   */
  async #recover(reason: string): Promise<void> {
    const create = this.#create;
    if (!create) return;
    this.status = 'starting';
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.#events.lost(reason);
    let engine: WorkerEngine;
    try {
      engine = await create();
    } catch (error) {
      this.status = 'failed';
      this.startError = messageOf(error);
      this.#resolveReady(null);
      return;
    }
    this.#adopt(engine);
    const told = await this.#events.restore(engine).catch((e) => ({ level: 'error' as const, text: `Engine restarted, but restoring failed: ${messageOf(e)}` }));
    this.restarts++;
    this.status = 'ready';
    this.#resolveReady(engine);
    this.#events.notify(told.level, told.text);
  }
}
