import { existsSync, openAsBlob, realpathSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Engine } from '../engine/Engine';
import { AssayError, messageOf } from '../core/errors';
import { parseNotebook } from '../core/notebook/parseNotebook';
import { analyzeNotebook, type Analysis } from '../core/notebook/analyzeNotebook';
import { runCells, type CellRun } from '../core/notebook/runCells';
import { parseReviewLog } from '../core/review/reviewLogFile';
import type { ReviewEvent } from '../core/review/ReviewEvent';
import { sourceStatus, type SourceStatus } from '../core/notebook/sourceStatus';
import { notebookResults, type NotebookResults } from '../core/notebook/notebookResults';
import type { Diagnostic, Notebook, SourceRef } from '../core/notebook/types';
import { checkFile, parseManifest, type FileCheck, type Manifest } from '../core/manifest/manifest';
import { manifestPlan } from '../core/manifest/manifestPlan';
import { lineageProblems } from '../core/manifest/lineage';
import { nodeImageHost } from './imageFolder';
import { runRecord, textSha256, versionsInParentOrder, type RunManifest, type RunRecord } from '../core/history/runRecord';

export interface RunFileOptions {
  /** Parameter overrides (`--param seed=7`). */
  params?: Record<string, unknown>;
  /** Allow source paths outside the notebook's project (see projectRoot). */
  allowOutside?: boolean;
  /**
   * Run the notebook's SQL with the engine unsealed (`--unsafe`): it can then read and write
   * files and URLs. Only for one's own notebooks; off by default.
   */
  unsafe?: boolean;
  /** Called once the sources are open, before any cell runs (tests use it to scale the data). */
  beforeRun?: (sources: SourceStatus[]) => Promise<void>;
  /**
   * Earlier runs (a --history file): trend cells draw them. Only records of this notebook
   * (same file name) are used.
   */
  history?: readonly RunRecord[];
  /**
   * Run over one version of a manifest (`--over-versions`): every source that names this
   * manifest (by real path) without a `version` reads this version. A notebook with no such
   * source is an error.
   */
  overVersion?: { manifest: string; version: string };
  /** The run's time (ISO); default now. */
  ranAt?: string;
}

export interface RunFileResult {
  /** The notebook file's text. */
  text: string;
  results: NotebookResults;
  runs: CellRun[];
  diagnostics: Diagnostic[];
  /**
   * What verifying the manifests found beyond each source's own pin: every file of a version
   * (checksum, bytes, rows), and lineage loops. Warnings, or errors under `--strict`.
   */
  manifestProblems: string[];
  /** The run as a history record (what `--history DIR` appends). */
  record: RunRecord;
}

/** A notebook file with its sources open (and the engine not yet sealed). */
export interface OpenedNotebook {
  text: string;
  notebook: Notebook;
  analysis: Analysis;
  diagnostics: Diagnostic[];
  sources: SourceStatus[];
  manifestProblems: string[];
  /** Each manifest a source names (as the notebook writes its path), parsed. */
  manifests: Map<string, Manifest>;
  /** The dataset version the run reads (see RunFileOptions.overVersion), for its history record. */
  runManifest: RunManifest | null;
}

/**
 * Read and analyse a notebook file and open its sources (paths relative to the file),
 * comparing fingerprints with the pins; `extra` adds sources to open that the notebook does
 * not name (`assay suggest` opens every version of a manifest). A notebook that cannot be
 * parsed throws an AssayError naming the file and line.
 */
