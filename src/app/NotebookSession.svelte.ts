import type { Table } from 'apache-arrow';
import { cellKind } from '../core/cells/registry';
import type { CellOutput } from '../core/cells/CellKind';
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
import type { ConfusionSpec } from '../core/cells/confusionCell';

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

/** Rows a drill-down shows; the count is always exact. */
export const DRILL_LIMIT = 10_000;

export type CellStatus = 'idle' | 'stale' | 'running' | 'ok' | 'error';

/** What a cell shows. */
export interface CellView {
  status: CellStatus;
  output: CellOutput | null;
  error: string | null;
  elapsedMs: number | null;
}

/** What a notebook needs from the page: SQL, and sources found or opened by name. */
export interface NotebookHost {
  query(sql: string): Promise<Table>;
  /** Make `ref` queryable under its name; returns its fingerprint and row count. */
  provideSource(ref: SourceRef, baseUrl: string | null): Promise<{ sha256: string; rows: number; pinned_sha256?: string }>;
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
  /** Open drill-downs, by cell name (lowercased). */
  drills = $state<Record<string, DrillDown>>({});
  #analysis: Analysis = analyzeNotebook(this.notebook);
  #host: NotebookHost;
  #store: NotebookStore | null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #saving: Promise<void> = Promise.resolve();
  #sourcesReady = false;
  #autoRunTimer: ReturnType<typeof setTimeout> | null = null;
  #autoRunNames = new Set<string>();

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

  removeBlock(id: string): void {
    this.#replaceBlocks(this.notebook.blocks.filter((b) => b.id !== id));
  }

  /** Rename a cell (its view name changes too, so it and what reads it become stale). */
  renameCell(id: string, name: string): void {
    const blocks = this.notebook.blocks.map((b) => (b.id === id && b.type === 'cell' ? { ...b, name } : b));
    this.#replaceBlocks(blocks);
  }

  /** Run every cell in dependency order. */
  runAll(): Promise<void> {
    return this.#run(this.#analysis.order);
  }

  /** Run a cell and everything downstream of it. */
  runCell(name: string): Promise<void> {
    return this.#run(downstreamOf(this.#analysis, name));
  }

  /** Show the rows whose reference and compared labels are this pair (a confusion cell's drill-down). */
  async drillDown(cellName: string, reference: string, compared: string, group: string | null = null): Promise<void> {
    const key = cellName.toLowerCase();
    const spec = this.#analysis.cells.get(key)?.spec as ConfusionSpec | null | undefined;
    if (!spec) return;
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

  async #prepareSources(): Promise<void> {
    if (this.#sourcesReady) return;
    const statuses: SourceStatus[] = [];
    for (const ref of this.notebook.frontMatter.sources) {
      try {
        statuses.push(sourceStatus(ref, await this.#host.provideSource(ref, this.baseUrl)));
      } catch (error) {
        statuses.push(sourceStatus(ref, null, messageOf(error)));
      }
    }
    this.sources = statuses;
    this.#sourcesReady = true;
  }

  async #run(names: string[]): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.#prepareSources();
      for (const n of names) if (this.cells[n]) this.cells[n].status = 'running';
      await runCells(this.#analysis, {
        query: (sql) => this.#host.query(sql),
        params: this.notebook.frontMatter.params,
        only: names,
        earlier: (cell) => this.cells[cell]?.output?.result,
        onCell: (run) => {
          const key = run.name.toLowerCase();
          this.cells[key] = { status: run.status, output: run.output ?? null, error: run.error ?? null, elapsedMs: run.elapsedMs };
        },
      });
    } catch (error) {
      for (const n of names) if (this.cells[n]?.status === 'running') this.cells[n] = { status: 'error', output: null, error: messageOf(error), elapsedMs: null };
    } finally {
      this.running = false;
    }
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
