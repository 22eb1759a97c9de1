import type { Table } from 'apache-arrow';
import { cellKind } from '../core/cells/registry';
import type { CellOutput, ImageRequest } from '../core/cells/CellKind';
import type { ImageMeasure, ImageMeasureName } from '../core/images/measure';
import { messageOf } from '../core/errors';
import { parseNotebook } from '../core/notebook/parseNotebook';
import { serializeNotebook, withFrontMatter } from '../core/notebook/serializeNotebook';
import { analyzeNotebook, downstreamOf, type Analysis } from '../core/notebook/analyzeNotebook';
import { runCells } from '../core/notebook/runCells';
import { describeMismatch, sourceStatus, type SourceStatus } from '../core/notebook/sourceStatus';
import type { Block, CellBlock, Diagnostic, Notebook, SourceRef } from '../core/notebook/types';
import type { NotebookStore } from './store/NotebookStore';
import { confusionRowsSql } from '../core/stats/confusion';
import { quoteIdent } from '../core/sql/quote';
import { FILES_NAMESPACE, dropAliasSql } from '../core/sql/namespace';
import type { BrowseColumn } from '../core/sql/tableQuery';
import { TableBrowser } from './TableBrowser.svelte';
import { describeColumns, type DescribedColumn } from '../core/sql/describe';
import { fillTemplate } from '../core/cells/fillTemplate';
import { FUNCTION_NAMES_SQL, KEYWORDS_SQL } from '../core/sql/catalog';
import { sourceNameFor } from '../core/sourceName';
import type { ConfusionSpec } from '../core/cells/confusionCell';
import { labelIssuesCellRowsSql, type LabelIssuesSpec } from '../core/cells/labelIssuesCell';
import { AssayError } from '../core/errors';
import { foldReviewLog, lastUndoable } from '../core/review/foldReviewLog';
import { mergeReviewEvents, parseReviewLog, serializeReviewLog } from '../core/review/reviewLogFile';
import type { Decision, ReviewAction, ReviewEvent } from '../core/review/ReviewEvent';
import { reannotationSql, REVIEW_COLUMNS, type ReviewSpec } from '../core/cells/reviewCell';
import { tableToJsonRows, type JsonScalar } from '../core/arrowJson';
import { labelOpinions, type LabelOpinions } from '../core/review/labelOpinions';
import type { ExportFormat } from '../core/exportTable';
import type { Contract } from '../core/manifest/manifest';
import type { ProfileSpec } from '../core/cells/profileCell';
import { DEFAULT_SUGGEST_OPTIONS, suggestChecks, suggestionsBody, type ProfileResult, type SuggestedRule, type SuggestOptions } from '../core/suggest/suggestChecks';
import { backtest, contractConflicts, sameShape, type BacktestResult, type BacktestVersion } from '../core/suggest/backtest';
import { captureRun, restoredViews, runFreshness, type RunFreshness } from './keptRun';
import type { StoredRun } from './store/NotebookStore';
import { markChanged, parseHistory, runRecord, serializeHistory, textSha256, type RunManifest, type RunRecord } from '../core/history/runRecord';
import { notebookResults } from '../core/notebook/notebookResults';

/** Rows shown under a cell on request: a confusion cell's pair, a failing rule's view. */
export interface DrillDown {
  title: string;
  reference?: string;
  compared?: string;
  group?: string | null;
  sql: string;
  rows: number | null;
  table: Table | null;
  error: string | null;
}

/** Checks suggested from a profile cell, backtested before they are adopted. */
export interface Suggestions {
  status: 'running' | 'ready' | 'error';
  error: string | null;
  /** The source the profile read, and its key. */
  source: string;
  key?: string;
  options: SuggestOptions;
  rules: SuggestedRule[];
  backtest: BacktestResult | null;
  /** Rules that contradict the source's schema contract, by name, with what they contradict. */
  conflicts: Record<string, string>;
}

/** Rows a drill-down shows; the count is always exact. */
export const DRILL_LIMIT = 10_000;

/** `waiting`: the cell reads a source that is not open yet; it runs once the source is there. */
export type CellStatus = 'idle' | 'stale' | 'running' | 'ok' | 'error' | 'waiting';

/** What a cell shows. */
export interface CellView {
  status: CellStatus;
  output: CellOutput | null;
  error: string | null;
  /** Where in the cell's body the error is (1-based line and column), when known. */
  errorAt?: { line: number; column: number };
  elapsedMs: number | null;
}

/** A removed block kept for undo: where it was and its text. */
export interface RemovedBlock {
  block: Block;
  /** Index among the notebook's blocks before removal. */
  index: number;
  /** The cell's name (or null for prose), for the notice. */
  name: string | null;
}

/** A source made queryable: its fingerprint and row count (and the manifest's pin, for a version). */
export interface ProvidedSource {
  sha256: string;
  rows: number;
  pinned_sha256?: string;
  /** The table in FILES_NAMESPACE that the source's view reads unchanged, when there is one. */
  fileTable?: string;
}

/**
 * What a notebook needs from the page: SQL (in the notebook's own namespace), and sources
 * found or opened by name.
 */