export async function openNotebookSources(path: string, engine: Engine, options: Pick<RunFileOptions, 'allowOutside' | 'overVersion'> & { extra?: (notebook: Notebook, manifests: Map<string, Manifest>) => SourceRef[] } = {}): Promise<OpenedNotebook> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new AssayError('input', `cannot read the notebook (${messageOf(cause)})`, { subject: path, cause });
  }
  const { notebook, diagnostics } = parseNotebook(text);
  const analysis = analyzeNotebook(notebook, diagnostics);
  const all = [...diagnostics, ...analysis.diagnostics].sort((a, b) => a.line - b.line);
  const fatal = diagnostics.find((d) => d.severity === 'error' && !d.cell);
  if (fatal) throw new AssayError('notebook', `line ${fatal.line}: ${fatal.message}`, { subject: path });

  const root = dirname(realpathSync(file));
  const folder: Folder = { root, boundary: projectRoot(root), allowOutside: options.allowOutside ?? false };
  const sources: SourceStatus[] = [];
  const manifestProblems: string[] = [];
  const manifests = new Map<string, Manifest>();
  let runManifest: RunManifest | null = null;
  let followers = 0;
  const open = async (declared: SourceRef, named: boolean) => {
    let ref = declared;
    if (ref.manifest) {
      const over = options.overVersion;
      if (named && over && ref.version === undefined && (await realpath(resolve(root, ref.manifest)).catch(() => null)) === over.manifest) {
        ref = { ...ref, version: over.version };
        followers++;
      }
      const opened = await openManifestSource(ref, folder, engine, manifestProblems, manifests);
      sources.push(opened.status);
      // The run's dataset version: the one --over-versions set, else the first manifest source's.
      if (named && opened.version && (runManifest === null || (ref !== declared && followers === 1))) runManifest = opened.version;
      return;
    }
    if (!ref.path) return;
    try {
      const target = await insidePath(folder, ref.path);
      const info = await openPath(engine, target, ref.name, ref.columns);
      sources.push(sourceStatus(ref, info));
    } catch (error) {
      sources.push(sourceStatus(ref, null, messageOf(error)));
    }
  };
  for (const ref of notebook.frontMatter.sources) await open(ref, true);
  for (const ref of options.extra?.(notebook, manifests) ?? []) await open(ref, false);
  if (options.overVersion && followers === 0) {
    throw new AssayError('input', `no source reads ${options.overVersion.manifest} without a pinned version, so --over-versions has nothing to vary (name it as {manifest: …} without version:)`, { subject: path });
  }
  return { text, notebook, analysis, diagnostics: all, sources, manifestProblems, manifests, runManifest };
}

/**
 * Run a notebook file headlessly: open its sources (paths relative to the file),
 * compare fingerprints with the pins, run every cell. Errors in single cells are in the
 * results; a notebook that cannot be parsed throws an AssayError naming the file and line.
 */
export async function runNotebookFile(path: string, engine: Engine, options: RunFileOptions = {}): Promise<RunFileResult> {
  const file = resolve(path);
  const { text, notebook, analysis, diagnostics: all, sources, manifestProblems, runManifest } = await openNotebookSources(path, engine, options);
  const root = dirname(realpathSync(file));
  const folder: Folder = { root, boundary: projectRoot(root), allowOutside: options.allowOutside ?? false };
  await options.beforeRun?.(sources);
  // Every source is open: from here on the notebook's SQL reaches nothing else.
  if (!options.unsafe) await engine.seal();
  const params = { ...notebook.frontMatter.params, ...options.params };
  const reviewEvents = async (cell: string, logFile: string | null) => (logFile ? readReviewLog(folder, logFile) : []);
  const sourceError = (name: string) => sources.find((s) => s.name === name)?.error;
  const notebookSha256 = await textSha256(text);
  const history = { records: (options.history ?? []).filter((r) => r.notebook === basename(file)), current: { notebookSha256, manifest: runManifest } };
  const measureImages = nodeImageHost((p) => insidePath(folder, p));
  const runs = await runCells(analysis, { query: (sql) => engine.query(sql), params, reviewEvents, sourceError, history, measureImages });
  const v = await engine.versions();
  const results = notebookResults(basename(file), { name: v.engine, version: v.duckdb }, sources, runs);
  if (options.unsafe) results.unsafe = true;
  const record = runRecord({ notebook: basename(file), notebookSha256, ranAt: options.ranAt ?? new Date().toISOString(), results, manifest: runManifest, params });
  return { text, results, runs, diagnostics: all, manifestProblems, record };
}

/** Where a notebook's files are resolved, and the folder they must stay in. */
interface Folder {
  /** The notebook's own folder (real path). */
  root: string;
  /** The project folder (real path) that files must stay inside unless allowOutside. */
  boundary: string;
  allowOutside: boolean;
}

/**
 * A path the notebook names, resolved against `base` (default the notebook's folder) with
 * every symlink followed, and refused when the real file is outside the project folder: a
 * link inside the project to ~/.ssh is as outside as the path itself.
 */
