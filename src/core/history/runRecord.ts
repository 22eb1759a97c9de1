import { readJsonLines } from '../jsonLines';
import type { NotebookResults } from '../notebook/notebookResults';
import type { SourceStatus } from '../notebook/sourceStatus';
import type { Manifest } from '../manifest/manifest';

/** The dataset version a run read: which manifest, which version, and where it sits in its lineage. */
export interface RunManifest {
  /** The manifest as the notebook names it (a path relative to the notebook, or a dataset name in the app). */
  path: string;
  dataset: string | null;
  version: string;
  /** 0-based position of the version in parent order (see versionsInParentOrder): a trend's x order. */
  order: number;
}

/**
 * One run of a notebook, as the history keeps it (CLI: one line of `<notebook>.history.jsonl`;
 * app: one IndexedDB record). Schema: `$defs/run_record` in src/cli/results.schema.json.
 */
export interface RunRecord {
  record: 'assay-run';
  record_version: 1;
  /** Unique per run; export and import deduplicate by it. */
  id: string;
  /** The notebook's file name (the CLI) or title (the app). */
  notebook: string;
  /** SHA-256 of the notebook's text at the run: a later text that differs marks the run as made by another notebook text. */
  notebook_sha256: string;
  /** ISO time the run finished. */
  ran_at: string;
  engine: { name: string; version: string };
  manifest: RunManifest | null;
  /** Each source's fingerprint, rows and pin, as in the results. */
  sources: SourceStatus[];
  params: Record<string, unknown>;
  /** The whole results document (what `assay run --json` writes). */
  results: NotebookResults;
}

/** A record as read back for a notebook whose current text has hash `current`: marked when the text differed. */
export interface MarkedRunRecord extends RunRecord {
  notebook_changed: boolean;
}

/** SHA-256 (hex) of a notebook's text as UTF-8, with Web Crypto (the browser and Node both have it). */
export async function textSha256(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Assemble the record of a finished run. `id` defaults to a random UUID. */
export function runRecord(fields: {
  notebook: string;
  notebookSha256: string;
  ranAt: string;
  results: NotebookResults;
  manifest: RunManifest | null;
  params: Record<string, unknown>;
  id?: string;
}): RunRecord {
  return {
    record: 'assay-run',
    record_version: 1,
    id: fields.id ?? globalThis.crypto.randomUUID(),
    notebook: fields.notebook,
    notebook_sha256: fields.notebookSha256,
    ran_at: fields.ranAt,
    engine: fields.results.engine,
    manifest: fields.manifest,
    sources: fields.results.sources,
    params: fields.params,
    results: fields.results,
  };
}

/** Records marked by whether the notebook text they ran differs from the current one (`currentSha256`). */
export function markChanged(records: readonly RunRecord[], currentSha256: string): MarkedRunRecord[] {
  return records.map((r) => ({ ...r, notebook_changed: r.notebook_sha256 !== currentSha256 }));
}

/** The history as JSON Lines: one record per line, oldest first (the export and the CLI's file). */
export function serializeHistory(records: readonly RunRecord[]): string {
  return records.map((r) => JSON.stringify(stripMark(r)) + '\n').join('');
}

/** A line of a history file that is not a run record: its 1-based line and why. */
export interface HistoryProblem {
  line: number;
  message: string;
}

/**
 * Read a history file (JSON Lines). Blank lines are skipped; a line that is not a run record
 * is a problem naming its line, and the others are still read. A record seen twice (same id)
 * is kept once.
 */
export function parseHistory(text: string): { records: RunRecord[]; problems: HistoryProblem[] } {
  const records: RunRecord[] = [];
  const seen = new Set<string>();
  const problems = readJsonLines(text, 'is not JSON', (value) => {
    const why = recordProblem(value);
    if (why) return why;
    const r = value as RunRecord;
    if (!seen.has(r.id)) {
      seen.add(r.id);
      records.push(r);
    }
    return null;
  });
  return { records, problems };
}

/** Two histories as one: deduplicated by id, in time order (ties keep the first history's order). */
export function mergeHistory(a: readonly RunRecord[], b: readonly RunRecord[]): RunRecord[] {
  const byId = new Map<string, RunRecord>();
  for (const r of [...a, ...b]) if (!byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()].map((r, i) => [r, i] as const).sort(([x, i], [y, j]) => (x.ran_at < y.ran_at ? -1 : x.ran_at > y.ran_at ? 1 : i - j)).map(([r]) => r);
}

/**
 * A manifest's versions in parent order: each version after its parent, roots first, and
 * otherwise in the manifest's own order. Versions in a parent loop (reported elsewhere by
 * lineageProblems) come last, in file order.
 */
export function versionsInParentOrder(manifest: Pick<Manifest, 'versions'>): string[] {
  const names = manifest.versions.map((v) => v.version);
  const known = new Set(names);
  const out: string[] = [];
  const placed = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const v of manifest.versions) {
      if (placed.has(v.version)) continue;
      const parent = v.parent ?? null;
      if (parent === null || !known.has(parent) || placed.has(parent)) {
        out.push(v.version);
        placed.add(v.version);
        progress = true;
      }
    }
  }
  for (const n of names) if (!placed.has(n)) out.push(n);
  return out;
}

function stripMark(r: RunRecord | MarkedRunRecord): RunRecord {
  if (!('notebook_changed' in r)) return r;
  const { notebook_changed: _, ...rest } = r;
  return rest;
}

/** Why a parsed value is not a run record, or null when it is one. */
function recordProblem(v: unknown): string | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'is not a JSON object';
  const r = v as Record<string, unknown>;
  if (r.record !== 'assay-run') return 'is not an Assay run record (no "record": "assay-run")';
  if (r.record_version !== 1) return `has record_version ${JSON.stringify(r.record_version)}; this Assay reads version 1`;
  for (const key of ['id', 'notebook', 'notebook_sha256', 'ran_at'] as const) if (typeof r[key] !== 'string') return `has no ${key} (a string)`;
  if (!/^[0-9a-f]{64}$/.test(r.notebook_sha256 as string)) return 'notebook_sha256 is not 64 hex digits';
  if (Number.isNaN(Date.parse(r.ran_at as string))) return 'ran_at is not an ISO time';
  const engine = r.engine as Record<string, unknown> | null;
  if (!engine || typeof engine.name !== 'string' || typeof engine.version !== 'string') return 'has no engine {name, version}';
  if (r.manifest !== null) {
    const m = r.manifest as Record<string, unknown> | undefined;
    if (!m || typeof m.path !== 'string' || typeof m.version !== 'string' || typeof m.order !== 'number') return 'manifest is neither null nor {path, dataset, version, order}';
  }
  if (!Array.isArray(r.sources)) return 'has no sources (a list)';
  if (!r.params || typeof r.params !== 'object') return 'has no params (an object)';
  const results = r.results as Record<string, unknown> | null;
  if (!results || !Array.isArray(results.cells)) return 'has no results with cells';
  return null;
}
