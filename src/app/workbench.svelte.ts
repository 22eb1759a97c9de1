import { tableToCsv, tableToJsonLines, type ExportFormat } from '../core/exportTable';
import { AssayError, isCancelled, messageOf } from '../core/errors';
import { sourceNameFor } from '../core/sourceName';
import type { SourceInfo } from '../engine/Engine';
import type { WorkerEngine } from '../engine/browser/WorkerEngine';
import type { SourceRef } from '../core/notebook/types';
import { parseNotebook } from '../core/notebook/parseNotebook';
import { SCRATCH_NAMESPACE, aliasSql, notebookNamespace } from '../core/sql/namespace';
import { contractChecksBody } from '../core/manifest/contractChecks';
import { notebookResults } from '../core/notebook/notebookResults';
import { renderSnapshot } from '../core/snapshot/renderSnapshot';
import { versionsInParentOrder } from '../core/history/runRecord';
import { APP_VERSION } from '../core/version';
import { NotebookSession, type NotebookHost, type ProvidedSource } from './NotebookSession.svelte';
import { NotebookStore, type StoredNotebook } from './store/NotebookStore';
import { EngineHost } from './EngineHost.svelte';
import { SourceRegistry, type FileSource } from './SourceRegistry.svelte';
import { Datasets, type OpenDataset, type Release } from './Datasets.svelte';
import { ScratchPad, type SqlCellState } from './ScratchPad.svelte';
import { classifyFile } from './classifyFile';
import { fileSlug } from './fileSlug';
import { ImagePool } from './ImagePool';
import { tableToJsonRows } from '../core/arrowJson';

export type { OpenDataset, Release, SqlCellState };
export type { LoadState } from './SourceRegistry.svelte';

/** An example notebook served beside the app. */
export interface ExampleNotebook {
  file: string;
  title: string;
}

/** A message for the user that names the file or cell it is about. */
export interface Notice {
  id: number;
  level: 'error' | 'info';
  text: string;
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

let nextId = 1;

/**
 * The page: it composes the engine host, the registry of loaded files, the datasets, the
 * start page's scratch SQL and one session per open notebook (each in its own namespace),
 * and routes the UI's intents to them. Components read these fields and call these methods;
 * they never talk to the engine themselves.
 */
export class Workbench {
  notices = $state<Notice[]>([]);
  /** The notebook on screen, or null on the start page. */
  session = $state<NotebookSession | null>(null);
  examples = $state<ExampleNotebook[]>([]);
  saved = $state<StoredNotebook[]>([]);
  storageError = $state<string | null>(null);
  /**
   * Readout mode: the open notebook as a document for stakeholders — prose, outputs and
   * provenance, no run, edit, source or dataset controls (the page's panels follow it).
   */
  readout = $state(new URLSearchParams(globalThis.location?.hash.slice(1) ?? '').has('readout'));
  store: NotebookStore | null = null;
  readonly host: EngineHost;
  readonly registry: SourceRegistry;
  readonly datasetsOpen: Datasets;
  readonly scratch: ScratchPad;
  /** Every notebook opened since the page loaded, by id: switching back keeps its results. */
  #sessions = new Map<string, NotebookSession>();
  /** The files opened on the start page, by the name scratch SQL (and a new notebook) uses. */
  #scratchSources = $state.raw<{ name: string; source: FileSource }[]>([]);

  constructor(initialSql = 'SELECT 42 AS answer') {
    this.host = new EngineHost({
      lost: (reason) => this.#engineLost(reason),
      restore: (engine) => this.#restore(engine),
      notify: (level, text) => this.notify(level, text),
    });
    this.registry = new SourceRegistry(this.host);
    this.datasetsOpen = new Datasets(this.host, this.registry, (level, text) => this.notify(level, text));
    this.scratch = new ScratchPad(this.host, initialSql);
  }

  // The engine's state, for the toolbar and the panels.
  get status() {
    return this.host.status;
  }
  get versions() {
    return this.host.versions;
  }
  get startError() {
    return this.host.startError;
  }
  get restarts() {
    return this.host.restarts;
  }
  get loads() {
    return this.registry.loads;
  }
  get datasets() {
    return this.datasetsOpen.list;
  }

