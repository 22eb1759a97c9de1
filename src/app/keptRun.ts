import { tableFromIPC, tableToIPC } from 'apache-arrow';
import type { CellBlock } from '../core/notebook/types';
import type { SourceStatus } from '../core/notebook/sourceStatus';
import type { StoredCell, StoredRun } from './store/NotebookStore';
import type { CellView } from './NotebookSession.svelte';

/** How a kept run relates to the data open now. */
export interface RunFreshness {
  /** `match`: every source the run read is open with the same bytes; `differs`: some are not; `unknown`: some are not open. */
  sources: 'match' | 'differs' | 'unknown';
  /** The sources whose fingerprint differs from the run's, or that are not open. */
  names: string[];
}

/**
 * A run as the store keeps it: each finished cell's result and shown rows (Arrow IPC bytes,
 * which IndexedDB clones cheaply), with the body it ran so a later edit can be told apart.
 */
export function captureRun(fields: {
  notebookId: string;
  ranAt: string;
  text: string;
  engine: string | null;
  sources: readonly SourceStatus[];
  blocks: readonly CellBlock[];
  cells: Record<string, CellView>;
}): StoredRun {
  const cells: Record<string, StoredCell> = {};
  for (const block of fields.blocks) {
    const key = block.name.toLowerCase();
    const view = fields.cells[key];
    if (!view || (view.status !== 'ok' && view.status !== 'error')) continue;
    cells[key] = {
      kind: block.kind,
      body: block.body,
      status: view.status,
      error: view.error,
      elapsedMs: view.elapsedMs,
      // Svelte's state proxies are not cloneable; the result is plain data, so a JSON copy is exact for it.
      result: view.output ? (JSON.parse(JSON.stringify(view.output.result, bigintAsNumber)) as Record<string, unknown>) : null,
      table: view.output?.table ? tableToIPC(view.output.table, 'stream') : null,
      truncated: view.output?.truncated ?? false,
    };
  }
  return { notebookId: fields.notebookId, ranAt: fields.ranAt, text: fields.text, engine: fields.engine, sources: fields.sources.map((s) => ({ name: s.name, sha256: s.sha256 })), cells };
}

/**
 * The views a kept run gives the notebook's cells now: a cell whose kind and body are as
 * they ran shows its kept output; the others get nothing (the caller marks what reads
 * them stale). Returns the views and the names of the cells that changed since.
 */
export function restoredViews(run: StoredRun, blocks: readonly CellBlock[]): { views: Record<string, CellView>; changed: string[] } {
  const views: Record<string, CellView> = {};
  const changed: string[] = [];
  for (const block of blocks) {
    const key = block.name.toLowerCase();
    const kept = run.cells[key];
    if (!kept || kept.kind !== block.kind || kept.body !== block.body) {
      changed.push(key);
      continue;
    }
    views[key] = {
      status: kept.status,
      error: kept.error,
      elapsedMs: kept.elapsedMs,
      output: kept.status === 'ok' && kept.result ? { result: kept.result, table: kept.table ? tableFromIPC(kept.table) : null, truncated: kept.truncated } : null,
    };
  }
  return { views, changed };
}

/** Whether the data open now is the data the kept run read. */
export function runFreshness(run: Pick<StoredRun, 'sources'>, open: readonly SourceStatus[]): RunFreshness {
  const now = new Map(open.map((s) => [s.name.toLowerCase(), s.sha256]));
  const missing = run.sources.filter((s) => !now.get(s.name.toLowerCase())).map((s) => s.name);
  const differs = run.sources.filter((s) => { const sha = now.get(s.name.toLowerCase()); return sha && sha !== s.sha256; }).map((s) => s.name);
  if (differs.length) return { sources: 'differs', names: differs };
  if (missing.length) return { sources: 'unknown', names: missing };
  return { sources: 'match', names: [] };
}

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