export interface NotebookHost {
  query(sql: string): Promise<Table>;
  /** Make `ref` queryable under its name in the notebook's namespace; throws when it is not at hand. */
  provideSource(ref: SourceRef, baseUrl: string | null): Promise<ProvidedSource>;
  /** The text of a file beside the notebook (a review log), or null where there is no such place. */
  readBesideNotebook?(path: string, baseUrl: string | null): Promise<string | null>;
  /** A relation as export file bytes. */
  exportQuery?(sql: string, format: ExportFormat): Promise<Uint8Array>;
  /** Interrupt the query that is running. */
  cancel?(): Promise<void>;
  /** A file the user picked, by a path a record holds (an image beside the data). */
  pickedFile?(path: string): File | null;
  /** Take files the user picked (a folder of images, or a dataset with its folder). */
  openFolder?(files: readonly File[]): Promise<void>;
  /**
   * Measure every file under an images cell's folder (see CellContext.measureImages): the
   * page finds them among the files opened with the dataset and spreads them over a pool of
   * workers; progress as files finish; the signal cancels.
   */
  measureImages?(folder: string, measures: readonly ImageMeasureName[], onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<ImageMeasure[]>;
  /** A file under an image folder opened with the dataset, by its path within the folder (thumbnails). */
  folderFile?(folder: string, path: string): File | null;
  /** A manifest source's dataset, when it is open: every version, and the schema contract of the one named. */
  manifestInfo?(ref: SourceRef): { versions: string[]; inParentOrder: string[]; contract: Contract | null } | null;
  /** The engine as the provenance names it (kept with a run). */
  engineLabel?(): string | null;
  /** The engine and DuckDB version as the results name them (`wasm-browser`, `v1.4.3`), for the run history. */
  engineInfo?(): { name: string; version: string } | null;
  /** The dataset version a manifest source reads, with its place in parent order (once the source was provided). */
  manifestVersion?(ref: SourceRef): RunManifest | null;
}

/** Results shown from a kept run rather than this page's own: when it ran and what it read. */
export interface RestoredRun {
  ranAt: string;
  engine: string | null;
  sources: StoredRun['sources'];
  /** False when the notebook's text changed since that run (changed cells are stale). */
  textMatches: boolean;
}

/** One record of a review queue. */
export interface QueueRecord {
  key: string;
  label: string | null;
  image: string | null;
  /** The other opinions of the label (the review's `compare` columns), and whether all differ. */
  opinions: LabelOpinions;
  /** The record's other columns: not the key, the label or the opinions, which the card shows apart. */
  fields: Record<string, JsonScalar>;
}

/** One decision as the review queue dispatches it. */
export interface ReviewInput {
  key: string;
  action: ReviewAction;
  reviewer: string;
  oldLabel?: string | null;
  label?: string | null;
  note?: string | null;
}

/** How long typing may pause before the text is written to IndexedDB. */
export const AUTOSAVE_DELAY_MS = 300;
/** How long typing must pause before edited cells and what reads them re-run. */
export const AUTORUN_DELAY_MS = 800;

/**
 * One open notebook: its text (the source of truth), what parsing and analysis say about
 * it, the state of each cell, and autosave. Components render these fields and call these
 * methods; nothing here touches the DOM.
 */
export class NotebookSession {
  readonly id: string;
  /** URL the notebook was loaded from, for resolving relative source paths (examples). */
  readonly baseUrl: string | null;
  text = $state('');
  notebook = $state.raw<Notebook>(parseNotebook('').notebook);
  diagnostics = $state.raw<Diagnostic[]>([]);
  cells = $state<Record<string, CellView>>({});
  sources = $state.raw<SourceStatus[]>([]);
  saveState = $state<'saved' | 'saving' | 'pending' | 'failed'>('saved');
  saveError = $state<string | null>(null);
  running = $state(false);
  /** When the last run finished (ISO time), for the readout's provenance. */
  lastRunAt = $state<string | null>(null);
  /** Set while the cells show a kept run's results (see restoreRun); a run here clears it. */
  restored = $state.raw<RestoredRun | null>(null);
  /** Open drill-downs, by cell name (lowercased). */
  drills = $state<Record<string, DrillDown>>({});
  /** Each review cell's log (the store's events and its log file's), by cell name (lowercased). */
  reviews = $state.raw<Record<string, ReviewEvent[]>>({});
  /** Checks suggested from a profile cell, by its name (lowercased). */
  suggestions = $state<Record<string, Suggestions>>({});
  #analysis: Analysis = analyzeNotebook(this.notebook);
  #host: NotebookHost;
  #store: NotebookStore | null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #saving: Promise<void> = Promise.resolve();
  #sourcesReady = false;
  #autoRunTimer: ReturnType<typeof setTimeout> | null = null;
  #autoRunNames = new Set<string>();
  #reviewTimer: ReturnType<typeof setTimeout> | null = null;
  #stop = false;
  /** The engine's answer to the last cancel (see WorkerEngine.cancel); runs wait for it. */
  #settling: Promise<void> = Promise.resolve();
  #reviewRerun = new Set<string>();
  /** Columns of sources and cells for completion, by lowercased name; dropped when they change. */
  #columns = new Map<string, Promise<DescribedColumn[]>>();
  #catalog: Promise<{ functions: string[]; keywords: string[] }> | null = null;

  constructor(init: { id: string; text: string; baseUrl: string | null; host: NotebookHost; store: NotebookStore | null }) {
    this.id = init.id;
    this.baseUrl = init.baseUrl;
    this.#host = init.host;
    this.#store = init.store;
    this.#setText(init.text);
  }

  get title(): string {
    return this.notebook.frontMatter.title || firstHeading(this.notebook) || 'Untitled notebook';
  }

  /** Problems that are about no single cell (front matter, structure). */
  get mismatches(): string[] {
    return this.sources.map(describeMismatch).filter((m): m is string => m !== null);
  }

