import type { Table } from 'apache-arrow';
import { tableToCsv, tableToJsonLines, type ExportFormat } from '../core/exportTable';
import { AssayError, isCancelled, messageOf } from '../core/errors';
import { sourceNameFor } from '../core/sourceName';
import type { ColumnInfo, SourceInfo } from '../engine/Engine';
import type { BrowserEngineVersions, WorkerEngine } from '../engine/browser/WorkerEngine';
import { quoteIdent } from '../core/sql/quote';
import type { SourceRef } from '../core/notebook/types';
import { parseNotebook } from '../core/notebook/parseNotebook';
import { NotebookSession, type NotebookHost } from './NotebookSession.svelte';
import { NotebookStore, type StoredNotebook } from './store/NotebookStore';
import { checkFile, parseManifest, type FileCheck, type Manifest } from '../core/manifest/manifest';
import { manifestPlan, matchFile } from '../core/manifest/manifestPlan';
import { contractChecksBody } from '../core/manifest/contractChecks';
import { deltaSql, releaseManifest } from '../core/manifest/release';
import { notebookResults } from '../core/notebook/notebookResults';
import { renderSnapshot } from '../core/snapshot/renderSnapshot';
import { APP_VERSION } from '../core/version';
import { fileSlug } from './fileSlug';

/** What a release produced: the new manifest and the data file, ready to save. */
export interface Release {
  manifest: Manifest;
  manifestText: string;
  fileName: string;
  parquet: Uint8Array;
  delta: { added: number; removed: number; changed: number; unchanged: number };
  rows: number;
}

/** A manifest the user opened, with what verifying its files found. */
export interface OpenDataset {
  fileName: string;
  manifest: Manifest;
  checks: FileCheck[];
  /** SQL name of each version. */
  sources: Record<string, string>;
}

/** An example notebook served beside the app. */
export interface ExampleNotebook {
  file: string;
  title: string;
}

