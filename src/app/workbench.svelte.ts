import type { Table } from 'apache-arrow';
import { AssayError, isCancelled, messageOf } from '../core/errors';
import { sourceNameFor } from '../core/sourceName';
import type { ColumnInfo, SourceInfo } from '../engine/Engine';
import type { BrowserEngineVersions, WorkerEngine } from '../engine/browser/WorkerEngine';

/** A file being opened: what the progress bar shows. */
export interface LoadState {
  id: number;
  fileName: string;
  stage: 'queued' | 'reading' | 'hashing';
  rowsDone: number;
  rowsTotal: number | null;
  bytesHashed: number;
  bytes: number;
  columns: ColumnInfo[];
}

/** A message for the user that names the file or cell it is about. */
export interface Notice {
  id: number;
  level: 'error' | 'info';
  text: string;
}

export interface SqlCellState {
  id: number;
  sql: string;
  running: boolean;
  table: Table | null;
  elapsedMs: number | null;
  error: string | null;
}

let nextId = 1;

/**
 * The page's state and the intents the UI dispatches: start the engine, open files,
 * run and cancel SQL cells. Components read these fields and call these methods; they
 * never talk to the engine themselves.
 */
export class Workbench {
  status = $state<'starting' | 'ready' | 'failed'>('starting');
  versions = $state<BrowserEngineVersions | null>(null);
  startError = $state<string | null>(null);
  sources = $state<SourceInfo[]>([]);
  loads = $state<LoadState[]>([]);
  notices = $state<Notice[]>([]);
  cells = $state<SqlCellState[]>([]);
  #engine: WorkerEngine | null = null;

  constructor(initialSql = 'SELECT 42 AS answer') {
    this.addCell(initialSql);
  }

  /** Start the DuckDB worker; engine creation is passed in so tests and the app share this class. */
  async start(create: () => Promise<WorkerEngine>): Promise<void> {
    try {
      this.#engine = await create();
      this.versions = this.#engine.started;
      this.status = 'ready';
    } catch (error) {
      this.status = 'failed';
      this.startError = messageOf(error);
    }
  }

  /** Open files one after another; each failure becomes a notice naming its file. */
  async openFiles(files: readonly File[]): Promise<void> {
    const engine = this.#engine;
    if (!engine) return;
    const queued = files.map((file) => {
      const load: LoadState = { id: nextId++, fileName: file.name, stage: 'queued', rowsDone: 0, rowsTotal: null, bytesHashed: 0, bytes: file.size, columns: [] };
      this.loads.push(load);
      return { file, id: load.id };
    });
    for (const { file, id } of queued) {
      const existing = this.sources.find((s) => s.fileName === file.name);
      const name = existing?.name ?? sourceNameFor(file.name, this.sources.map((s) => s.name));
      const update = (patch: Partial<LoadState>) => {
        const i = this.loads.findIndex((l) => l.id === id);
        if (i >= 0) this.loads[i] = { ...this.loads[i]!, ...patch };
      };
      update({ stage: 'reading' });
      try {
        const info = await engine.openFile(file, file.name, {
          name,
          onProgress: (p) => {
            if (p.phase === 'schema') update({ columns: p.columns, rowsTotal: p.rows });
            else if (p.phase === 'rows') update({ rowsDone: p.done, rowsTotal: p.total });
            else update({ bytesHashed: p.done, stage: p.done >= p.total ? 'reading' : 'hashing' });
          },
        });
        this.sources = [...this.sources.filter((s) => s.name !== info.name), info];
      } catch (error) {
        this.notify(isCancelled(error) ? 'info' : 'error', describeError(error, file.name));
      } finally {
        this.loads = this.loads.filter((l) => l.id !== id);
      }
    }
  }

  /** Fetch the bundled sample files from our own origin and open them. */
  async openSamples(names: readonly string[]): Promise<void> {
    const files: File[] = [];
    for (const name of names) {
      try {
        const res = await fetch(`sample-data/${encodeURIComponent(name)}`);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        files.push(new File([await res.blob()], name));
      } catch (error) {
        this.notify('error', `${name}: the sample file could not be loaded (${messageOf(error)})`);
      }
    }
    await this.openFiles(files);
  }

  async cancelLoads(): Promise<void> {
    await this.#engine?.cancel();
  }

  addCell(sql = ''): void {
    this.cells.push({ id: nextId++, sql, running: false, table: null, elapsedMs: null, error: null });
  }

  removeCell(id: number): void {
    this.cells = this.cells.filter((c) => c.id !== id);
  }

  setSql(id: number, sql: string): void {
    const cell = this.cells.find((c) => c.id === id);
    if (cell) cell.sql = sql;
  }

  async runCell(id: number): Promise<void> {
    const engine = this.#engine;
    const cell = this.cells.find((c) => c.id === id);
    if (!engine || !cell || cell.running) return;
    cell.running = true;
    cell.error = null;
    const t0 = performance.now();
    try {
      const table = await engine.query(cell.sql);
      cell.table = table;
      cell.elapsedMs = performance.now() - t0;
    } catch (error) {
      cell.table = null;
      cell.elapsedMs = null;
      cell.error = isCancelled(error) ? 'Cancelled.' : messageOf(error);
    } finally {
      cell.running = false;
    }
  }

  async cancelCell(): Promise<void> {
    await this.#engine?.cancel();
  }

  notify(level: Notice['level'], text: string): void {
    this.notices.push({ id: nextId++, level, text });
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }
}

function describeError(error: unknown, fileName: string): string {
  if (error instanceof AssayError && error.subject) return error.message;
  const text = messageOf(error);
  return text.includes(fileName) ? text : `${fileName}: ${text}`;
}