  /**
   * What the Sources panel lists: the open notebook's sources as its namespace names them,
   * or, on the start page, the files opened there.
   */
  get sources(): SourceInfo[] {
    const session = this.session;
    if (!session) {
      const files = this.#scratchSources.map(({ name, source }) => ({ ...source.info, name }));
      // The opened datasets' versions, as the start page's SQL names them.
      for (const d of this.datasetsOpen.list) {
        for (const [version, table] of Object.entries(d.tables)) {
          const file = this.registry.files.find((f) => f.table === table);
          const name = d.sources[version]!;
          if (file && !files.some((f) => f.name === name)) files.push({ ...file.info, name });
        }
      }
      return files;
    }
    const out: SourceInfo[] = [];
    for (const s of session.sources) {
      const file = s.sha256 ? this.registry.files.find((f) => f.info.sha256 === s.sha256) : undefined;
      if (file) out.push({ ...file.info, name: s.name });
    }
    return out;
  }

  /** Start the DuckDB worker. */
  start(create: () => Promise<WorkerEngine>): Promise<void> {
    return this.host.start(create);
  }

  /** The workers that measure images cells' files (made at the first images cell). */
  #imagePool: ImagePool | null = null;

  /** Test hook (window.__assay): a query's rows as JSON, in the open notebook's namespace. */
  async rowsForTest(sql: string): Promise<Record<string, unknown>[]> {
    return tableToJsonRows(await this.host.query(sql, this.session ? notebookNamespace(this.session.id) : SCRATCH_NAMESPACE));
  }

  /** Test hook (window.__assay): a statement straight to the engine, past every cell's checks. */
  async queryForTest(sql: string): Promise<number> {
    return (await this.host.query(sql, this.session ? notebookNamespace(this.session.id) : SCRATCH_NAMESPACE)).numRows;
  }

  /** Test hook (window.__assay): make the engine fail as a crashed worker does. */
  crashEngineForTest(): Promise<void> | undefined {
    return this.host.crashForTest();
  }

  /** How many files were read into the engine (each once, however many notebooks use it). */
  get ingests(): number {
    return this.registry.ingests;
  }

  #engineLost(reason: string): void {
    const n = this.registry.files.length;
    for (const s of this.#sessions.values()) s.engineLost();
    this.notify('error', `The DuckDB engine stopped (${reason}). Starting a new one and reopening ${n} ${n === 1 ? 'source' : 'sources'}; results are marked stale.`);
  }

  /** A new engine: every file again (once), the datasets' views, the start page's names. */
  async #restore(engine: WorkerEngine): Promise<{ level: 'error' | 'info'; text: string }> {
    const failed = await this.registry.reopenAll(engine);
    const n = this.registry.files.length;
    const views = await this.datasetsOpen.restoreViews();
    for (const { name, source } of this.#scratchSources) await engine.query(aliasSql(name, source.table), SCRATCH_NAMESPACE).catch((e) => views.push(messageOf(e)));
    const problems = [...failed, ...views];
    return {
      level: problems.length ? 'error' : 'info',
      text: `Engine restarted; ${n - failed.length} of ${n} sources reopened${problems.length ? ` — ${problems.join('; ')}` : ''}. Run the notebook again to refresh its results.`,
    };
  }