const NEW_NOTEBOOK = `---
title: Untitled notebook
---

# Untitled notebook

Open data files on the left, then query them here.

\`\`\`sql first
SELECT 42 AS answer
\`\`\`
`;

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
  /** The open notebook, or null on the start page. */
  session = $state<NotebookSession | null>(null);
  examples = $state<ExampleNotebook[]>([]);
  saved = $state<StoredNotebook[]>([]);
  storageError = $state<string | null>(null);
  datasets = $state<OpenDataset[]>([]);
  store: NotebookStore | null = null;
  #engine: WorkerEngine | null = null;
  #ready: Promise<WorkerEngine | null>;
  #picked = $state.raw<File[]>([]);
  #create: (() => Promise<WorkerEngine>) | null = null;
  /** The file behind each open source, to open it again in a restarted engine. */
  #sourceFiles = new Map<string, { file: File; columns?: string[] }>();
  /** Statements that re-create the datasets' union views after a restart. */
  #datasetViews: string[] = [];
  #resolveReady!: (engine: WorkerEngine | null) => void;

  constructor(initialSql = 'SELECT 42 AS answer') {
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.addCell(initialSql);
  }

  /** Start the DuckDB worker; engine creation is passed in so tests and the app share this class. */
  async start(create: () => Promise<WorkerEngine>): Promise<void> {
    this.#create = create;
    try {
      this.#engine = await create();
      this.#engine.onCrash = (reason) => void this.#recover(reason);
      this.versions = this.#engine.started;
      this.status = 'ready';
    } catch (error) {
      this.status = 'failed';
      this.startError = messageOf(error);
    }
    this.#resolveReady(this.#engine);
  }

  /** How many times the engine was restarted after a crash. */
  restarts = $state(0);

  /**
   * The worker died or DuckDB trapped: start a new one, open every source again from the
   * files the user gave (the list of sources survives), re-create the datasets' views, and
   * mark the notebook's cells stale. The notebook and the review log live in IndexedDB and
   * are untouched.
   */
  async #recover(reason: string): Promise<void> {
    const create = this.#create;
    if (!create) return;
    this.status = 'starting';
    this.#ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.session?.engineLost();
    this.notify('error', `The DuckDB engine stopped (${reason}). Starting a new one and reopening ${this.#sourceFiles.size} ${this.#sourceFiles.size === 1 ? 'source' : 'sources'}; results are marked stale.`);
    let engine: WorkerEngine | null = null;
    try {
      engine = await create();
      engine.onCrash = (r) => void this.#recover(r);
      this.#engine = engine;
      this.versions = engine.started;
    } catch (error) {
      this.status = 'failed';
      this.startError = messageOf(error);
      this.#resolveReady(null);
      return;
    }
    const failed: string[] = [];
    for (const [name, { file, columns }] of this.#sourceFiles) {
      try {
        await engine.openFile(file, file.name, { name, columns });
      } catch (error) {
        failed.push(`${file.name}: ${messageOf(error)}`);
      }
    }
    for (const sql of this.#datasetViews) await engine.query(sql).catch((e) => failed.push(messageOf(e)));
    this.restarts++;
    this.status = 'ready';
    this.#resolveReady(engine);
    this.notify(failed.length ? 'error' : 'info', `Engine restarted; ${this.#sourceFiles.size - failed.length} of ${this.#sourceFiles.size} sources reopened${failed.length ? ` — ${failed.join('; ')}` : ''}. Run the notebook again to refresh its results.`);
  }

  /** Test hook (window.__assay): make the engine fail as a crashed worker does. */
  crashEngineForTest(): Promise<void> | undefined {
    return this.#engine?.crashForTest();
  }

  /** Open files one after another; each failure becomes a notice naming its file. */
  async openFiles(files: readonly File[], names: readonly (string | undefined)[] = [], columns?: string[]): Promise<(SourceInfo | null)[]> {
    const results: (SourceInfo | null)[] = [];
    const queued = files.map((file) => ({ file, id: this.#queueLoad(file) }));
    // Files dropped while DuckDB is still starting wait for it instead of being lost.
    const engine = await this.#ready;
    if (!engine) {
      this.loads = this.loads.filter((l) => !queued.some((q) => q.id === l.id));
      for (const { file } of queued) this.notify('error', `${file.name}: not opened, the engine failed to start (${this.startError})`);
      return files.map(() => null);
    }
    for (const [k, { file, id }] of queued.entries()) {
      try {
        results.push(await this.#openOne(engine, file, id, names[k], columns));
      } catch (error) {
        this.notify(isCancelled(error) ? 'info' : 'error', describeError(error, file.name));
        results.push(null);
      }
    }
    return results;
  }

  /**
   * Open a dataset: a manifest (.json) picked with its data files (or their folder). Every file
   * is opened and its checksum, size and row count compared with the manifest; each version
   * becomes a source named <dataset>_<version>. Problems are reported by file.
   */
  /**
   * A file the user picked (with a dataset or its folder) by a path a record holds, such as
   * an image path: matched on the path within the picked folder, else on the file name.
   * Only files the user chose are ever read.
   */
  pickedFile(path: string): File | null {
    const clean = path.replace(/^\.?\//, '');
    const within = (f: File) => (f.webkitRelativePath || f.name).split('/').slice(1).join('/');
    return this.#picked.find((f) => within(f) === clean || f.webkitRelativePath === clean) ?? this.#picked.find((f) => f.name === clean.split('/').pop()) ?? null;
  }

  async openDataset(files: readonly File[]): Promise<OpenDataset | null> {
    this.#picked = [...files.filter((f) => !this.#picked.includes(f)), ...this.#picked];
    const manifestFile = files.find((f) => f.name.endsWith('.json'));
    if (!manifestFile) {
      this.notify('error', 'No manifest among the picked files: pick the dataset’s .json manifest together with its data files, or their folder.');
      return null;
    }
    return this.#openManifest(manifestFile.name, await manifestFile.text(), async (entry) => matchFile(entry, files) ?? null);
  }

  async #openManifest(fileName: string, text: string, fileFor: (entry: Manifest['versions'][number]['files'][number]) => Promise<File | null>): Promise<OpenDataset | null> {
    const { manifest, problems } = parseManifest(text);
    if (!manifest) {
      this.notify('error', `${fileName}: not a usable manifest — ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
      return null;
    }
    const checks: FileCheck[] = [];
    const sources: Record<string, string> = {};
    for (const plan of manifestPlan(manifest)) {
      sources[plan.version] = plan.source;
      for (const { entry, table } of plan.files) {
        let file: File | null = null;
        try {
          file = await fileFor(entry);
        } catch (error) {
          checks.push(checkFile(plan.version, entry, null, messageOf(error)));
          continue;
        }
        if (!file) {
          checks.push(checkFile(plan.version, entry, null));
          continue;
        }
        const engine = await this.#ready;
        if (!engine) {
          checks.push(checkFile(plan.version, entry, null, 'the engine is not running'));
          continue;
        }
        const id = this.#queueLoad(file);
        try {
          const info = await this.#openOne(engine, file, id, table);
          checks.push(checkFile(plan.version, entry, { sha256: info.sha256, rows: info.rows, bytes: info.bytes }));
        } catch (error) {
          const text = error instanceof AssayError && error.subject ? error.message.slice(error.subject.length + 2) : messageOf(error);
          checks.push(checkFile(plan.version, entry, null, text));
        }
      }
      const union = plan.unionSql();
      if (union) {
        await this.#host.query(union).catch((e) => this.notify('error', `${plan.source}: ${messageOf(e)}`));
        this.#datasetViews = [...this.#datasetViews.filter((v) => v !== union), union];
      }
    }
    const dataset: OpenDataset = { fileName, manifest, checks, sources };
    this.datasets = [...this.datasets.filter((d) => d.manifest.dataset !== manifest.dataset), dataset];
    const bad = checks.filter((c) => c.status !== 'ok');
    if (bad.length) this.notify('error', `${fileName}: ${bad.length} of ${checks.length} files failed verification — ${bad.map((c) => c.message).join('; ')}`);
    return dataset;
  }

  /**
   * Release a curated version of a dataset: the relation (a source or a notebook cell) is
   * written as Parquet, fingerprinted and counted, compared with its parent version by the
   * contract's key, and appended to a new manifest. Nothing is saved here; the caller offers
   * the two files for download.
   */
  async release(dataset: OpenDataset, options: { relation: string; version: string; parent: string }): Promise<Release> {
    const engine = await this.#ready;
    if (!engine) throw new AssayError('engine', 'the engine is not running');
    const parent = dataset.manifest.versions.find((v) => v.version === options.parent);
    if (!parent) throw new AssayError('input', `${dataset.manifest.dataset} has no version ${options.parent}`);
    const key = parent.contract?.key;
    if (!key) throw new AssayError('input', `version ${options.parent} has no contract key to compare records by`);
    if (!/^[A-Za-z0-9_.-]+$/.test(options.version)) throw new AssayError('input', 'a version name holds letters, digits, _ . - only');
    const relation = quoteIdent(options.relation);
    const rows = Number((await engine.query(`SELECT count(*) AS n FROM ${relation}`)).getChild('n')!.get(0));
    const d = (await engine.query(deltaSql(dataset.sources[options.parent]!, options.relation, key))).get(0)!.toJSON() as Release['delta'];
    const delta = { added: Number(d.added), removed: Number(d.removed), changed: Number(d.changed), unchanged: Number(d.unchanged) };
    const parquet = await engine.exportParquet(`SELECT * FROM ${relation}`);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', parquet as Uint8Array<ArrayBuffer>));
    const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    const fileName = `${dataset.manifest.dataset}_${options.version}.parquet`;
    const manifest = releaseManifest(dataset.manifest, {
      version: options.version,
      parent: options.parent,
      files: [{ path: fileName, format: 'parquet', sha256, bytes: parquet.byteLength, rows }],
      delta: { key, ...delta },
      created: new Date().toISOString().slice(0, 10),
    });
    return { manifest, manifestText: JSON.stringify(manifest, null, 2) + '\n', fileName, parquet, delta, rows };
  }

  /**
   * A static HTML snapshot of the open notebook's last run — the same document `assay run
   * --html` writes: aggregates, prose, the notebook text and provenance; no script.
   */
  snapshot(): { fileName: string; html: string } | null {
    const session = this.session;
    if (!session) return null;
    const cells = session.notebook.blocks
      .filter((b): b is Extract<typeof b, { type: 'cell' }> => b.type === 'cell')
      .map((b) => {
        const v = session.cells[b.name.toLowerCase()];
        const status: 'ok' | 'error' = v?.status === 'error' ? 'error' : 'ok';
        return { name: b.name, kind: b.kind, status, elapsedMs: v?.elapsedMs ?? 0, ...(v?.error ? { error: v.error } : {}), ...(v?.output ? { output: v.output } : {}) };
      })
      .filter((c) => c.output || c.error);
    const results = notebookResults(`${session.title}.assay.md`, { name: this.versions?.engine ?? 'wasm-browser', version: this.versions?.duckdb ?? '' }, session.sources, cells);
    const html = renderSnapshot(session.text, results, { app: APP_VERSION, ranAt: session.lastRunAt ?? 'not run', params: session.notebook.frontMatter.params });
    return { fileName: `${fileSlug(session.title)}.snapshot.html`, html };
  }

  /** Add a checks cell enforcing a version's contract to the open notebook. */
  insertContractChecks(dataset: OpenDataset, version: string): void {
    const v = dataset.manifest.versions.find((x) => x.version === version);
    if (!this.session || !v?.contract) return;
    this.session.addBlock(null, { type: 'cell', kind: 'checks', body: contractChecksBody(v.contract, dataset.sources[version]!), name: `contract_${version}` });
  }

  /** Show a file as queued for loading; returns its load id. */
  #queueLoad(file: File): number {
    const id = nextId++;
    this.loads.push({ id, fileName: file.name, stage: 'queued', rowsDone: 0, rowsTotal: null, bytesHashed: 0, bytes: file.size, columns: [] });
    return id;
  }

  /** Open one queued file; throws what went wrong (the caller decides how to report it). */
  async #openOne(engine: WorkerEngine, file: File, id: number, requested?: string, columns?: string[]): Promise<SourceInfo> {
    const existing = this.sources.find((s) => s.fileName === file.name);
    const name = requested ?? existing?.name ?? sourceNameFor(file.name, this.sources.map((s) => s.name));
    const update = (patch: Partial<LoadState>) => {
      const i = this.loads.findIndex((l) => l.id === id);
      if (i >= 0) this.loads[i] = { ...this.loads[i]!, ...patch };
    };
    update({ stage: 'reading' });
    try {
      const info = await engine.openFile(file, file.name, {
        name,
        columns,
        onProgress: (p) => {
          if (p.phase === 'schema') update({ columns: p.columns, rowsTotal: p.rows });
          else if (p.phase === 'rows') update({ rowsDone: p.done, rowsTotal: p.total });
          else update({ bytesHashed: p.done, stage: p.done >= p.total ? 'reading' : 'hashing' });
        },
      });
      this.sources = [...this.sources.filter((s) => s.name !== info.name), info];
      this.#sourceFiles.set(info.name, { file, columns });
      return info;
    } finally {
      this.loads = this.loads.filter((l) => l.id !== id);
    }
  }

  /** Open the notebook store and read the lists the start page shows. */
  async initNotebooks(): Promise<void> {
    try {
      this.store = await NotebookStore.open();
      this.saved = await this.store.list();
    } catch (error) {
      this.storageError = messageOf(error);
    }
    try {
      const res = await fetch('notebooks/index.json');
      if (res.ok) this.examples = (await res.json()) as ExampleNotebook[];
    } catch {
      /* no examples served: nothing to list */
    }
  }

  /** Open an example: the saved copy of it if there is one, else a fresh copy from the server. */
  async openExample(file: string): Promise<void> {
    const url = new URL(`notebooks/${file}`, location.href).href;
    const origin = `example:${file}`;
    const stored = await this.store?.findByOrigin(origin).catch(() => undefined);
    if (stored) return this.#openSession(stored.id, stored.text, url);
    const res = await fetch(url);
    if (!res.ok) return this.notify('error', `${file}: the example could not be loaded (HTTP ${res.status})`);
    const text = await res.text();
    await this.#createAndOpen(text, origin, url);
  }

  async openStored(id: string): Promise<void> {
    const nb = await this.store?.get(id).catch((e) => (this.notify('error', messageOf(e)), undefined));
    if (!nb) return this.notify('error', `That notebook is no longer in this browser's storage.`);
    const base = nb.origin?.startsWith('example:') ? new URL(`notebooks/${nb.origin.slice(8)}`, location.href).href : null;
    this.#openSession(nb.id, nb.text, base);
  }

  newNotebook(): Promise<void> {
    return this.#createAndOpen(NEW_NOTEBOOK, null, null);
  }

  /** Open a `.assay.md` file from disk; problems in it are shown in the notebook, not thrown. */
  async openNotebookFile(file: File): Promise<void> {
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      return this.notify('error', `${file.name}: cannot be read (${messageOf(error)})`);
    }
    await this.#createAndOpen(text, `file:${file.name}`, null);
  }

  async closeNotebook(): Promise<void> {
    await this.session?.flush();
    this.session = null;
    history.replaceState(null, '', location.pathname + location.search);
    if (this.store) this.saved = await this.store.list().catch(() => this.saved);
  }

  /** Reopen the notebook named in the URL (#nb=…) after a reload. */
  async restoreFromUrl(): Promise<void> {
    const id = new URLSearchParams(location.hash.slice(1)).get('nb');
    if (id) await this.openStored(id);
  }

  async #createAndOpen(text: string, origin: string | null, baseUrl: string | null): Promise<void> {
    const title = parseNotebook(text).notebook.frontMatter.title || 'Untitled notebook';
    let id = `unsaved-${nextId++}`;
    if (this.store) {
      try {
        id = (await this.store.create({ title, text, origin })).id;
      } catch (error) {
        this.notify('error', `${messageOf(error)} — changes will not be kept in this browser; use Download.`);
      }
    }
    this.#openSession(id, text, baseUrl);
  }

  #openSession(id: string, text: string, baseUrl: string | null): void {
    const store = id.startsWith('unsaved-') ? null : this.store;
    this.session = new NotebookSession({ id, text, baseUrl, host: this.#host, store });
    history.replaceState(null, '', `${location.pathname}${location.search}#nb=${encodeURIComponent(id)}`);
  }

  /** A notebook source that is a manifest version: the dataset is opened (and verified) once. */
  async #provideManifestSource(ref: SourceRef, baseUrl: string | null): Promise<{ sha256: string; rows: number; pinned_sha256?: string }> {
    const manifestName = ref.manifest!.split('/').pop()!;
    let dataset = this.datasets.find((d) => d.fileName === manifestName);
    if (!dataset && baseUrl) {
      const url = new URL(ref.manifest!, baseUrl);
      const res = await fetch(url);
      if (!res.ok) throw new AssayError('input', `cannot be fetched (HTTP ${res.status})`, { subject: ref.manifest });
      dataset =
        (await this.#openManifest(manifestName, await res.text(), async (entry) => {
          const r = await fetch(new URL(entry.path, url));
          if (!r.ok) throw new Error(`HTTP ${r.status}`);
          return new File([await r.blob()], entry.path.split('/').pop()!);
        })) ?? undefined;
    }
    if (!dataset) throw new AssayError('input', `open the dataset ${manifestName} (Open dataset…) to run this notebook`, { subject: ref.name });
    const version = ref.version ?? dataset.manifest.versions.at(-1)!.version;
    const table = dataset.sources[version];
    if (!table) throw new AssayError('input', `${manifestName} has no version ${version}`, { subject: ref.name });
    if (table.toLowerCase() !== ref.name.toLowerCase()) await this.#host.query(`CREATE OR REPLACE VIEW ${quoteIdent(ref.name)} AS SELECT * FROM ${quoteIdent(table)}`);
    const checks = dataset.checks.filter((c) => c.version === version);
    const first = checks[0];
    if (!first?.actual) throw new AssayError('input', first?.message ?? `version ${version} has no files`, { subject: ref.name });
    const rows = checks.reduce((s, c) => s + (c.actual?.rows ?? 0), 0);
    return { sha256: first.actual.sha256, rows, pinned_sha256: first.expected.sha256 };
  }

  #host: NotebookHost = {
    query: async (sql) => {
      const engine = await this.#ready;
      if (!engine) throw new AssayError('engine', `the engine is not running (${this.startError})`);
      return engine.query(sql);
    },
    provideSource: (ref, baseUrl) => this.#provideSource(ref, baseUrl),
    readBesideNotebook: async (path, baseUrl) => {
      if (!baseUrl) return null;
      const res = await fetch(new URL(path, baseUrl));
      if (!res.ok) throw new AssayError('input', `cannot be fetched beside the notebook (HTTP ${res.status})`, { subject: path });
      return res.text();
    },
    exportQuery: (sql, format) => this.exportQuery(sql, format),
    cancel: async () => this.#engine?.cancel(),
    pickedFile: (path) => this.pickedFile(path),
  };

  /**
   * A relation (a sample, a re-annotation request) as an export file's bytes: CSV and JSON
   * Lines written here from the rows, Parquet by the engine.
   */
  async exportQuery(sql: string, format: ExportFormat): Promise<Uint8Array> {
    const engine = await this.#ready;
    if (!engine) throw new AssayError('engine', `the engine is not running (${this.startError})`);
    if (format === 'parquet') return engine.exportParquet(sql);
    const table = await engine.query(sql);
    return new TextEncoder().encode(format === 'csv' ? tableToCsv(table) : tableToJsonLines(table));
  }

  /**
   * Make a notebook's source queryable under its name: an open source of that name, else an
   * open file of the same file name (as a view), else the file fetched relative to the notebook.
   */
  async #provideSource(ref: SourceRef, baseUrl: string | null): Promise<{ sha256: string; rows: number; pinned_sha256?: string }> {
    if (ref.manifest) return this.#provideManifestSource(ref, baseUrl);
    const byName = this.sources.find((s) => s.name.toLowerCase() === ref.name.toLowerCase());
    if (byName) return byName;
    const fileName = (ref.path ?? '').split('/').pop() ?? '';
    const byFile = this.sources.find((s) => s.fileName === fileName);
    if (byFile) {
      await this.#host.query(`CREATE OR REPLACE VIEW ${quoteIdent(ref.name)} AS SELECT * FROM ${quoteIdent(byFile.name)}`);
      return byFile;
    }
    if (baseUrl && ref.path) {
      const res = await fetch(new URL(ref.path, baseUrl));
      if (!res.ok) throw new AssayError('input', `cannot be fetched (HTTP ${res.status})`, { subject: ref.path });
      const [info] = await this.openFiles([new File([await res.blob()], fileName)], [ref.name], ref.columns);
      if (info) return info;
      throw new AssayError('input', 'could not be opened (see the message above)', { subject: ref.path });
    }
    throw new AssayError('input', `open ${fileName || ref.name} (drop it on the page) to run this notebook`, { subject: ref.name });
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