  /** Replace the whole text (source view, revision restore). */
  setText(text: string): void {
    if (text === this.text) return;
    const before = this.#analysis;
    const sourcesBefore = JSON.stringify(this.notebook.frontMatter.sources);
    this.#setText(text);
    // Everything whose body changed, and what reads it, is stale.
    const changed: string[] = [];
    for (const [name, cell] of this.#analysis.cells) {
      const old = before.cells.get(name);
      if (!old || old.block.body !== cell.block.body || old.block.kind !== cell.block.kind) {
        this.#markStale(name);
        changed.push(name);
      }
    }
    for (const name of changed) for (const n of downstreamOf(this.#analysis, name)) this.#columns.delete(n);
    // Sources are looked up again only when the front matter's list of them changed.
    if (JSON.stringify(this.notebook.frontMatter.sources) !== sourcesBefore) this.#sourcesReady = false;
    this.#scheduleAutoRun(changed);
    this.#scheduleSave();
  }

  /** Edit one block: a cell's body or a prose block's text. */
  editBlock(id: string, content: string): void {
    const blocks = this.notebook.blocks.map((b) => (b.id !== id ? b : b.type === 'prose' ? { ...b, text: ensureNewline(content) } : { ...b, body: content }));
    this.#replaceBlocks(blocks);
  }

  /** Insert a new block after `afterId` (or at the end). */
  addBlock(afterId: string | null, block: { type: 'prose' } | { type: 'cell'; kind: string; body?: string; name?: string }): void {
    const blocks = [...this.notebook.blocks];
    const at = afterId === null ? blocks.length : blocks.findIndex((b) => b.id === afterId) + 1;
    const fresh: Block =
      block.type === 'prose'
        ? { type: 'prose', id: 'new', text: '\nWrite here.\n\n', line: 0 }
        : { type: 'cell', id: 'new', kind: block.kind, name: this.#freshName(block.name ?? block.kind), options: [], body: block.body ?? cellKind(block.kind)?.template ?? '', fence: '```', line: 0 };
    blocks.splice(at, 0, fresh);
    this.#replaceBlocks(blocks);
  }

  /** Insert a new block at an index of the block list (0: the top). */
  insertBlockAt(index: number, block: { type: 'prose' } | { type: 'cell'; kind: string; body?: string; name?: string }): void {
    const at = Math.max(0, Math.min(index, this.notebook.blocks.length));
    if (at === 0) {
      this.addBlock(null, block);
      const blocks = [...this.notebook.blocks];
      blocks.unshift(blocks.pop()!);
      this.#replaceBlocks(blocks);
    } else this.addBlock(this.notebook.blocks[at - 1]!.id, block);
  }

  /** Remove a block; returns what undo needs to put it back at its place. */
  removeBlock(id: string): RemovedBlock | null {
    const index = this.notebook.blocks.findIndex((b) => b.id === id);
    if (index < 0) return null;
    const block = this.notebook.blocks[index]!;
    this.#replaceBlocks(this.notebook.blocks.filter((b) => b.id !== id));
    return { block, index, name: block.type === 'cell' ? block.name : null };
  }

  /** Put a removed block back where it was (its name made fresh if another cell took it meanwhile). */
  restoreBlock(removed: RemovedBlock): void {
    const blocks = [...this.notebook.blocks];
    let block = removed.block;
    if (block.type === 'cell') {
      const name = block.name.toLowerCase();
      if (this.names().some((n) => n.toLowerCase() === name)) block = { ...block, name: this.#freshName(block.name) };
    }
    blocks.splice(Math.min(removed.index, blocks.length), 0, block);
    this.#replaceBlocks(blocks);
  }

  /** Move a block up (-1) or down (+1) past its neighbour; returns its new index. */
  moveBlock(id: string, delta: -1 | 1): number {
    const blocks = [...this.notebook.blocks];
    const i = blocks.findIndex((b) => b.id === id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= blocks.length) return i;
    [blocks[i], blocks[j]] = [blocks[j]!, blocks[i]!];
    this.#replaceBlocks(blocks);
    return j;
  }

  /** A copy of a cell right after it, under a fresh name. */
  duplicateBlock(id: string): void {
    const block = this.notebook.blocks.find((b) => b.id === id);
    if (!block) return;
    if (block.type === 'prose') this.addBlock(id, { type: 'prose' });
    else this.addBlock(id, { type: 'cell', kind: block.kind, body: block.body, name: block.name.replace(/_\d+$/, '') });
  }

  /** Sources and cells by name, for completion (cells with their kind). */
  completionNames(): { name: string; kind: string }[] {
    return [...this.notebook.frontMatter.sources.map((s) => ({ name: s.name, kind: 'source' })), ...[...this.#analysis.cells.values()].map((c) => ({ name: c.block.name, kind: c.block.kind }))];
  }

  /**
   * Column names of a source or cell (DuckDB's DESCRIBE through this notebook's engine), for
   * completion; empty when it has none yet (a cell not run). Kept until it changes.
   */
  async columnsOf(name: string): Promise<string[]> {
    return (await this.#describe(name)).map((c) => c.name);
  }

  #describe(name: string): Promise<DescribedColumn[]> {
    const key = name.toLowerCase();
    let cached = this.#columns.get(key);
    if (!cached) {
      cached = describeColumns((sql) => this.#host.query(sql), name).then(
        (cols) => cols,
        () => {
          this.#columns.delete(key);
          return [];
        },
      );
      this.#columns.set(key, cached);
    }
    return cached;
  }

  /**
   * The body of a new cell of a kind, filled with this notebook's first source and real
   * columns of it (see fillTemplate), so that it runs as inserted.
   */
  async templateFor(kind: string): Promise<string> {
    const k = cellKind(kind);
    if (!k) return '';
    await this.#prepareSources().catch(() => undefined);
    const relations = await Promise.all(this.completionNames().map(async (r) => ({ ...r, columns: await this.#describe(r.name) })));
    return fillTemplate(k, { relations });
  }

  /** Insert a new cell of a kind at an index, its body filled from the notebook. */
  async insertCell(index: number, kind: string): Promise<void> {
    const body = await this.templateFor(kind);
    this.insertBlockAt(index, { type: 'cell', kind, body });
  }

  /** This engine's DuckDB function names and keywords (asked once). */
  sqlCatalog(): Promise<{ functions: string[]; keywords: string[] }> {
    const names = async (sql: string) => (await this.#host.query(sql)).toArray().map((r) => String(r.name));
    this.#catalog ??= Promise.all([names(FUNCTION_NAMES_SQL), names(KEYWORDS_SQL)]).then(
      ([functions, keywords]) => ({ functions, keywords }),
      () => {
        this.#catalog = null;
        return { functions: [], keywords: [] };
      },
    );
    return this.#catalog;
  }

  /** Rename a cell (its view name changes too, so it and what reads it become stale). */
  renameCell(id: string, name: string): void {
    const blocks = this.notebook.blocks.map((b) => (b.id === id && b.type === 'cell' ? { ...b, name } : b));
    this.#replaceBlocks(blocks);
  }

  /** Every name the notebook defines: its sources and its cells. */
  names(): string[] {
    return [...this.notebook.frontMatter.sources.map((s) => s.name), ...[...this.#analysis.cells.values()].map((c) => c.block.name)];
  }

  /** The source that names this file (by file name), if the notebook has one. */
  sourceForFile(fileName: string, sha256?: string): SourceRef | undefined {
    const named = this.notebook.frontMatter.sources.filter((s) => s.path && s.path.split('/').pop() === fileName);
    return named.find((s) => !sha256 || !s.sha256 || s.sha256 === sha256) ?? undefined;
  }

  /** Add a source to the front matter (a file opened into the notebook); its name made unique. */
  addSource(ref: SourceRef): SourceRef {
    const name = sourceNameFor(ref.name, this.names());
    const added = { ...ref, name };
    this.#setSources([...this.notebook.frontMatter.sources, added]);
    return added;
  }

  /** Rename a source in the front matter; cells that name the old name then say it is gone. */
  async renameSource(from: string, to: string): Promise<void> {
    const name = to.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new AssayError('input', 'a source name is a SQL identifier: letters, digits and _', { subject: to });
    if (this.names().some((n) => n.toLowerCase() === name.toLowerCase() && n.toLowerCase() !== from.toLowerCase())) throw new AssayError('input', 'the notebook already has that name', { subject: name });
    this.#setSources(this.notebook.frontMatter.sources.map((s) => (s.name === from ? { ...s, name } : s)));
    await this.#host.query(dropAliasSql(from)).catch(() => undefined);
  }

  /** Remove a source from the front matter and from the notebook's namespace. */
  async removeSource(name: string): Promise<void> {
    this.#setSources(this.notebook.frontMatter.sources.filter((s) => s.name !== name));
    this.sources = this.sources.filter((s) => s.name !== name);
    await this.#host.query(dropAliasSql(name)).catch(() => undefined);
  }

  /** The sources the notebook names that are not at hand (open them to run what reads them). */
  get missingSources(): SourceRef[] {
    const failed = new Set(this.sources.filter((s) => s.error).map((s) => s.name));
    return this.notebook.frontMatter.sources.filter((s) => failed.has(s.name));
  }

  /** Look the sources up now (on open), so missing ones are listed before anything runs. */
  async checkSources(): Promise<void> {
    this.#sourcesReady = false;
    await this.#prepareSources();
  }

  /** Files were opened for this notebook: look its sources up again and run what waited for them. */
  async sourcesChanged(): Promise<void> {
    await this.checkSources();
    const waiting = Object.entries(this.cells).filter(([, v]) => v.status === 'waiting').map(([k]) => k);
    if (waiting.length && this.missingSources.length === 0) await this.#run(this.#analysis.order.filter((n) => waiting.includes(n)));
  }

  #setSources(sources: SourceRef[]): void {
    this.setText(serializeNotebook(withFrontMatter(this.notebook, { ...this.notebook.frontMatter, sources })));
  }

  /** Run every cell in dependency order. */
  runAll(): Promise<void> {
    return this.#run(this.#analysis.order);
  }

  /** Run a cell and everything downstream of it. */
  runCell(name: string): Promise<void> {
    return this.#run(downstreamOf(this.#analysis, name));
  }

  /**
   * The engine was replaced after a crash: every result is stale and the sources must be
   * provided to the new engine before the next run.
   */
  engineLost(): void {
    this.#sourcesReady = false;
    for (const [name, view] of Object.entries(this.cells)) if (view.status !== 'idle') this.cells[name] = { ...view, status: 'stale' };
  }

  /**
   * Show a kept run's results: every cell whose body is as it ran shows them, cells edited
   * since (and what reads them) are stale. Does nothing once this page has run the notebook.
   */
  async restoreRun(run: StoredRun): Promise<void> {
    if (this.lastRunAt !== null || this.running) return;
    const { views, changed } = restoredViews(run, [...this.#analysis.cells.values()].map((c) => c.block));
    for (const [key, view] of Object.entries(views)) this.cells[key] = view;
    for (const key of changed) this.#markStale(key);
    this.restored = { ranAt: run.ranAt, engine: run.engine, sources: run.sources, textMatches: run.text === this.text };
    // A review cell's numbers also depend on its decisions: ones taken after the run make it stale.
    for (const [key, kept] of Object.entries(run.cells)) {
      if (kept.reviewEvents === undefined || !views[key] || !this.#store) continue;
      const now = (await this.#store.reviewEvents(this.id, key).catch(() => null))?.length;
      if (now !== kept.reviewEvents && this.lastRunAt === null) this.#markStale(key);
    }
  }

  /** Whether the open data is what the kept run read (null when no kept run is shown). */
  get freshness(): RunFreshness | null {
    return this.restored ? runFreshness(this.restored, this.sources) : null;
  }

  /** When the results on screen ran: this page's last run, or the kept run's. */
  get ranAt(): string | null {
    return this.lastRunAt ?? this.restored?.ranAt ?? null;
  }

  /** Whether anything has results to show (a run here or a kept one). */
  get hasResults(): boolean {
    return Object.values(this.cells).some((c) => c.status === 'ok' || c.status === 'error' || c.status === 'stale');
  }

  /** The standing decision per record key of a review cell. */
  decisions(cell: string): Map<string, Decision> {
    return foldReviewLog(this.reviews[cell.toLowerCase()] ?? []);
  }

  /**
   * Record one review decision. Resolves only once IndexedDB holds it, so the queue shows
   * the next record after the decision is safe; the cell's numbers follow shortly after.
   */
  async review(cellName: string, input: ReviewInput): Promise<ReviewEvent> {
    const cell = this.#analysis.cells.get(cellName.toLowerCase());
    if (!cell) throw new AssayError('notebook', `no cell ${cellName}`);
    const event: ReviewEvent = {
      id: crypto.randomUUID(),
      at: new Date().toISOString(),
      notebook: this.title,
      cell: cell.block.name,
      key: input.key,
      action: input.action,
      old_label: input.oldLabel ?? null,
      ...(input.action === 'relabel' ? { label: input.label ?? null } : {}),
      note: input.note?.trim() ? input.note.trim() : null,
      reviewer: input.reviewer,
      seed: String(this.cells[cell.block.name.toLowerCase()]?.output?.result.seed ?? this.notebook.frontMatter.params.seed ?? ''),
    };
    await this.#appendReview(event);
    return event;
  }

  /** Withdraw the reviewer's latest decision in this cell; returns its key (to go back to), or null. */
  async undoReview(cellName: string, reviewer: string): Promise<string | null> {
    const key = cellName.toLowerCase();
    const target = lastUndoable(this.reviews[key] ?? [], reviewer);
    if (!target) return null;
    await this.#appendReview({ ...target, id: crypto.randomUUID(), at: new Date().toISOString(), action: 'undo', undoes: target.id, label: undefined, note: null, old_label: undefined });
    return target.key;
  }

  /** The cell's review log as a file (JSON Lines). */
  reviewLogText(cellName: string): string {
    return serializeReviewLog(this.reviews[cellName.toLowerCase()] ?? []);
  }

  /** Import a review log file: new events are stored, ones already here are skipped, bad lines reported. */
  async importReviewLog(cellName: string, fileName: string, text: string): Promise<{ added: number; skipped: number; problems: string[] }> {
    if (!this.#store) throw new AssayError('storage', 'the browser database is unavailable, so an imported log could not be kept', { subject: fileName });
    const { events, problems } = parseReviewLog(text);
    const key = cellName.toLowerCase();
    // "New" is relative to the log the cell already reads (the browser's store and the
    // notebook's log file); everything imported is kept in the store either way.
    const known = new Set((this.reviews[key] ?? []).map((e) => e.id));
    await this.#store.importReviewEvents(this.id, events);
    const added = events.filter((e) => !known.has(e.id)).length;
    this.reviews = { ...this.reviews, [key]: mergeReviewEvents(this.reviews[key] ?? [], events.filter((e) => e.cell.toLowerCase() === key)) };
    this.#rerunSoon(key);
    return { added, skipped: events.length - added, problems: problems.map((p) => `${fileName} line ${p.line}: ${p.message}`) };
  }

  /**
   * A review cell's queue as plain records, in queue order: key, current label, image path,
   * the other opinions of the label, and the fields to show (the review's own columns left out).
   */
  reviewQueue(cellName: string): { records: QueueRecord[]; taxonomy: string[]; spec: ReviewSpec | null } {
    const key = cellName.toLowerCase();
    const spec = (this.#analysis.cells.get(key)?.spec as ReviewSpec | null | undefined) ?? null;
    const output = this.cells[key]?.output;
    if (!spec || !output?.table) return { records: [], taxonomy: [], spec };
    const records = tableToJsonRows(output.table).map((row) => {
      const apart = new Set<string>([...REVIEW_COLUMNS, spec.key, spec.label, ...(spec.compare ?? [])]);
      const fields = Object.fromEntries(Object.entries(row).filter(([k]) => !apart.has(k)));
      const image = spec.image ? row[spec.image] : null;
      const label = row[spec.label] === null || row[spec.label] === undefined ? null : String(row[spec.label]);
      return { key: String(row[spec.key]), label, image: image === null || image === undefined ? null : String(image), opinions: labelOpinions(label, row, spec.compare ?? []), fields };
    });
    return { records, taxonomy: (output.result.taxonomy as string[] | undefined) ?? [], spec };
  }

  /** Images cells being measured now: files done of total, by lowercased cell name. */
  imageProgress = $state<Record<string, { done: number; total: number }>>({});
  #imageAbort: AbortController | null = null;

  /** An images cell's files, measured by the page (a pool of workers), with progress under the cell. */
  async #measureImages(request: ImageRequest): Promise<ImageMeasure[]> {
    if (!this.#host.measureImages) throw new AssayError('input', 'images cannot be read here', { subject: request.folder });
    const key = request.cell.toLowerCase();
    const abort = (this.#imageAbort ??= new AbortController());
    try {
      return await this.#host.measureImages(request.folder, request.measures, (done, total) => (this.imageProgress = { ...this.imageProgress, [key]: { done, total } }), abort.signal);
    } finally {
      const { [key]: _, ...rest } = this.imageProgress;
      this.imageProgress = rest;
    }
  }

  /** A file under an images cell's folder, for its thumbnails (null when the folder is not open). */
  folderFile(folder: string, path: string): File | null {
    return this.#host.folderFile?.(folder, path) ?? null;
  }

  /** Open a folder the user picked (a review's images): its files become pickable by path. */
  async openFolder(files: readonly File[]): Promise<void> {
    await this.#host.openFolder?.(files);
  }

  /** The picked file a record's image path names, if the user opened its folder. */
  imageFile(path: string): File | null {
    return this.#host.pickedFile?.(path) ?? null;
  }

  /** A relation as export bytes (see Workbench.exportQuery). */
  exportQuery(sql: string, format: ExportFormat): Promise<Uint8Array> {
    if (!this.#host.exportQuery) throw new AssayError('engine', 'exports are not available here');
    return this.#host.exportQuery(sql, format);
  }

  /** Every row of a cell's view (a sample, say) as export bytes. */
  exportView(cellName: string, format: ExportFormat): Promise<Uint8Array> {
    return this.exportQuery(`SELECT * FROM ${quoteIdent(cellName)}`, format);
  }

  /** SQL for a review cell's re-annotation request (its rejected and relabelled records). */
  reannotationSql(cellName: string): string | null {
    const cell = this.#analysis.cells.get(cellName.toLowerCase());
    const spec = cell?.spec as ReviewSpec | null | undefined;
    return spec && cell ? reannotationSql(cell.block.name, spec) : null;
  }

  async #appendReview(event: ReviewEvent): Promise<void> {
    if (!this.#store) throw new AssayError('storage', 'review decisions cannot be kept: the browser database is unavailable (a private window?)');
    await this.#store.appendReviewEvent(this.id, event);
    const key = event.cell.toLowerCase();
    this.reviews = { ...this.reviews, [key]: [...(this.reviews[key] ?? []), event] };
    this.#rerunSoon(key);
  }

  /** Re-run a cell and its downstream after a short pause (decisions come in bursts). */
  #rerunSoon(name: string): void {
    if (this.#reviewTimer) clearTimeout(this.#reviewTimer);
    this.#reviewRerun.add(name);
    const fire = () => {
      if (this.running) {
        this.#reviewTimer = setTimeout(fire, 100);
        return;
      }
      this.#reviewTimer = null;
      const names = new Set<string>();
      for (const n of this.#reviewRerun) if (this.#analysis.cells.has(n)) downstreamOf(this.#analysis, n).forEach((d) => names.add(d));
      this.#reviewRerun.clear();
      const ordered = this.#analysis.order.filter((n) => names.has(n));
      if (ordered.length) void this.#run(ordered);
    };
    this.#reviewTimer = setTimeout(fire, 150);
  }

  /** The log the review cell runs on: this notebook's stored events and its log file's. */
  async #reviewEvents(cell: string, logFile: string | null): Promise<ReviewEvent[]> {
    const stored = this.#store ? await this.#store.reviewEvents(this.id, cell) : [];
    let fromFile: ReviewEvent[] = [];
    if (logFile && this.#host.readBesideNotebook) {
      const text = await this.#host.readBesideNotebook(logFile, this.baseUrl);
      if (text !== null) {
        const { events, problems } = parseReviewLog(text);
        if (problems.length) throw new AssayError('input', `line ${problems[0]!.line}: ${problems[0]!.message}`, { subject: logFile });
        fromFile = events;
      }
    }
    const all = mergeReviewEvents(fromFile, stored);
    this.reviews = { ...this.reviews, [cell.toLowerCase()]: all };
    return all;
  }

  #browsers = new Map<string, TableBrowser>();

  /**
   * The sort and filter of a SQL cell's table, run in DuckDB over the cell's view; the same one
   * while the view keeps its columns, so a re-run keeps what the user set.
   */
  /** Resolves once no run is going on (polled: runs end within a frame or two of the last cell). */
  async #whenIdle(): Promise<void> {
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  tableBrowser(cellName: string, columns: BrowseColumn[]): TableBrowser {
    const key = cellName.toLowerCase();
    const known = this.#browsers.get(key);
    if (known && known.relation === cellName && JSON.stringify(known.columns) === JSON.stringify(columns)) return known;
    const browser = new TableBrowser(cellName, columns, (sql) => this.#host.query(sql), () => this.#whenIdle());
    this.#browsers.set(key, browser);
    return browser;
  }

  /** Show the rows whose reference and compared labels are this pair (a confusion cell's drill-down). */
  async drillDown(cellName: string, reference: string, compared: string, group: string | null = null): Promise<void> {
    const key = cellName.toLowerCase();
    const cell = this.#analysis.cells.get(key);
    if (!cell?.spec) return;
    if (cell.block.kind === 'label_issues') {
      // A label_issues cell's joint: given label × the class the confident joint counts the row under.
      await this.#showRows(key, { title: `given ${reference} → ${compared}`, reference, compared, sql: labelIssuesCellRowsSql(cell.spec as LabelIssuesSpec, cell.block.name, reference, compared) });
      return;
    }
    const spec = cell.spec as ConfusionSpec;
    const sql = confusionRowsSql(spec.source, spec.reference, spec.compared, reference, compared, spec.by && group !== null ? { column: spec.by, value: group } : undefined);
    const title = `${reference} → ${compared}${group ? ` · ${group}` : ''}`;
    await this.#showRows(key, { title, reference, compared, group, sql });
  }

  /** Show all rows of a relation a cell defined (a failing rule's view) under that cell. */
  async showView(cellName: string, view: string, title: string): Promise<void> {
    await this.#showRows(cellName.toLowerCase(), { title, sql: `SELECT * FROM ${quoteIdent(view)}` });
  }

  async #showRows(key: string, what: Pick<DrillDown, 'title' | 'sql' | 'reference' | 'compared' | 'group'>): Promise<void> {
    this.drills[key] = { ...what, rows: null, table: null, error: null };
    try {
      const [count, table] = await Promise.all([this.#host.query(`SELECT count(*) AS n FROM (${what.sql})`), this.#host.query(`${what.sql} LIMIT ${DRILL_LIMIT}`)]);
      this.drills[key] = { ...what, rows: Number(count.getChild('n')!.get(0)), table, error: null };
    } catch (error) {
      this.drills[key] = { ...what, rows: null, table: null, error: messageOf(error) };
    }
  }

  /** The notebook's gate: failing when any checks cell has a failing error rule; null before checks ran. */
  get gate(): { passed: boolean; failed: number } | null {
    let seen = false;
    let failed = 0;
    for (const [name, cell] of this.#analysis.cells) {
      if (cell.block.kind !== 'checks') continue;
      const result = this.cells[name]?.output?.result as { passed?: boolean; errors_failed?: number } | undefined;
      if (!result) continue;
      seen = true;
      failed += result.errors_failed ?? 0;
    }
    return seen ? { passed: failed === 0, failed } : null;
  }

  closeDrillDown(cellName: string): void {
    delete this.drills[cellName.toLowerCase()];
  }

  /** Turn a drill-down into a SQL cell right after its confusion cell, so the rows become a view. */
  drillDownAsCell(cellName: string): void {
    const drill = this.drills[cellName.toLowerCase()];
    const block = this.notebook.blocks.find((b) => b.type === 'cell' && b.name.toLowerCase() === cellName.toLowerCase());
    if (!drill || !block) return;
    const name = this.#freshName(`${cellName}_rows`.replace(/[^A-Za-z0-9_]/g, '_'));
    const blocks = [...this.notebook.blocks];
    blocks.splice(blocks.indexOf(block) + 1, 0, { type: 'cell', id: 'new', kind: 'sql', name, options: [], body: drill.sql, fence: '```', line: 0 });
    this.#replaceBlocks(blocks);
  }

  /**
   * Suggest checks from a profile cell's result and backtest each rule on every version at
   * hand: the profiled source, the other versions of its manifest (when its dataset is open)
   * and the notebook's other sources with the same columns (see sameShape).
   */
  async suggestChecks(cellName: string, options: SuggestOptions = DEFAULT_SUGGEST_OPTIONS): Promise<void> {
    const key = cellName.toLowerCase();
    const cell = this.#analysis.cells.get(key);
    const output = this.cells[key]?.output;
    // Only a current result: a stale one may not be of the spec as it now reads.
    if (!cell || cell.block.kind !== 'profile' || !cell.spec || !output || this.cells[key]?.status !== 'ok') return;
    const spec = cell.spec as ProfileSpec;
    const base: Suggestions = { status: 'running', error: null, source: spec.source, ...(spec.key ? { key: spec.key } : {}), options, rules: [], backtest: null, conflicts: {} };
    this.suggestions[key] = base;
    const query = (sql: string) => this.#host.query(sql);
    const temporary: string[] = [];
    try {
      const { rules } = await suggestChecks(query, spec.source, output.result as unknown as ProfileResult, options);
      const ref = this.notebook.frontMatter.sources.find((s) => s.name.toLowerCase() === spec.source.toLowerCase());
      const info = ref?.manifest ? (this.#host.manifestInfo?.(ref) ?? null) : null;
      const own = ref?.manifest ? (ref.version ?? info?.versions.at(-1)) : undefined;
      const versions: BacktestVersion[] = [{ label: own ? `${spec.source} (${own})` : spec.source, source: spec.source }];
      const shape = await describeColumns(query, spec.source);
      for (const s of this.sources) {
        if (s.error || s.name.toLowerCase() === spec.source.toLowerCase()) continue;
        if (sameShape(shape, await describeColumns(query, s.name))) versions.push({ label: s.name, source: s.name });
      }
      // The manifest's other versions that no source of the notebook already is, aliased for the backtest only.
      for (const version of info?.versions ?? []) {
        if (version === own || this.notebook.frontMatter.sources.some((s) => s.manifest === ref!.manifest && s.version === version && versions.some((v) => v.source === s.name))) continue;
        const name = `__assay_suggest_${temporary.length + 1}`;
        await this.#host.provideSource({ name, manifest: ref!.manifest, version }, this.baseUrl);
        temporary.push(name);
        versions.push({ label: `${spec.source} (${version})`, source: name });
      }
      const result = await backtest(
        query,
        rules.map((r) => r.check),
        versions,
      );
      this.suggestions[key] = { ...base, status: 'ready', rules, backtest: result, conflicts: info?.contract ? contractConflicts(rules, info.contract) : {} };
    } catch (error) {
      this.suggestions[key] = { ...base, status: 'error', error: messageOf(error) };
    } finally {
      for (const name of temporary) await this.#host.query(dropAliasSql(name)).catch(() => undefined);
    }
  }

  /** Insert a checks cell with the accepted suggested rules right after the profile cell. */
  acceptSuggestions(cellName: string, accepted: readonly string[]): void {
    const key = cellName.toLowerCase();
    const s = this.suggestions[key];
    const block = this.notebook.blocks.find((b) => b.type === 'cell' && b.name.toLowerCase() === key);
    if (!s || s.status !== 'ready' || !block) return;
    const rules = s.rules.filter((r) => accepted.includes(r.name));
    if (rules.length === 0) return;
    const name = this.#freshName(`${cellName}_checks`.replace(/[^A-Za-z0-9_]/g, '_'));
    const blocks = [...this.notebook.blocks];
    blocks.splice(blocks.indexOf(block) + 1, 0, { type: 'cell', id: 'new', kind: 'checks', name, options: [], body: suggestionsBody(s.source, s.key, rules, s.conflicts), fence: '```', line: 0 });
    delete this.suggestions[key];
    this.#replaceBlocks(blocks);
  }

  closeSuggestions(cellName: string): void {
    delete this.suggestions[cellName.toLowerCase()];
  }

  /** Write the actual fingerprints of the sources into the front matter. */
  pinCurrentData(): void {
    const actual = new Map(this.sources.filter((s) => s.sha256).map((s) => [s.name, s.sha256!]));
    const fm = this.notebook.frontMatter;
    const sources = fm.sources.map((s) => (actual.has(s.name) ? { ...s, sha256: actual.get(s.name)! } : s));
    const text = serializeNotebook(withFrontMatter(this.notebook, { ...fm, sources }));
    this.setText(text);
    this.sources = this.sources.map((s) => ({ ...s, pinned_sha256: s.sha256, matches: s.sha256 ? true : s.matches }));
  }

  /** Save now (page hide, before navigation). */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#save();
    }
    await this.#saving;
  }

  #setText(text: string): void {
    this.text = text;
    const parsed = parseNotebook(text);
    this.notebook = parsed.notebook;
    this.#analysis = analyzeNotebook(parsed.notebook);
    this.diagnostics = [...parsed.diagnostics, ...this.#analysis.diagnostics].sort((a, b) => a.line - b.line);
    const next: Record<string, CellView> = {};
    for (const name of this.#analysis.cells.keys()) next[name] = this.cells[name] ?? { status: 'idle', output: null, error: null, elapsedMs: null };
    this.cells = next;
  }

  #replaceBlocks(blocks: Block[]): void {
    this.setText(serializeNotebook({ ...this.notebook, blocks }));
  }

  /**
   * Re-run edited cells and everything downstream once typing pauses — only for a notebook
   * that has run before, and only cells whose spec parses (a half-typed query is not run).
   */
  #scheduleAutoRun(changed: string[]): void {
    const hasRun = Object.values(this.cells).some((c) => c.status !== 'idle');
    const runnable = changed.filter((n) => this.#analysis.cells.get(n)?.spec !== null && this.#analysis.order.includes(n));
    if (!hasRun || runnable.length === 0) return;
    runnable.forEach((n) => this.#autoRunNames.add(n));
    if (this.#autoRunTimer) clearTimeout(this.#autoRunTimer);
    const fire = () => {
      // A run in progress finishes first; the edit's run follows it.
      if (this.running) {
        this.#autoRunTimer = setTimeout(fire, 100);
        return;
      }
      this.#autoRunTimer = null;
      const names = new Set<string>();
      for (const n of this.#autoRunNames) if (this.#analysis.cells.has(n)) downstreamOf(this.#analysis, n).forEach((d) => names.add(d));
      this.#autoRunNames.clear();
      const ordered = this.#analysis.order.filter((n) => names.has(n));
      if (ordered.length) void this.#run(ordered);
    };
    this.#autoRunTimer = setTimeout(fire, AUTORUN_DELAY_MS);
  }

  #markStale(name: string): void {
    for (const n of downstreamOf(this.#analysis, name)) {
      const view = this.cells[n];
      if (view && view.status !== 'idle') view.status = 'stale';
    }
  }

  #freshName(prefix: string): string {
    const taken = new Set([...this.#analysis.cells.keys(), ...this.notebook.frontMatter.sources.map((s) => s.name.toLowerCase())]);
    for (let i = 1; ; i++) if (!taken.has(`${prefix}_${i}`.toLowerCase())) return `${prefix}_${i}`;
  }

  /** Each source's file table (ProvidedSource.fileTable), by lowercased name, as the last preparation gave them. */
  #fileTables = new Map<string, string>();

  async #prepareSources(): Promise<void> {
    if (this.#sourcesReady) return;
    const statuses: SourceStatus[] = [];
    this.#fileTables.clear();
    for (const declared of this.notebook.frontMatter.sources) {
      const ref = this.#overRef(declared);
      try {
        const provided = await this.#host.provideSource(ref, this.baseUrl);
        if (provided.fileTable) this.#fileTables.set(ref.name.toLowerCase(), provided.fileTable);
        statuses.push(sourceStatus(ref, provided));
      } catch (error) {
        statuses.push(sourceStatus(ref, null, messageOf(error)));
      }
    }
    this.sources = statuses;
    this.#sourcesReady = true;
    this.#columns.clear();
  }

  /**
   * What a run over versions would go through: the manifest that a source reads without a
   * pinned version, and its loaded versions in parent order. Null when there is no such source,
   * its dataset is not open, or it has a single version.
   */
  get versionsToRun(): { manifest: string; versions: string[] } | null {
    const ref = this.notebook.frontMatter.sources.find((r) => r.manifest && r.version === undefined);
    const versions = ref ? (this.#host.manifestInfo?.(ref)?.inParentOrder ?? []) : [];
    return ref && versions.length > 1 ? { manifest: ref.manifest!, versions } : null;
  }

  /**
   * Run the notebook once per version of its dataset, in parent order (as `assay run
   * --over-versions`): every source that reads the manifest without a pinned version reads
   * that version, and each run is kept in the history before the next one starts, so a trend
   * over versions gains a point per version. Cancel stops the run in progress and the versions
   * after it. The notebook then shows the last version's results.
   */
  async runOverVersions(): Promise<void> {
    const plan = this.versionsToRun;
    if (!plan || this.running) return;
    this.#stopOver = false;
    try {
      for (const [index, version] of plan.versions.entries()) {
        if (this.#stopOver) break;
        this.#over = { manifest: plan.manifest, version };
        this.overVersions = { index, count: plan.versions.length, version };
        this.#sourcesReady = false;
        await this.runAll();
        // The next run's trend reads this one from the store.
        await this.#saving;
      }
    } finally {
      this.#over = null;
      this.overVersions = null;
      this.#sourcesReady = false;
    }
  }

  /** The run over versions in progress: which version of how many (null otherwise). */
  overVersions: { index: number; count: number; version: string } | null = $state(null);
  #over: { manifest: string; version: string } | null = null;
  #stopOver = false;

  /** A source as this run reads it: during a run over versions, an unpinned manifest source reads the version at hand. */
  #overRef(ref: SourceRef): SourceRef {
    return this.#over && ref.manifest === this.#over.manifest && ref.version === undefined ? { ...ref, version: this.#over.version } : ref;
  }

  /** Stop the run: the running query is interrupted, the cells after it are not run (and stay stale). */
  async cancel(): Promise<void> {
    if (!this.running) return;
    this.#stop = true;
    this.#stopOver = true;
    this.#imageAbort?.abort();
    this.#settling = Promise.resolve(this.#host.cancel?.()).catch(() => undefined);
    await this.#settling;
  }

  async #run(names: string[]): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.#stop = false;
    this.#imageAbort = new AbortController();
    try {
      // A cancel still settling finishes first: it may replace the engine, which would fail
      // a query started in the meantime.
      await this.#settling;
      await this.#prepareSources();
      // Cells that read a missing source (directly or through a cell) wait for it.
      const waiting = waitingCells(this.#analysis, new Set(this.sources.filter((x) => x.error).map((x) => x.name.toLowerCase())));
      const runnable = names.filter((n) => !waiting.has(n));
      for (const n of names) {
        const source = waiting.get(n);
        if (source !== undefined && this.cells[n]) this.cells[n] = { status: 'waiting', output: null, error: `waiting for source ${source}: open it to run this cell`, elapsedMs: null };
      }
      for (const n of runnable) if (this.cells[n]) this.cells[n].status = 'running';
      const history = await this.#history();
      this.#current = { text: this.text, ...history.current };
      await runCells(this.#analysis, {
        history,
        query: (sql) => this.#host.query(sql),
        fileTable: (source) => {
          const table = this.#fileTables.get(source.toLowerCase());
          return table ? { schema: FILES_NAMESPACE, table } : null;
        },
        params: this.notebook.frontMatter.params,
        only: runnable,
        earlier: (cell) => this.cells[cell]?.output?.result,
        reviewEvents: (cell, logFile) => this.#reviewEvents(cell, logFile),
        measureImages: (request) => this.#measureImages(request),
        shouldStop: () => this.#stop,
        onCell: (run) => {
          const key = run.name.toLowerCase();
          this.cells[key] = { status: run.status, output: run.output ?? null, error: run.error ?? null, ...(run.errorAt ? { errorAt: run.errorAt } : {}), elapsedMs: run.elapsedMs };
          // The view may have new columns now.
          this.#columns.delete(key);
        },
      });
    } catch (error) {
      for (const n of names) if (this.cells[n]?.status === 'running') this.cells[n] = { status: 'error', output: null, error: messageOf(error), elapsedMs: null };
    } finally {
      // Cells a cancelled run did not reach keep their old results, marked stale.
      for (const n of names) if (this.cells[n]?.status === 'running') this.cells[n] = { ...this.cells[n], status: 'stale' };
      this.running = false;
      this.lastRunAt = new Date().toISOString();
      this.restored = null;
      this.#keepRun();
    }
  }

  /** What the run being started is, for its history record: its text, hash and dataset version. */
  #current: { text: string; notebookSha256: string; manifest: RunManifest | null } | null = null;

  /** The kept runs and what this run reads, for trend cells. A storage failure leaves the history empty, not the run broken. */
  async #history(): Promise<{ records: RunRecord[]; current: { notebookSha256: string; manifest: RunManifest | null } }> {
    const store = this.#store;
    const records = store ? await Promise.resolve().then(() => store.runHistory(this.id)).catch((): RunRecord[] => []) : [];
    const notebookSha256 = await textSha256(this.text);
    const ref = this.notebook.frontMatter.sources.find((r) => r.manifest);
    const manifest = ref ? (this.#host.manifestVersion?.(this.#overRef(ref)) ?? null) : null;
    return { records, current: { notebookSha256, manifest } };
  }

  /** The notebook's kept runs, oldest first, each marked when it ran another text of the notebook. */
  async runs(): Promise<(RunRecord & { notebook_changed: boolean })[]> {
    if (!this.#store) return [];
    return markChanged(await this.#store.runHistory(this.id), await textSha256(this.text));
  }

  /** The run history as JSON Lines (the format of the CLI's `--history` files). */
  async exportHistory(): Promise<string> {
    return serializeHistory(this.#store ? await this.#store.runHistory(this.id) : []);
  }

  /** Import an exported history (or a CLI history file); runs already kept are skipped. */
  async importHistory(text: string): Promise<{ added: number; problems: { line: number; message: string }[] }> {
    const { records, problems } = parseHistory(text);
    const added = this.#store && records.length ? await this.#store.importRuns(this.id, records) : 0;
    return { added, problems };
  }

  /** This run as a history record: every cell's result as the notebook now shows it. */
  #record(): RunRecord | undefined {
    const current = this.#current;
    if (!current || !this.lastRunAt) return undefined;
    const cells = [...this.#analysis.cells.values()]
      .map((c) => ({ block: c.block, view: this.cells[c.block.name.toLowerCase()] }))
      .filter(({ view }) => view && (view.output || view.error))
      .map(({ block, view }) => ({ name: block.name, kind: block.kind, status: (view!.status === 'error' ? 'error' : 'ok') as 'ok' | 'error', elapsedMs: view!.elapsedMs ?? 0, ...(view!.error ? { error: view!.error } : {}), ...(view!.output ? { output: view!.output } : {}) }));
    const engine = this.#host.engineInfo?.() ?? { name: 'wasm-browser', version: '' };
    const results = notebookResults(`${this.title}.assay.md`, engine, this.sources, cells);
    // Plain data (no reactive proxies), as IndexedDB stores it and an export writes it.
    return JSON.parse(JSON.stringify(runRecord({ notebook: this.title, notebookSha256: current.notebookSha256, ranAt: this.lastRunAt, results, manifest: current.manifest, params: this.notebook.frontMatter.params })));
  }

  /** Keep this run's results with the notebook, so it reopens (as a readout) with them. */
  #keepRun(): void {
    const store = this.#store;
    if (!store || !this.lastRunAt) return;
    const run = captureRun({
      notebookId: this.id,
      ranAt: this.lastRunAt,
      text: this.text,
      engine: this.#host.engineLabel?.() ?? null,
      sources: this.sources,
      blocks: [...this.#analysis.cells.values()].map((c) => c.block),
      cells: this.cells,
    });
    const reviewCells = [...this.#analysis.cells.values()].filter((c) => c.block.kind === 'review' && run.cells[c.block.name.toLowerCase()]);
    const record = this.#record();
    // Results can always be computed again: a refused write costs a re-run, not work.
    this.#saving = this.#saving
      .then(async () => {
        for (const c of reviewCells) run.cells[c.block.name.toLowerCase()]!.reviewEvents = (await store.reviewEvents(this.id, c.block.name)).length;
        await store.saveLastRun(run, record);
      })
      .catch(() => undefined);
  }

  #scheduleSave(): void {
    if (!this.#store) return;
    this.saveState = 'pending';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#save();
    }, AUTOSAVE_DELAY_MS);
  }

  #save(): void {
    const store = this.#store;
    if (!store) return;
    const text = this.text;
    const title = this.title;
    this.saveState = 'saving';
    this.#saving = this.#saving
      .then(() => store.save(this.id, text, title))
      .then(
        () => {
          if (this.text === text && !this.#timer) this.saveState = 'saved';
          this.saveError = null;
        },
        (error) => {
          this.saveState = 'failed';
          this.saveError = messageOf(error);
        },
      );
  }
}

/** Each cell that reads a missing source, directly or through other cells, with that source's name. */
function waitingCells(analysis: Analysis, missing: Set<string>): Map<string, string> {
  const waiting = new Map<string, string>();
  if (missing.size === 0) return waiting;
  for (const key of analysis.order) {
    const cell = analysis.cells.get(key)!;
    const source = cell.sourceDeps.find((d) => missing.has(d.toLowerCase()));
    if (source !== undefined) waiting.set(key, source);
    else {
      const dep = cell.cellDeps.find((d) => waiting.has(d));
      if (dep !== undefined) waiting.set(key, waiting.get(dep)!);
    }
  }
  return waiting;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : text + '\n';
}

function firstHeading(nb: Notebook): string | null {
  for (const b of nb.blocks) {
    if (b.type !== 'prose') continue;
    const m = /^#\s+(.+)$/m.exec(b.text);
    if (m) return m[1]!.trim();
  }
  return null;
}

export type { CellBlock };