  /**
   * Open what the user picked or dropped: data files become sources (of the open notebook,
   * which gains them in its front matter, or of the start page), a notebook opens, a
   * manifest opens its dataset with the other files; anything else is refused by name.
   */
  async openFiles(files: readonly File[], names: readonly (string | undefined)[] = [], columns?: string[]): Promise<(SourceInfo | null)[]> {
    const kinds = await Promise.all(files.map((f) => classifyFile(f)));
    const manifests = files.filter((_, i) => kinds[i] === 'manifest');
    if (manifests.length) await this.openDataset(files.filter((_, i) => kinds[i] !== 'notebook' && kinds[i] !== 'unsupported'));
    const results: (SourceInfo | null)[] = [];
    for (const [i, file] of files.entries()) {
      const kind = kinds[i]!;
      if (kind === 'notebook') {
        await this.openNotebookFile(file);
        results.push(null);
      } else if (kind === 'unsupported') {
        this.notify('error', `${file.name}: not opened — Assay reads Parquet (.parquet), CSV (.csv, .tsv), JSON Lines (.jsonl, .ndjson), Arrow IPC (.arrow, .feather), notebooks (.assay.md) and dataset manifests (.json); image files open with their dataset's folder.`);
        results.push(null);
      } else if (kind === 'manifest' || manifests.length) {
        results.push(null); // opened with its dataset above
      } else {
        results.push(await this.#openDataFile(file, names[i], columns));
      }
    }
    return results;
  }

  /** One data file: loaded once; then a source of the open notebook or of the start page. */
  async #openDataFile(file: File, name?: string, columns?: string[], key?: string): Promise<SourceInfo | null> {
    let loaded: FileSource;
    try {
      loaded = await this.registry.open(file, { columns, ...(key ? { key } : {}) });
    } catch (error) {
      this.notify(isCancelled(error) ? 'info' : 'error', describeError(error, file.name));
      return null;
    }
    const session = this.session;
    if (session) {
      const ref = session.sourceForFile(file.name, loaded.info.sha256) ?? session.addSource({ name: name ?? sourceNameFor(file.name, session.names()), path: file.name, sha256: loaded.info.sha256 });
      await session.sourcesChanged();
      return { ...loaded.info, name: ref.name };
    }
    const taken = this.#scratchSources.filter((s) => s.source !== loaded).map((s) => s.name);
    const existing = this.#scratchSources.find((s) => s.source === loaded);
    const scratchName = existing?.name ?? name ?? sourceNameFor(file.name, taken);
    await this.host.query(aliasSql(scratchName, loaded.table), SCRATCH_NAMESPACE);
    if (!existing) this.#scratchSources = [...this.#scratchSources.filter((s) => s.name !== scratchName), { name: scratchName, source: loaded }];
    return { ...loaded.info, name: scratchName };
  }

  /** A file the user picked with a dataset or its folder, by the path a record holds. */
  pickedFile(path: string): File | null {
    return this.datasetsOpen.pickedFile(path);
  }

  /** Open a dataset (a manifest with its files); its versions become sources where the user is. */
  async openDataset(files: readonly File[]): Promise<OpenDataset | null> {
    const dataset = await this.datasetsOpen.open(files);
    if (dataset) await this.datasetsOpen.aliasAll(this.session ? notebookNamespace(this.session.id) : SCRATCH_NAMESPACE).catch((e) => this.notify('error', messageOf(e)));
    return dataset;
  }

  /** Release a curated version; the relation is a name of the open notebook (or the start page). */
  release(dataset: OpenDataset, options: { relation: string; version: string; parent: string }): Promise<Release> {
    return this.datasetsOpen.release(dataset, { ...options, namespace: this.session ? notebookNamespace(this.session.id) : SCRATCH_NAMESPACE });
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
    const html = renderSnapshot(session.text, results, { app: APP_VERSION, ranAt: session.ranAt ?? 'not run', params: session.notebook.frontMatter.params });
    return { fileName: `${fileSlug(session.title)}.snapshot.html`, html };
  }

  /** Add a checks cell enforcing a version's contract to the open notebook (and the version as its source). */
  insertContractChecks(dataset: OpenDataset, version: string): void {
    const v = dataset.manifest.versions.find((x) => x.version === version);
    const session = this.session;
    if (!session || !v?.contract) return;
    const name = dataset.sources[version]!;
    if (!session.names().some((n) => n.toLowerCase() === name.toLowerCase())) session.addSource({ name, manifest: dataset.fileName, version });
    session.addBlock(null, { type: 'cell', kind: 'checks', body: contractChecksBody(v.contract, name), name: `contract_${version}` });
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
    // Examples open as what they are for: a readout with its results.
    this.readout = true;
    const stored = await this.store?.findByOrigin(origin).catch(() => undefined);
    if (stored) return this.#openSession(stored.id, stored.text, url);
    const res = await fetch(url);
    if (!res.ok) return this.notify('error', `${file}: the example could not be loaded (HTTP ${res.status})`);
    const text = await res.text();
    await this.#createAndOpen(text, origin, url);
  }