async function insidePath(folder: Folder, path: string, base = folder.root): Promise<string> {
  const target = resolve(base, path);
  const real = await realpath(target).catch((cause) => {
    throw new AssayError('input', (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${messageOf(cause)})`, { subject: path, cause });
  });
  if (!folder.allowOutside && !isInside(real, folder.boundary)) {
    const how = real === target ? '' : ` (it links to ${real})`;
    throw new AssayError('input', `is outside the notebook's project folder ${folder.boundary}${how}; allow it explicitly with --allow-outside`, { subject: path });
  }
  return real;
}

/** A review cell's log file; a line that is not an event fails the cell, naming file and line. */
async function readReviewLog(folder: Folder, shown: string): Promise<ReviewEvent[]> {
  const path = await insidePath(folder, shown);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new AssayError('input', `cannot read the review log (${messageOf(cause)})`, { subject: shown, cause });
  }
  const { events, problems } = parseReviewLog(text);
  if (problems.length) throw new AssayError('input', `line ${problems[0]!.line}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more lines)` : ''}`, { subject: shown });
  return events;
}

/** Open a file by path: natively where the engine reads paths itself, else as a Blob. */
export async function openPath(engine: Engine, path: string, name: string, columns?: string[]) {
  const found = await stat(path).catch(() => null);
  if (!found?.isFile()) throw new AssayError('input', 'no such file', { subject: path });
  const native = engine as Engine & { openPath?: (p: string, o: { name: string; columns?: string[] }) => ReturnType<Engine['openFile']> };
  if (typeof native.openPath === 'function') return native.openPath(path, { name, columns });
  return engine.openFile(await openAsBlob(path), basename(path), { name, columns });
}

/**
 * A source that is one version of a manifest: its files opened, every one verified (checksum,
 * bytes, rows; problems beyond the first file's pin go to `problems`), unioned when several.
 */
async function openManifestSource(ref: SourceRef, folder: Folder, engine: Engine, problems: string[], manifests?: Map<string, Manifest>): Promise<{ status: SourceStatus; version: RunManifest | null }> {
  const failed = (error: string) => ({ status: sourceStatus(ref, null, error), version: null });
  let manifestPath: string;
  try {
    manifestPath = await insidePath(folder, ref.manifest!);
  } catch (error) {
    return failed(messageOf(error));
  }
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (cause) {
    return failed(`${ref.manifest}: cannot be read (${messageOf(cause)})`);
  }
  const { manifest, problems: invalid } = parseManifest(text);
  if (!manifest) return failed(`${ref.manifest}: ${invalid.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  manifests?.set(ref.manifest!, manifest);
  for (const p of lineageProblems(manifest)) problems.push(`${ref.manifest}: ${p.path}: ${p.message}`);
  const plan = manifestPlan(manifest).find((p) => p.version === (ref.version ?? manifest.versions.at(-1)!.version));
  if (!plan) return failed(`${ref.manifest} has no version ${ref.version}`);
  const version: RunManifest = { path: ref.manifest!, dataset: manifest.dataset, version: plan.version, order: versionsInParentOrder(manifest).indexOf(plan.version) };
  const checks: FileCheck[] = [];
  for (const { entry, table } of plan.files) {
    try {
      const path = await insidePath(folder, entry.path, dirname(manifestPath));
      const info = await openPath(engine, path, plan.files.length === 1 ? ref.name : table);
      checks.push(checkFile(plan.version, entry, info));
    } catch (error) {
      checks.push(checkFile(plan.version, entry, null, messageOf(error)));
    }
  }
  const union = plan.unionSql(ref.name);
  if (union) await engine.query(union);
  const bad = checks.find((c) => c.status !== 'ok' && c.actual === null);
  if (bad) return { status: sourceStatus(ref, null, bad.message), version };
  // The source's pin is the first file's checksum (sourceStatus compares it); every other
  // disagreement with the manifest is reported here, so a tampered second file is caught.
  checks.forEach((c, i) => {
    if (c.status !== 'ok' && !(i === 0 && c.status === 'checksum mismatch')) problems.push(`${ref.manifest} ${plan.version}: ${c.message}`);
  });
  const first = checks[0]!;
  return { status: sourceStatus(ref, { sha256: first.actual!.sha256, rows: checks.reduce((s, c) => s + (c.actual?.rows ?? 0), 0), pinned_sha256: first.expected.sha256 }), version };
}

/**
 * The folder a notebook may read from without being told otherwise: the nearest ancestor
 * holding .git or package.json (a checkout), else the notebook's own folder. A notebook
 * from elsewhere cannot quietly read ~/.ssh.
 */
export function projectRoot(folder: string): string {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, '.git')) || existsSync(resolve(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return folder;
  }
}

function isInside(target: string, folder: string): boolean {
  const rel = relative(folder, target);
  return !rel.startsWith('..') && !isAbsolute(rel);
}
