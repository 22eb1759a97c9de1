import { FILES_NAMESPACE } from '../core/sql/namespace';
import { sourceNameFor } from '../core/sourceName';
import type { ColumnInfo, SourceInfo } from '../engine/Engine';
import type { WorkerEngine } from '../engine/browser/WorkerEngine';
import type { EngineHost } from './EngineHost.svelte';

/** A file loaded into the engine: one table in FILES_NAMESPACE, shared by every notebook. */
export interface FileSource {
  /** The table's name in FILES_NAMESPACE (also `info.name`). */
  table: string;
  info: SourceInfo;
  file: File;
  /** What identifies the file for "already loaded?" (see fileKey). */
  key: string;
  columns?: string[];
}

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

let nextLoad = 1;

/**
 * A picked file's identity before it is read: name, size and modification time (a File has
 * no path in the browser). Files fetched from a URL are keyed by the URL instead.
 */
export function fileKey(file: File): string {
  return `file:${file.name}:${file.size}:${file.lastModified}`;
}

/**
 * Every file the page has loaded, each read and ingested once into FILES_NAMESPACE however
 * many notebooks use it: the same key (or, once hashed, the same bytes) gives the same table.
 * Notebooks reach the tables only through aliases in their own namespaces.
 */
export class SourceRegistry {
  files = $state<FileSource[]>([]);
  loads = $state<LoadState[]>([]);
  /** How many files were read into the engine (tests count ingests with it). */
  ingests = $state(0);
  #host: EngineHost;
  #pending = new Map<string, Promise<FileSource>>();
  #aliases = new Map<string, FileSource>();

  constructor(host: EngineHost) {
    this.#host = host;
  }

  /** The loaded file with this key (and these columns, the key of a projected load), if any. */
  byKey(key: string, columns?: string[]): FileSource | undefined {
    const full = loadKey(key, columns);
    return this.files.find((f) => f.key === full) ?? this.#aliases.get(full);
  }

  /** The loaded file with this file name (and these columns), if any; the latest one wins. */
  byFileName(fileName: string, columns?: string[]): FileSource | undefined {
    return this.files.findLast((f) => f.file.name === fileName && sameColumns(f.columns, columns));
  }

  /**
   * Load a file unless it is loaded already: by its key first, then (after reading) by its
   * SHA-256, so the same bytes are never held twice. `table` asks for a table name (a dataset
   * version's); another is chosen when that one is taken.
   */
  open(file: File, options: { key?: string; columns?: string[]; table?: string } = {}): Promise<FileSource> {
    const key = loadKey(options.key ?? fileKey(file), options.columns);
    const known = this.files.find((f) => f.key === key) ?? this.#aliases.get(key);
    if (known) return Promise.resolve(known);
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const loading = this.#load(file, key, options).finally(() => this.#pending.delete(key));
    this.#pending.set(key, loading);
    return loading;
  }

  async #load(file: File, key: string, options: { columns?: string[]; table?: string }): Promise<FileSource> {
    const id = nextLoad++;
    this.loads.push({ id, fileName: file.name, stage: 'queued', rowsDone: 0, rowsTotal: null, bytesHashed: 0, bytes: file.size, columns: [] });
    const update = (patch: Partial<LoadState>) => {
      const i = this.loads.findIndex((l) => l.id === id);
      if (i >= 0) this.loads[i] = { ...this.loads[i]!, ...patch };
    };
    const taken = [...this.files.map((f) => f.table), ...this.#pendingTables];
    const table = options.table && !taken.includes(options.table) ? options.table : sourceNameFor(options.table ?? file.name, taken);
    this.#pendingTables.add(table);
    try {
      const engine = await this.#host.engine();
      update({ stage: 'reading' });
      const info = await engine.openFile(file, file.name, {
        name: table,
        namespace: FILES_NAMESPACE,
        columns: options.columns,
        onProgress: (p) => {
          if (p.phase === 'schema') update({ columns: p.columns, rowsTotal: p.rows });
          else if (p.phase === 'rows') update({ rowsDone: p.done, rowsTotal: p.total });
          else update({ bytesHashed: p.done, stage: p.done >= p.total ? 'reading' : 'hashing' });
        },
      });
      this.ingests++;
      // The same bytes under another key (a second copy of a file): keep one table.
      const twin = this.files.find((f) => f.info.sha256 === info.sha256 && sameColumns(f.columns, options.columns));
      if (twin) {
        await engine.dropSource(table, FILES_NAMESPACE).catch(() => undefined);
        this.#aliases.set(key, twin);
        return twin;
      }
      const source: FileSource = { table, info, file, key, ...(options.columns ? { columns: options.columns } : {}) };
      this.files = [...this.files, source];
      return source;
    } finally {
      this.#pendingTables.delete(table);
      this.loads = this.loads.filter((l) => l.id !== id);
    }
  }

  #pendingTables = new Set<string>();

  /** After an engine restart: load every file again under its table. Returns the failures, by file. */
  async reopenAll(engine: WorkerEngine): Promise<string[]> {
    const failed: string[] = [];
    for (const f of this.files) {
      try {
        await engine.openFile(f.file, f.file.name, { name: f.table, namespace: FILES_NAMESPACE, columns: f.columns });
      } catch (error) {
        failed.push(`${f.file.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failed;
  }
}

/** A load's key: the file's, and the columns when only some are loaded. */
function loadKey(key: string, columns: string[] | undefined): string {
  return columns ? `${key}|${columns.join(',')}` : key;
}

function sameColumns(a: string[] | undefined, b: string[] | undefined): boolean {
  return (a ?? []).join('\u0000') === (b ?? []).join('\u0000');
}