  /** Switch between readout and edit mode (Alt+R); the URL keeps it for a reload. */
  setReadout(on: boolean): void {
    this.readout = on;
    if (this.session) this.#writeUrl(this.session.id);
    if (on && this.session) void this.#showResults(this.session);
  }

  async openStored(id: string): Promise<void> {
    const nb = await this.store?.get(id).catch((e) => (this.notify('error', messageOf(e)), undefined));
    if (!nb) return this.notify('error', `That notebook is no longer in this browser's storage.`);
    const base = nb.origin?.startsWith('example:') ? new URL(`notebooks/${nb.origin.slice(8)}`, location.href).href : null;
    this.#openSession(nb.id, nb.text, base);
  }

  /** A new notebook; the files opened on the start page become its sources. */
  newNotebook(): Promise<void> {
    let text = NEW_NOTEBOOK;
    if (this.#scratchSources.length) {
      const lines = this.#scratchSources.map(({ name, source }) => `  ${name}:\n    path: ${JSON.stringify(source.file.name)}\n    sha256: ${source.info.sha256}`);
      text = NEW_NOTEBOOK.replace('title: Untitled notebook\n', `title: Untitled notebook\nsources:\n${lines.join('\n')}\n`);
    }
    return this.#createAndOpen(text, null, null);
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

  /** Back to the start page. The session stays open in the background with its results. */
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

  /**
   * Open the files a notebook is waiting for: each matched to a missing source by file name,
   * its SHA-256 compared with the pin; what matches nothing is said.
   */
  async provideMissing(files: readonly File[]): Promise<void> {
    const session = this.session;
    if (!session) return;
    const missing = session.missingSources;
    for (const file of files) {
      const ref = missing.find((r) => (r.path ?? '').split('/').pop() === file.name);
      if (!ref) {
        this.notify('error', `${file.name}: this notebook does not name that file (it needs ${missing.map((r) => (r.path ?? r.name).split('/').pop()).join(', ') || 'nothing more'})`);
        continue;
      }
      try {
        const loaded = await this.registry.open(file, { columns: ref.columns });
        if (ref.sha256 && ref.sha256 !== loaded.info.sha256) this.notify('error', `${file.name}: not the pinned file — expected sha256 ${ref.sha256.slice(0, 12)}…, found ${loaded.info.sha256.slice(0, 12)}… (opened anyway; the notebook shows the mismatch)`);
      } catch (error) {
        this.notify('error', describeError(error, file.name));
      }
    }
    session.sourcesChanged();
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
    let session = this.#sessions.get(id);
    if (!session) {
      const store = id.startsWith('unsaved-') ? null : this.store;
      session = new NotebookSession({ id, text, baseUrl, host: this.#hostFor(notebookNamespace(id)), store });
      this.#sessions.set(id, session);
    } else session.setText(text);
    this.session = session;
    this.#writeUrl(id);
    void this.#showResults(session);
  }

  #writeUrl(id: string): void {
    history.replaceState(null, '', `${location.pathname}${location.search}#nb=${encodeURIComponent(id)}${this.readout ? '&readout' : ''}`);
  }

  /** Resolves once the open notebook shows its results (kept or run on open); for tests and the CLI-like flows. */
  resultsShown: Promise<void> = Promise.resolve();

  /**
   * On open: look the sources up, show the kept run's results if there is one, and in
   * readout mode run the notebook when nothing is kept and every source is at hand.
   */
  #showResults(session: NotebookSession): Promise<void> {
    this.resultsShown = (async () => {
      // The kept results first (they show at once), then the sources, which say whether they still apply.
      if (!session.hasResults && this.store && !session.id.startsWith('unsaved-')) {
        const kept = await this.store.lastRun(session.id).catch(() => undefined);
        if (kept) await session.restoreRun(kept);
      }
      await session.checkSources();
      if (this.readout && this.session === session && !session.hasResults && !session.running && session.missingSources.length === 0) {
        if (!(await this.host.whenReady())) return;
        await session.runAll();
      }
    })().catch((error) => this.notify('error', `${session.title}: ${messageOf(error)}`));
    return this.resultsShown;
  }

  /** What a session may do with the page, every statement in its own namespace. */
  #hostFor(namespace: string): NotebookHost {
    return {
      query: (sql) => this.host.query(sql, namespace),
      provideSource: (ref, baseUrl) => this.#provideSource(ref, baseUrl, namespace),
      readBesideNotebook: async (path, baseUrl) => {
        if (!baseUrl) return null;
        const res = await fetch(new URL(path, baseUrl));
        if (!res.ok) throw new AssayError('input', `cannot be fetched beside the notebook (HTTP ${res.status})`, { subject: path });
        return res.text();
      },
      exportQuery: (sql, format) => this.exportQuery(sql, format, namespace),
      cancel: () => this.host.cancel(),
      pickedFile: (path) => this.pickedFile(path),
      openFolder: async (files) => void (await this.openDataset(files)),
      measureImages: (folder, measures, onProgress, signal) => {
        const files = this.datasetsOpen.filesUnder(folder);
        if (!files) throw new AssayError('input', 'no opened file is under this folder: open it with the dataset (Dataset folder…) to read its images', { subject: folder });
        this.#imagePool ??= new ImagePool();
        return this.#imagePool.measure(files, measures, onProgress, signal);
      },
      folderFile: (folder, path) => (this.datasetsOpen.filesUnder(folder)?.find((f) => f.path === path)?.file as File | undefined) ?? null,
      manifestInfo: (ref) => {
        const dataset = ref.manifest ? this.datasetsOpen.byFileName(ref.manifest.split('/').pop()!) : undefined;
        if (!dataset) return null;
        const versions = dataset.manifest.versions.map((v) => v.version);
        const version = ref.version ?? versions.at(-1);
        return {
          versions: versions.filter((v) => dataset.tables[v]),
          inParentOrder: versionsInParentOrder(dataset.manifest).filter((v) => dataset.tables[v]),
          contract: dataset.manifest.versions.find((v) => v.version === version)?.contract ?? null,
        };
      },
      engineLabel: () => (this.versions ? `${this.versions.engine}, DuckDB ${this.versions.duckdb}` : null),
      engineInfo: () => (this.versions ? { name: this.versions.engine, version: this.versions.duckdb } : null),
      manifestVersion: (ref) => {
        const dataset = ref.manifest ? this.datasetsOpen.byFileName(ref.manifest.split('/').pop()!) : undefined;
        if (!dataset) return null;
        const version = ref.version ?? dataset.manifest.versions.at(-1)!.version;
        return { path: ref.manifest!, dataset: dataset.manifest.dataset, version, order: versionsInParentOrder(dataset.manifest).indexOf(version) };
      },
    };
  }

  /**
   * A relation (a sample, a re-annotation request) as an export file's bytes: CSV and JSON
   * Lines written here from the rows, Parquet by the engine.
   */
  async exportQuery(sql: string, format: ExportFormat, namespace: string = SCRATCH_NAMESPACE): Promise<Uint8Array> {
    if (format === 'parquet') return this.host.exportParquet(sql, namespace);
    const table = await this.host.query(sql, namespace);
    return new TextEncoder().encode(format === 'csv' ? tableToCsv(table) : tableToJsonLines(table));
  }

  /**
   * Make a notebook's source queryable in its namespace: a loaded file of the same file name
   * (aliased), else the file fetched relative to the notebook (examples), else it is missing.
   * A manifest version comes from its dataset, opened (and verified) once.
   */
  async #provideSource(ref: SourceRef, baseUrl: string | null, namespace: string): Promise<ProvidedSource> {
    if (ref.manifest) return this.#provideManifestSource(ref, baseUrl, namespace);
    const fileName = (ref.path ?? '').split('/').pop() ?? '';
    let loaded = fileName ? this.#loadedFor(fileName, ref) : undefined;
    if (!loaded && baseUrl && ref.path) {
      const url = new URL(ref.path, baseUrl).href;
      loaded = this.registry.byKey(`url:${url}`, ref.columns);
      if (!loaded) {
        const res = await fetch(url);
        if (!res.ok) throw new AssayError('input', `cannot be fetched (HTTP ${res.status})`, { subject: ref.path });
        loaded = await this.registry.open(new File([await res.blob()], fileName), { key: `url:${url}`, columns: ref.columns });
      }
    }
    if (!loaded) throw new AssayError('input', `waiting for ${fileName || ref.name}: open it to run the cells that read ${ref.name}`, { subject: ref.name });
    await this.host.query(aliasSql(ref.name, loaded.table), namespace);
    return { ...loaded.info, fileTable: loaded.table };
  }

  /** The loaded file a source means: by file name, preferring the one whose bytes match the pin. */
  #loadedFor(fileName: string, ref: SourceRef): FileSource | undefined {
    const candidates = this.registry.files.filter((f) => f.file.name === fileName && (f.columns ?? []).join(',') === (ref.columns ?? []).join(','));
    return candidates.find((f) => ref.sha256 && f.info.sha256 === ref.sha256) ?? candidates.at(-1);
  }

  async #provideManifestSource(ref: SourceRef, baseUrl: string | null, namespace: string): Promise<ProvidedSource> {
    const manifestName = ref.manifest!.split('/').pop()!;
    let dataset = this.datasetsOpen.byFileName(manifestName);
    if (!dataset && baseUrl) {
      const url = new URL(ref.manifest!, baseUrl);
      const res = await fetch(url);
      if (!res.ok) throw new AssayError('input', `cannot be fetched (HTTP ${res.status})`, { subject: ref.manifest });
      dataset =
        (await this.datasetsOpen.openManifest(
          manifestName,
          await res.text(),
          async (entry) => {
            // Loaded already (another notebook read the same file): no second download.
            const known = this.registry.byKey(`url:${new URL(entry.path, url).href}`);
            if (known) return known.file;
            const r = await fetch(new URL(entry.path, url));
            if (!r.ok) throw new Error(`HTTP ${r.status}`);
            return new File([await r.blob()], entry.path.split('/').pop()!);
          },
          (entry) => `url:${new URL(entry.path, url).href}`,
        )) ?? undefined;
    }
    if (!dataset) throw new AssayError('input', `waiting for the dataset ${manifestName}: open it (Open dataset…) to run this notebook`, { subject: ref.name });
    const version = ref.version ?? dataset.manifest.versions.at(-1)!.version;
    const table = dataset.tables[version];
    if (!table) throw new AssayError('input', `${manifestName} has no loaded version ${version}`, { subject: ref.name });
    await this.host.query(aliasSql(ref.name, table), namespace);
    const checks = dataset.checks.filter((c) => c.version === version);
    const first = checks[0];
    if (!first?.actual) throw new AssayError('input', first?.message ?? `version ${version} has no files`, { subject: ref.name });
    const rows = checks.reduce((s, c) => s + (c.actual?.rows ?? 0), 0);
    return { sha256: first.actual.sha256, rows, pinned_sha256: first.expected.sha256, fileTable: table };
  }

  /** Fetch the bundled sample files from our own origin and open them (once). */
  async openSamples(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const url = new URL(`sample-data/${encodeURIComponent(name)}`, location.href).href;
      try {
        const known = this.registry.byKey(`url:${url}`);
        const file = known?.file ?? (await fetchFile(url, name));
        await this.#openDataFile(file, undefined, undefined, `url:${url}`);
      } catch (error) {
        this.notify('error', `${name}: the sample file could not be loaded (${messageOf(error)})`);
      }
    }
  }

  async cancelLoads(): Promise<void> {
    await this.host.cancel();
  }

  // The start page's scratch SQL.
  get cells(): SqlCellState[] {
    return this.scratch.cells;
  }
  addCell(sql = ''): void {
    this.scratch.add(sql);
  }
  removeCell(id: number): void {
    this.scratch.remove(id);
  }
  setSql(id: number, sql: string): void {
    this.scratch.setSql(id, sql);
  }
  runCell(id: number): Promise<void> {
    return this.scratch.run(id);
  }
  cancelCell(): Promise<void> {
    return this.scratch.cancel();
  }

  notify(level: Notice['level'], text: string): void {
    this.notices.push({ id: nextId++, level, text });
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }
}

async function fetchFile(url: string, name: string): Promise<File> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return new File([await res.blob()], name);
}

function describeError(error: unknown, fileName: string): string {
  if (error instanceof AssayError && error.subject) return error.message;
  const text = messageOf(error);
  return text.includes(fileName) ? text : `${fileName}: ${text}`;
}
