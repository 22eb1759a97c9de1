/**
 * `npm run bench [-- --quick]`: Assay in headless Chromium side by side with native DuckDB
 * on the same machine, in the same run. Generates its data deterministically, builds the app,
 * drives the real UI (file input, notebook cells), and runs the same SQL and post-processing
 * in native DuckDB, each native run right after the browser's run of the same case, and the
 * profile, drift, confusion and sample statistics in pandas / SciPy / scikit-learn (the Python
 * peer, python_peer.py) right after that. Prints a table and writes it to test/bench/results/.
 * The images stage (`--only images`) measures the images cell over generated folders of
 * 256×256 PNG and JPEG files, in the browser and in `assay run`.
 */
import { parseNotebook } from '../../src/core/notebook/parseNotebook';
import { analyzeNotebook } from '../../src/core/notebook/analyzeNotebook';
import { runCells } from '../../src/core/notebook/runCells';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execSync } from 'node:child_process';
import { preview } from 'vite';
import { chromium, type Page } from 'playwright-core';
import { NativeEngine } from '../../src/engine/native/NativeEngine';
import { cellKind } from '../../src/core/cells/registry';
import { tableCountSql, tablePageSql, type BrowseColumn, type TableQuery } from '../../src/core/sql/tableQuery';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/harness';
import { firstImages, imageFolder, IMAGE_SIZE } from './imageFolder';
import { writeBenchParquet } from './benchParquet';
import { csvCopy, peerDifferences, PythonPeer, type PeerHello } from './pythonPeer';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = join(root, 'test/bench/data');
const resultsDir = join(root, 'test/bench/results');
const quick = process.argv.includes('--quick');
const skipBuild = process.argv.includes('--no-build');
/** `--no-python`: leave the Python peer out. */
const skipPython = process.argv.includes('--no-python');
/** `--only drift` (or `--only 1m`, `--only 10m`, `--only start`, `--only images`): one stage, for checking a change quickly. */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const sizes = (quick ? [1_000_000] : [1_000_000, 10_000_000]).filter((n) => !only || only === `${n / 1_000_000}m`);
const REPEAT = 3;

interface Row {
  case: string;
  /** The rows the case reads (0 for the start-up rows, which read none). */
  rows: number;
  browser_ms: number | null;
  native_ms: number | null;
  ratio: number | null;
  peak_browser_mb: number | null;
  /** The first run in a browser profile that never ran Assay (the warm-up pass), at 1M rows. */
  cold_ms?: number | null;
  /** Files a second (the images stage). */
  per_second?: number | null;
  /** The Python peer: the file read into a DataFrame for the open row, the statistics alone (on the DataFrame in memory) for a cell's. */
  python_ms?: number | null;
  /** python_ms / browser_ms: how many times faster Assay in the browser is. */
  python_ratio?: number | null;
  /** How many of the peer's figures were set against Assay's result, and where they differ (none when they agree). */
  python_check?: { compared: number; differs: string[] };
  note?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The bench's Parquet file of `rows` rows (shifted: the drift stage's new batch), written once. */
async function generate(rows: number, shifted = false): Promise<string> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `bench_${rows / 1_000_000}m${shifted ? '_shifted' : ''}.parquet`);
  if (!existsSync(file)) await writeBenchParquet(file, { rows, shifted });
  return file;
}

/** Sum of resident memory of every Chromium process of this run, sampled until stopped. */
function memorySampler(marker: string) {
  let peak = 0;
  const sample = () => {
    let total = 0;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (rss) total += Number(rss[1]) * 1024;
      } catch {
        /* process ended */
      }
    }
    peak = Math.max(peak, total);
  };
  const timer = setInterval(sample, 100);
  return {
    reset: () => (sample(), (peak = 0)),
    stop: () => (sample(), clearInterval(timer), Math.round(peak / 1024 / 1024)),
    peakMb: () => Math.round(peak / 1024 / 1024),
  };
}

/** The bench data's eight classes. */
const CLASSES = Array.from({ length: 8 }, (_, j) => `class_${j}`);

const CELLS = (table: string) => ({
  profile: `source: ${table}\nkey: image_id`,
  checks: `source: ${table}\nkey: image_id\nrules:\n  - not_null: lux\n    mostly: 0.95\n  - unique: image_id\n  - in_set: label\n    values: [class_0, class_1, class_2, class_3, class_4, class_5, class_6, class_7]\n  - between: confidence\n    min: 0.5\n    max: 1\n  - matches: image_id\n    pattern: '^img_[0-9]{9}$'`,
  confusion: `source: ${table}\nreference: label\ncompared: prediction`,
  agreement: `source: ${table}\nitem: item_id\nrater: rater\nlabel: label`,
  sample: `source: ${table}\nstratify: label\nkey: image_id\nfraction: 0.05\nmin_per_class: 5\nseed: 20261122`,
  chart: `source: ${table}\nmark: histogram\nx: lux\nbins: 40\nfill: vendor`,
  // Model probabilities per class for label_issues (issue 22), from the prediction and its confidence.
  sql: `SELECT image_id, label, ${CLASSES.map((c, j) => `CASE WHEN prediction = '${c}' THEN confidence ELSE (1 - confidence) / 7 END AS p_${j}`).join(', ')} FROM ${table}`,
  label_issues: `source: sql_cell\nkey: image_id\nlabel: label\nprobabilities: {${CLASSES.map((c, j) => `${c}: p_${j}`).join(', ')}}`,
});

/**
 * The Python peer's request for a cell of CELLS it has a peer for (profile, confusion, sample),
 * from the cell's own parsed spec so the two cannot drift apart; null for the others.
 */
function peerRequest(kind: string, body: string, table: string): Record<string, unknown> | null {
  if (!['profile', 'confusion', 'sample'].includes(kind)) return null;
  const spec = cellKind(kind)!.parse(body).spec as unknown as Record<string, unknown>;
  if (kind === 'profile') return { op: 'profile', table, key: spec.key, top: spec.top, bins: spec.bins };
  if (kind === 'confusion') return { op: 'confusion', table, reference: spec.reference, compared: spec.compared };
  return { op: 'sample', table, stratify: spec.stratify, fraction: spec.fraction, min_per_class: spec.minPerClass, seed: Number(spec.seed) };
}

/** The whole bench notebook (every cell above), as its text. */
const NOTEBOOK = (table: string) =>
  `---\ntitle: bench\nsources:\n  ${table}:\n    path: ${table}.parquet\n---\n\n${Object.entries(CELLS(table))
    .map(([kind, body]) => `\`\`\`${kind} ${kind}_cell\n${body}\n\`\`\`\n`)
    .join('\n')}`;

/** Wait until the app's engine has started. */
function engineReady(page: Page): Promise<unknown> {
  return page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 60_000 });
}

/** Wait until every named source is open; an error notice (a failed load) fails at once, with its text. */
async function waitForSources(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction(
    (ns) => ns.every((n) => document.querySelector(`[data-testid=source][data-name="${n}"]`)) || document.querySelector('[data-testid=notice]'),
    names,
    { timeout: 600_000, polling: 100 },
  );
  const notices = await page.locator('[data-testid=notice]').allTextContents();
  if (notices.length) throw new Error(`opening ${names.join(', ')} in the browser failed: ${notices.join(' | ')}`);
}

/** Open a new notebook with `text` as its source and show its cells. */
async function openNotebook(page: Page, text: string): Promise<void> {
  await page.getByTestId('new-notebook').click();
  await page.getByRole('button', { name: 'Source' }).click();
  await page.getByTestId('source-editor').fill(text);
  await page.getByRole('button', { name: 'Cells' }).click();
}

/** Run all, from the click until every cell is done (ms); a cell that failed fails the bench, with its error. */
async function runAll(page: Page, pass: string): Promise<number> {
  const t = Date.now();
  await page.getByRole('button', { name: 'Run all' }).click();
  await page.waitForFunction(() => {
    const cs = [...document.querySelectorAll('[data-testid=nb-cell]')];
    return cs.length > 0 && cs.every((c) => ['ok', 'error'].includes(c.getAttribute('data-status')!));
  }, null, { timeout: 600_000, polling: 50 });
  const elapsed = Date.now() - t;
  const failed = page.locator('[data-testid=nb-cell][data-status=error]');
  if (await failed.count()) throw new Error(`${await failed.first().getAttribute('data-name')} failed in ${pass}: ${await failed.first().getByTestId('cell-error').textContent()}`);
  return elapsed;
}

/**
 * The warm-up pass of a stage: open `files` and run `notebook` once, then reload the page.
 * A new browser profile has never compiled DuckDB-WASM's code: V8 compiles each function
 * the first time it runs and optimises the hot ones in the background, on the same two
 * cores, and caches the result with the module for the next load of the page. This pass
 * leaves the browser as a returning user's is, and its times are that first use: per cell,
 * the open and the whole notebook.
 */
async function warmUp(page: Page, files: string[], notebook: string): Promise<Record<string, number>> {
  const cold: Record<string, number> = {};
  const names = files.map((f) => f.split('/').pop()!.replace('.parquet', ''));
  const t0 = Date.now();
  await page.setInputFiles('[data-testid=file-input]', files);
  await waitForSources(page, names);
  cold['open Parquet (ingest + SHA-256)'] = Date.now() - t0;
  await openNotebook(page, notebook);
  cold['whole notebook (Run all)'] = await runAll(page, 'the warm-up pass');
  for (const cell of await page.locator('[data-testid=nb-cell]').all()) {
    const name = (await cell.getAttribute('data-name'))!;
    cold[`${name.replace(/_cell$/, '')} cell`] = Math.round(Number(await cell.getAttribute('data-elapsed-ms')));
  }
  await page.goto(page.url().split('#')[0]!);
  await engineReady(page);
  return cold;
}

/**
 * Native DuckDB beside the browser: each browser run of a cell is followed by the same cell
 * natively, so the two are timed seconds apart. The host's speed drifts by up to 2× over
 * minutes, and a ratio of runs taken minutes apart measured that drift as much as the engines.
 */
interface NativeSide {
  /** Open the file into the table (again): the open's time and the footer read's. */
  open(): Promise<{ open: number; schema: number }>;
  cell(kind: string): Promise<{ ms: number; result: Record<string, unknown> }>;
  all(): Promise<number>;
  /** A result table's sort or filter over the SQL cell's view: the count and the first page, as the app's TableBrowser asks them. */
  browse(q: TableQuery): Promise<number>;
}

/** The SQL cell's columns as its result table browses them. */
const BROWSE_COLUMNS: BrowseColumn[] = [{ name: 'image_id', numeric: false }, { name: 'label', numeric: false }, ...CLASSES.map((_, j) => ({ name: `p_${j}`, numeric: true }))];
/** The table actions the bench times: a header click (sort) and a filter typed into one column's box. */
const BROWSE_CASES: { case: string; q: TableQuery; act: (cell: ReturnType<Page['locator']>) => Promise<void> }[] = [
  { case: 'result table: sort by a column (ORDER BY in DuckDB)', q: { sort: { column: 'p_3', descending: false }, filters: {} }, act: (cell) => cell.getByTestId('sort-p_3').click() },
  { case: 'result table: filter a column (WHERE in DuckDB)', q: { sort: null, filters: { label: 'class_3' } }, act: (cell) => cell.getByTestId('filter-label').fill('class_3') },
];

/** The median of the peer's times, rounded; null when it gave none. */
const peerMedian = (xs: number[]) => (xs.length ? Math.round(median(xs)) : null);

async function browserRun(page: Page, file: string, rows: number, memory: ReturnType<typeof memorySampler>, native: NativeSide, peer: PythonPeer | null): Promise<Row[]> {
  const out: Row[] = [];
  const table = `bench_${rows / 1_000_000}m`;
  // Opened REPEAT times, each in a freshly loaded page (a new engine, so no load starts with
  // the memory of the one before); the cells then run on the last one.
  const schemaTimes: number[] = [];
  const openTimes: number[] = [];
  const nativeOpens: { open: number; schema: number }[] = [];
  const peerReads: number[] = [];
  let openPeak = 0;
  for (let i = 0; i < REPEAT; i++) {
    await page.goto(page.url().split('#')[0]!);
    await engineReady(page);
    memory.reset();
    const t0 = Date.now();
    await page.setInputFiles('[data-testid=file-input]', file);
    await page.waitForFunction((n) => document.querySelector('[data-testid=load]')?.textContent?.includes(`/ ${n} rows`), rows.toLocaleString('en-US'), { timeout: 60_000, polling: 'raf' });
    schemaTimes.push(Date.now() - t0);
    await waitForSources(page, [table]);
    openTimes.push(Date.now() - t0);
    openPeak = Math.max(openPeak, memory.peakMb());
    nativeOpens.push(await native.open());
    const read = await peer?.ask({ op: 'load', name: table, path: file });
    if (read) peerReads.push(read.ms);
  }
  const nativeMs = (pick: (o: { open: number; schema: number }) => number) => Math.round(median(nativeOpens.map(pick)));
  out.push({ case: 'schema + row count visible', rows, browser_ms: median(schemaTimes), native_ms: nativeMs((o) => o.schema), ratio: null, peak_browser_mb: null });
  out.push({ case: 'open Parquet (ingest + SHA-256)', rows, browser_ms: median(openTimes), native_ms: nativeMs((o) => o.open), ratio: null, peak_browser_mb: openPeak, python_ms: peerMedian(peerReads) });

  const cells = CELLS(table);
  await openNotebook(page, NOTEBOOK(table));
  for (const kind of Object.keys(cells)) {
    const cell = page.locator(`[data-testid=nb-cell][data-name=${kind}_cell]`);
    const times: number[] = [];
    const nativeTimes: number[] = [];
    const request = peer ? peerRequest(kind, cells[kind as keyof typeof cells], table) : null;
    const peerTimes: number[] = [];
    let check: Row['python_check'];
    memory.reset();
    for (let i = 0; i < REPEAT; i++) {
      await cell.getByRole('button', { name: 'Run', exact: true }).click();
      await page.waitForFunction((name) => {
        const el = document.querySelector(`[data-testid=nb-cell][data-name=${name}]`);
        return el && ['ok', 'error'].includes(el.getAttribute('data-status')!) && !document.querySelector('[data-testid=nb-cell][data-status=running]');
      }, `${kind}_cell`, { timeout: 600_000 });
      const status = await cell.getAttribute('data-status');
      if (status !== 'ok') throw new Error(`${kind} failed in the browser: ${await cell.getByTestId('cell-error').textContent()}`);
      times.push(Number(await cell.getAttribute('data-elapsed-ms')));
      const n = await native.cell(kind);
      nativeTimes.push(n.ms);
      const p = request ? await peer!.ask(request) : null;
      if (p) {
        peerTimes.push(p.ms);
        check ??= peerDifferences(kind, n.result, p.check ?? {});
      }
    }
    out.push({ case: `${kind} cell`, rows, browser_ms: Math.round(median(times)), native_ms: Math.round(median(nativeTimes)), ratio: null, peak_browser_mb: memory.peakMb(), python_ms: peerMedian(peerTimes), ...(check ? { python_check: check } : {}) });
  }
  // Sorting and filtering the SQL cell's result table (issue 27): the app's own time from the
  // action to the first page shown (the filter's typing pause left out), then the same two
  // statements natively.
  const sqlCell = page.locator('[data-testid=nb-cell][data-name=sql_cell]');
  for (const b of BROWSE_CASES) {
    const times: number[] = [];
    const nativeTimes: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      await b.act(sqlCell);
      const status = sqlCell.locator('[data-testid=browse-status][data-elapsed-ms]');
      await status.waitFor({ timeout: 600_000 });
      times.push(Number(await status.getAttribute('data-elapsed-ms')));
      await sqlCell.getByTestId('browse-status').getByRole('button', { name: 'Clear' }).click();
      nativeTimes.push(await native.browse(b.q));
    }
    out.push({ case: b.case, rows, browser_ms: Math.round(median(times)), native_ms: Math.round(median(nativeTimes)), ratio: null, peak_browser_mb: memory.peakMb() });
  }
  // The whole notebook: Run all, from the click until every cell is done.
  const runs: number[] = [];
  const nativeRuns: number[] = [];
  memory.reset();
  for (let i = 0; i < REPEAT; i++) {
    runs.push(await runAll(page, 'the browser'));
    nativeRuns.push(await native.all());
  }
  out.push({ case: 'whole notebook (Run all)', rows, browser_ms: Math.round(median(runs)), native_ms: Math.round(median(nativeRuns)), ratio: null, peak_browser_mb: memory.peakMb() });
  return out;
}

const DRIFT = (a: string, b: string) => `baseline: ${a}\ncurrent: ${b}\ncolumns: [lux, confidence, width, label, prediction, vendor]\nlabel: label`;

/** A notebook of one drift cell `d` between tables `a` and `b`. */
const DRIFT_NOTEBOOK = (a: string, b: string) => `---\ntitle: drift bench\n---\n\n\`\`\`drift d\n${DRIFT(a, b)}\n\`\`\`\n`;

/** Drift between two tables in the browser (opened through the file input), median of 3. */
async function browserDrift(
  page: Page,
  a: string,
  b: string,
  rows: number,
  memory: ReturnType<typeof memorySampler>,
  native: () => Promise<{ ms: number; result: Record<string, unknown> }>,
  peer: PythonPeer | null,
): Promise<Row> {
  // The peer reads both tables once, untimed here (the open rows time its reads).
  const loaded = peer && (await peer.ask({ op: 'load', name: 'da', path: a })) && (await peer.ask({ op: 'load', name: 'db', path: b }));
  const spec = cellKind('drift')!.parse(DRIFT('da', 'db')).spec as unknown as { columns: string[]; label: string };
  const peerTimes: number[] = [];
  let check: Row['python_check'];
  await page.goto(page.url().split('#')[0]!);
  await engineReady(page);
  const names = [a, b].map((f) => f.split('/').pop()!.replace('.parquet', ''));
  await page.setInputFiles('[data-testid=file-input]', [a, b]);
  await waitForSources(page, names);
  await openNotebook(page, DRIFT_NOTEBOOK(names[0]!, names[1]!));
  const cell = page.locator('[data-testid=nb-cell][data-name=d]');
  const times: number[] = [];
  const nativeTimes: number[] = [];
  memory.reset();
  for (let i = 0; i < REPEAT; i++) {
    await cell.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForFunction(() => ['ok', 'error'].includes(document.querySelector('[data-testid=nb-cell][data-name=d]')!.getAttribute('data-status')!), null, { timeout: 600_000 });
    if ((await cell.getAttribute('data-status')) !== 'ok') throw new Error(`drift failed in the browser: ${await cell.getByTestId('cell-error').textContent()}`);
    times.push(Number(await cell.getAttribute('data-elapsed-ms')));
    const n = await native();
    nativeTimes.push(n.ms);
    const p = loaded ? await peer!.ask({ op: 'drift', baseline: 'da', current: 'db', columns: spec.columns, label: spec.label }) : null;
    if (p) {
      peerTimes.push(p.ms);
      check ??= peerDifferences('drift', n.result, p.check ?? {});
    }
  }
  return { case: 'drift cell (two tables)', rows, browser_ms: Math.round(median(times)), native_ms: Math.round(median(nativeTimes)), ratio: null, peak_browser_mb: memory.peakMb(), python_ms: peerMedian(peerTimes), ...(check ? { python_check: check } : {}) };
}

/** The start's steps as the app measured them on one load (WorkerEngine's ready mark), and DuckDB's module fetch as the network saw it. */
interface StartSample {
  /** From the page's navigation to the engine ready. */
  ready: number;
  phases: Record<string, number>;
  /** The DuckDB module's request, from its start to its last byte; null when it was not seen. */
  fetch: number | null;
  /** The module's bytes that came over the wire (0 when the browser's cache answered). */
  fetchBytes: number | null;
  /** From V8's trace: the DuckDB module's streaming compile (its download with it) and instantiation, wall time. */
  compile: number | null;
  instantiate: number | null;
  /** From V8's trace: the small synchronous instantiations after it, in DuckDB's worker and its threads: how many, and from the first's start to the last's end. */
  syncCount: number;
  syncSpan: number | null;
}

interface TraceEvent {
  name: string;
  ts: number;
  dur?: number;
  tid: number;
  args?: { url?: string };
}

/**
 * The wasm steps of one load from V8's trace events (microseconds): the streaming compile of
 * the module whose URL is not parquet-wasm's (DuckDB's worker reports none), and the
 * synchronous instantiations that follow it on every thread.
 */
function wasmSteps(events: TraceEvent[]): Pick<StartSample, 'compile' | 'instantiate' | 'syncCount' | 'syncSpan'> {
  const parquetThreads = new Set(events.filter((e) => e.name === 'wasm.SetUrl' && /parquet/.test(e.args?.url ?? '')).map((e) => e.tid));
  const duck = (name: string) => events.find((e) => e.name === name && !parquetThreads.has(e.tid));
  const start = duck('wasm.StartStreamingCompilation');
  // The end of streaming (v8.wasm, the category traced) is where the compile is finished.
  const compiled = duck('wasm.FinishStreaming');
  const inst = duck('wasm.AsyncInstantiate');
  const sync = events.filter((e) => e.name === 'wasm.SyncInstantiate');
  const end = (e: TraceEvent) => e.ts + (e.dur ?? 0);
  return {
    compile: start && compiled ? (end(compiled) - start.ts) / 1000 : null,
    instantiate: inst?.dur !== undefined ? inst.dur / 1000 : null,
    syncCount: sync.length,
    syncSpan: sync.length ? (Math.max(...sync.map(end)) - Math.min(...sync.map((e) => e.ts))) / 1000 : null,
  };
}

/** The steps, in the order the start runs them, and how the rows name them. */
const START_STEPS: [string, (s: StartSample) => number | null][] = [
  ['start: page load to engine ready', (s) => s.ready],
  ['start: engine worker script loaded', (s) => s.phases.worker ?? null],
  ['start: DuckDB module fetched (network)', (s) => s.fetch],
  ['start: DuckDB instantiate (fetch + compile + instantiate)', (s) => s.phases.instantiate ?? null],
  ['start: … of it, the module compiled as it streams in (V8 trace)', (s) => s.compile],
  ['start: … of it, the module instantiated (V8 trace)', (s) => s.instantiate],
  ['start: … of it, small synchronous wasm instantiations (V8 trace, first to last)', (s) => s.syncSpan],
  ['start: parquet-wasm instantiate (beside it)', (s) => s.phases.parquet ?? null],
  ['start: open the database', (s) => s.phases.open ?? null],
  ['start: connect', (s) => s.phases.connect ?? null],
  ['start: first queries (settings)', (s) => s.phases['first queries'] ?? null],
];

/**
 * Engine start-up on a first visit (a browser profile that never loaded Assay) and on
 * returning ones (the page loaded again in that profile, REPEAT times): where the start goes.
 * DuckDB-WASM fetches, compiles and instantiates its module in one streaming step inside its
 * own worker, so the app can time only the whole step; the network log gives the fetch.
 */
async function startStage(url: string): Promise<{ rows: Row[]; engineText: string }> {
  const userDir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
  const context = await chromium.launchPersistentContext(userDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(600_000);
    let fetched: Promise<{ ms: number; bytes: number }> | null = null;
    // Requests of the workers (DuckDB's own included) are the page's in Chromium's network log.
    page.on('requestfinished', (req) => {
      if (/duckdb-(coi|eh)[^/]*\.wasm$/.test(req.url())) fetched = req.sizes().then((z) => ({ ms: req.timing().responseEnd, bytes: z.responseBodySize }));
    });
    // V8's wasm events say how the instantiate step divides: the app can time it only whole.
    const cdp = await context.newCDPSession(page);
    let events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
    const load = async (): Promise<StartSample> => {
      fetched = null;
      events = [];
      const traced = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['v8.wasm'] }, transferMode: 'ReportEvents' });
      await page.goto(url);
      await engineReady(page);
      await cdp.send('Tracing.end');
      await traced;
      const mark = (await page.evaluate(() => (performance.getEntriesByName('assay:engine-ready').at(-1) as PerformanceMark | undefined)?.detail)) as { sinceNavigation: number; phases: Record<string, number> } | undefined;
      if (!mark) throw new Error('the app set no assay:engine-ready mark');
      const f = await (fetched as Promise<{ ms: number; bytes: number }> | null);
      return { ready: mark.sinceNavigation, phases: mark.phases, fetch: f && f.ms >= 0 ? f.ms : null, fetchBytes: f ? f.bytes : null, ...wasmSteps(events) };
    };
    const first = await load();
    const engineText = ((await page.textContent('[data-testid=engine-status]')) ?? '').replace(/\s+/g, ' ').trim();
    const returning: StartSample[] = [];
    for (let i = 0; i < REPEAT; i++) returning.push(await load());
    const rows = START_STEPS.map(([name, pick]): Row => {
      const xs = returning.map(pick).filter((x): x is number => x !== null);
      const cold = pick(first);
      const note = name.includes('fetched')
        ? `first visit ${first.fetchBytes ?? '?'} bytes over the wire, returning ${returning.map((r) => r.fetchBytes ?? '?').join(', ')}`
        : name.includes('synchronous')
          ? `${first.syncCount} on the first visit, ${returning.map((r) => r.syncCount).join(', ')} returning`
          : undefined;
      return { case: name, rows: 0, browser_ms: xs.length ? Math.round(median(xs)) : null, native_ms: null, ratio: null, peak_browser_mb: null, cold_ms: cold === null ? null : Math.round(cold), ...(note ? { note } : {}) };
    });
    return { rows, engineText };
  } finally {
    await context.close();
    rmSync(userDir, { recursive: true, force: true });
  }
}

/** Native DuckDB with both drift tables open: one drift run per call, and a close. */
async function nativeDrift(a: string, b: string): Promise<{ run: () => Promise<{ ms: number; result: Record<string, unknown> }>; close: () => Promise<void> }> {
  const engine = await NativeEngine.create({ threads: 2 });
  await engine.openPath(a, { name: 'da' });
  await engine.openPath(b, { name: 'db' });
  const k = cellKind('drift')!;
  const spec = k.parse(DRIFT('da', 'db')).spec;
  return {
    async run() {
      const s = performance.now();
      const { result } = await k.run(spec, { name: 'd', query: (sql) => engine.query(sql), params: {} });
      return { ms: performance.now() - s, result };
    },
    close: () => engine.close(),
  };
}

/** `assay run` with the native engine on a triage notebook over the largest file: time and peak memory. */
function cliRun(file: string, rows: number): Row {
  const nb = join(dataDir, 'triage_bench.assay.md');
  writeFileSync(
    nb,
    `---\ntitle: triage bench\nsources:\n  batch: ${file.split('/').pop()}\n---\n\n\`\`\`profile overview\nsource: batch\nkey: image_id\n\`\`\`\n\n\`\`\`checks gates\n${CELLS('batch').checks}\n\`\`\`\n\n\`\`\`confusion model\n${CELLS('batch').confusion}\n\`\`\`\n`,
  );
  writeFileSync(join(dataDir, 'package.json'), '{}');
  const out = execSync(`/usr/bin/time -f '%e %M' node ${join(root, 'src/cli/bin.mjs')} run ${nb} --engine native --json ${join(dataDir, 'triage_bench.json')} 2>&1 >/dev/null | tail -1`, { cwd: root }).toString().trim();
  const [seconds, kb] = out.split(' ').map(Number);
  return { case: '`assay run` triage notebook (native)', rows, browser_ms: null, native_ms: Math.round(seconds! * 1000), ratio: null, peak_browser_mb: null, note: `peak memory ${Math.round(kb! / 1024)} MB` };
}

/** The images stage's folders: the issue's 5,000 images and a fifth of them, to show memory stays flat as the folder grows. */
const IMAGE_COUNTS = [1_000, 5_000];

/** A notebook of one images cell over `folder` (every measure, no metadata). */
const IMAGES_NOTEBOOK = (folder: string) => `---\ntitle: images bench\n---\n\n\`\`\`images scan\nfolder: ${folder}\n\`\`\`\n`;

/** The stage's folders under test/bench/data/, generated once (see imageFolder.ts). */
async function imageFolders(): Promise<Map<number, string>> {
  const largest = Math.max(...IMAGE_COUNTS);
  const big = join(dataDir, `images_${largest}`);
  const t = Date.now();
  const bytes = await imageFolder(big, largest);
  console.log(`data: ${big} (${largest} images, ${(bytes / 1e6).toFixed(0)} MB, ${((Date.now() - t) / 1000).toFixed(0)} s)`);
  const out = new Map<number, string>([[largest, big]]);
  for (const n of IMAGE_COUNTS.filter((c) => c !== largest)) {
    const dir = join(dataDir, `images_${n}`);
    firstImages(big, dir, n);
    out.set(n, dir);
  }
  return out;
}

/**
 * The images cell in the browser: a new browser per folder (WebAssembly memory never shrinks,
 * so the smaller folder's peak is not the larger's leftovers), the folder opened through the
 * Dataset folder… input as a person does, then the cell run REPEAT times in the same page.
 * The first run starts the image workers and compiles the JPEG decoder: it is the first use.
 * Peak memory is every Chromium process of the run, from before the folder is opened.
 */
async function browserImages(url: string, count: number, dir: string): Promise<Row> {
  const { page, memory, close } = await freshBrowser(url);
  try {
    memory.reset();
    await page.setInputFiles('[data-testid=dataset-folder-input]', dir);
    await page.waitForFunction((text) => [...document.querySelectorAll('[data-testid=notice]')].some((n) => n.textContent?.includes(text)), `${count.toLocaleString('en-US')} image files`, { timeout: 600_000 });
    await openNotebook(page, IMAGES_NOTEBOOK(dir.split('/').pop()!));
    const cell = page.locator('[data-testid=nb-cell][data-name=scan]');
    const times: number[] = [];
    const workers = await page.evaluate(() => navigator.hardwareConcurrency);
    for (let i = 0; i <= REPEAT; i++) {
      // A run counts once the cell has been seen running: the status before the click is the last run's.
      await page.evaluate(() => {
        const w = window as unknown as { __sawRunning: boolean };
        w.__sawRunning = false;
        new MutationObserver((changes, o) => {
          if (changes.some((c) => (c.target as Element).getAttribute('data-name') === 'scan' && (c.target as Element).getAttribute('data-status') === 'running')) (w.__sawRunning = true), o.disconnect();
        }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
      });
      await cell.getByRole('button', { name: 'Run', exact: true }).click();
      await page.waitForFunction(() => (window as unknown as { __sawRunning: boolean }).__sawRunning && ['ok', 'error'].includes(document.querySelector('[data-testid=nb-cell][data-name=scan]')!.getAttribute('data-status')!), null, { timeout: 600_000, polling: 100 });
      if ((await cell.getAttribute('data-status')) !== 'ok') throw new Error(`images failed in the browser: ${await cell.getByTestId('cell-error').textContent()}`);
      times.push(Number(await cell.getAttribute('data-elapsed-ms')));
    }
    const [cold, ...warm] = times;
    const ms = Math.round(median(warm));
    return { case: `images cell, browser (${Math.min(8, workers)} workers), ${IMAGE_SIZE}×${IMAGE_SIZE} PNG + JPEG`, rows: count, browser_ms: ms, native_ms: null, ratio: null, peak_browser_mb: memory.peakMb(), cold_ms: cold, per_second: Math.round(count / (ms / 1000)) };
  } finally {
    await close();
  }
}

/**
 * A new Chromium with a profile of its own (one that never loaded Assay) and a sampler of its
 * memory, its first page at `url` with the engine started; `close` stops and removes it all.
 */
async function freshBrowser(url: string): Promise<{ page: Page; memory: ReturnType<typeof memorySampler>; close(): Promise<void> }> {
  const userDir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
  const context = await chromium.launchPersistentContext(userDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const memory = memorySampler(userDir);
  const close = async () => {
    memory.stop();
    await context.close();
    rmSync(userDir, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(600_000);
    await page.goto(url);
    await engineReady(page);
    return { page, memory, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * `assay run` over a notebook of one images cell (DuckDB-WASM under Node, the default): the
 * whole process, start to exit, and its peak resident memory. The process's fixed start (tsx,
 * DuckDB) is in these times; the larger folder's row also gives the rate between the two
 * folders, which leaves it out.
 */
function cliImages(count: number, dir: string): Row {
  const name = dir.split('/').pop()!;
  const nb = join(dataDir, `${name}_bench.assay.md`);
  const out = join(dataDir, `${name}_bench.json`);
  writeFileSync(nb, IMAGES_NOTEBOOK(name));
  writeFileSync(join(dataDir, 'package.json'), '{}');
  const times: { ms: number; kb: number }[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const line = execSync(`/usr/bin/time -f '%e %M' node ${join(root, 'src/cli/bin.mjs')} run ${nb} --json ${out} 2>&1 >/dev/null | tail -1`, { cwd: root }).toString().trim();
    const [seconds, kb] = line.split(' ').map(Number);
    if (!Number.isFinite(seconds) || !Number.isFinite(kb)) throw new Error(`assay run over ${name}: ${line}`);
    const cell = (JSON.parse(readFileSync(out, 'utf8')) as { cells: { name: string; status: string; error?: string; result?: { files?: number } }[] }).cells.find((c) => c.name === 'scan');
    if (cell?.status !== 'ok' || cell.result?.files !== count) throw new Error(`assay run over ${name}: ${cell?.status} ${cell?.error ?? ''} (${cell?.result?.files} files)`);
    times.push({ ms: seconds! * 1000, kb: kb! });
  }
  const ms = Math.round(median(times.map((t) => t.ms)));
  const peak = Math.round(Math.max(...times.map((t) => t.kb)) / 1024);
  return { case: '`assay run` images cell (whole process)', rows: count, browser_ms: null, native_ms: ms, ratio: null, peak_browser_mb: null, per_second: Math.round(count / (ms / 1000)), note: `peak RSS ${peak} MB` };
}

/** The images stage: both folders in the browser, then in the CLI; the CLI's rate between the two folders on the larger one's row. */
async function imagesStage(url: string): Promise<Row[]> {
  const folders = await imageFolders();
  const rows: Row[] = [];
  for (const n of IMAGE_COUNTS) rows.push(await browserImages(url, n, folders.get(n)!));
  const cli = IMAGE_COUNTS.map((n) => cliImages(n, folders.get(n)!));
  const [small, large] = [cli[0]!, cli.at(-1)!];
  const between = Math.round((large.rows - small.rows) / ((large.native_ms! - small.native_ms!) / 1000));
  large.note += `; ${between} images/s between ${small.rows.toLocaleString('en-US')} and ${large.rows.toLocaleString('en-US')} (start-up left out)`;
  return [...rows, ...cli];
}

/** Native DuckDB on the same file, as a NativeSide (the browser's runs call it). */
async function nativeOpen(file: string, rows: number): Promise<{ side: NativeSide; close: () => Promise<void> }> {
  const engine = await NativeEngine.create({ threads: 2 });
  const table = `bench_${rows / 1_000_000}m`;
  const cells = CELLS(table) as Record<string, string>;
  const analysis = analyzeNotebook(parseNotebook(NOTEBOOK(table)).notebook);
  const side: NativeSide = {
    async open() {
      const t0 = performance.now();
      await engine.openPath(file, { name: table });
      const open = performance.now() - t0;
      const t1 = performance.now();
      await engine.query(`SELECT num_rows FROM parquet_file_metadata('${file}')`);
      return { open, schema: performance.now() - t1 };
    },
    async cell(kind) {
      const k = cellKind(kind)!;
      const spec = k.parse(cells[kind]!).spec;
      const s = performance.now();
      const { result } = await k.run(spec, { name: `${kind}_cell`, query: (sql) => engine.query(sql), params: {} });
      return { ms: performance.now() - s, result };
    },
    async browse(q) {
      const s = performance.now();
      await engine.query(tableCountSql('sql_cell', BROWSE_COLUMNS, q));
      await engine.query(tablePageSql('sql_cell', BROWSE_COLUMNS, q, 0, 200));
      return performance.now() - s;
    },
    async all() {
      const s = performance.now();
      const runs = await runCells(analysis, { query: (sql) => engine.query(sql), params: {} });
      const elapsed = performance.now() - s;
      const failed = runs.find((r) => r.status !== 'ok');
      if (failed) throw new Error(`${failed.name} failed natively: ${failed.error}`);
      return elapsed;
    },
  };
  return { side, close: () => engine.close() };
}

async function main() {
  const t0 = Date.now();
  if (!skipBuild) execSync('npx vite build', { cwd: root, stdio: 'ignore' });
  const files = new Map<number, string>();
  for (const n of sizes) {
    const f = await generate(n);
    files.set(n, f);
    console.log(`data: ${f} (${(statSync(f).size / 1e6).toFixed(0)} MB)`);
  }
  const server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'silent' });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}/`;
  const rows: Row[] = [];
  let engineText = '';
  const driftRows = quick ? 1_000_000 : 5_000_000;
  const parquetStages = !only || only !== 'images';
  const driftFiles = parquetStages ? [await generate(driftRows), await generate(driftRows, true)] : [];
  // Each stage in a browser of its own: WebAssembly memory never shrinks, so a stage after the
  // 10M-row one would otherwise start with the memory that one left (and measure that).
  // Every stage warms its new browser profile on the 1M-row file first (see warmUp).
  const warmFiles = parquetStages ? { cells: [await generate(1_000_000)], drift: [await generate(1_000_000), await generate(1_000_000, true)] } : { cells: [], drift: [] };
  const warmNotebooks = {
    cells: NOTEBOOK('bench_1m'),
    drift: DRIFT_NOTEBOOK('bench_1m', 'bench_1m_shifted'),
  };
  // The Python peer, started once: it keeps each table it read in memory, as Assay's engine
  // keeps what it opened. pandas without pyarrow or fastparquet reads CSV copies instead.
  let peer: PythonPeer | null = null;
  let peerInfo: PeerInfo = { label: null, note: 'left out (--no-python)' };
  if (only === 'start') peerInfo = { label: null, note: 'not needed for the start-up rows' };
  else if (!skipPython) {
    const started = await PythonPeer.start();
    if (started.peer) {
      peer = started.peer;
      const h = started.hello;
      peerInfo = { label: h.reader === 'csv' ? 'Python peer (CSV)' : 'Python peer', hello: h, note: h.reader === 'csv' ? 'pandas has no Parquet engine (pyarrow or fastparquet) here: it reads a CSV copy of each file, written by native DuckDB' : `pandas.read_parquet (${h.parquet_engine})` };
      if (h.reader === 'csv') for (const f of new Set([...files.values(), ...(!only || only === 'drift' ? driftFiles : [])])) await csvCopy(f);
      console.log(`Python peer: Python ${h.python}, pandas ${h.pandas}, NumPy ${h.numpy}, SciPy ${h.scipy}, scikit-learn ${h.sklearn}; ${peerInfo.note}`);
    } else {
      peerInfo = { label: null, note: `unavailable: ${started.why}` };
      console.log(`Python peer ${peerInfo.note}`);
    }
  }
  const stage = async <T,>(warm: 'cells' | 'drift', run: (page: Page, memory: ReturnType<typeof memorySampler>, cold: Record<string, number>) => Promise<T>): Promise<T> => {
    const { page, memory, close } = await freshBrowser(url);
    try {
      engineText = ((await page.textContent('[data-testid=engine-status]')) ?? '').replace(/\s+/g, ' ').trim();
      const cold = await warmUp(page, warmFiles[warm], warmNotebooks[warm]);
      return await run(page, memory, cold);
    } finally {
      await close();
    }
  };
  // Results are written after every stage, so a failure late in a long run keeps what came before.
  const save = () => writeResults(rows, engineText, t0, { ...peerInfo, ...(peer?.failure ? { note: `${peerInfo.note}; stopped: ${peer.failure}` } : {}) });
  try {
    if (!only || only === 'start') {
      const start = await startStage(url);
      engineText = start.engineText;
      rows.push(...start.rows);
      save();
    }
    for (const n of sizes) {
      const native = await nativeOpen(files.get(n)!, n);
      const browser = await stage('cells', async (page, memory, cold) => {
        const out = await browserRun(page, files.get(n)!, n, memory, native.side, peer);
        // The warm-up pass ran at 1M rows: its first-use times belong to that stage's rows.
        if (n === 1_000_000) for (const r of out) r.cold_ms = cold[r.case] ?? null;
        return out;
      });
      await native.close();
      for (const r of browser) {
        r.ratio = r.browser_ms !== null && r.native_ms ? Math.round((r.browser_ms / r.native_ms) * 100) / 100 : null;
        r.python_ratio = pythonRatio(r);
        rows.push(r);
      }
      save();
    }
    if (!only || only === 'drift') {
      const native = await nativeDrift(driftFiles[0]!, driftFiles[1]!);
      const drift = await stage('drift', (page, memory) => browserDrift(page, driftFiles[0]!, driftFiles[1]!, driftRows, memory, native.run, peer));
      await native.close();
      drift.ratio = Math.round((drift.browser_ms! / drift.native_ms!) * 100) / 100;
      drift.python_ratio = pythonRatio(drift);
      rows.push(drift);
      save();
    }
    if (!only || only === 'images') {
      rows.push(...(await imagesStage(url)));
      save();
    }
    if (!only) {
      rows.push(cliRun(files.get(sizes.at(-1)!)!, sizes.at(-1)!));
      save();
    }
  } finally {
    peer?.close();
    await server.close();
  }
}

/** How many times faster the browser is than the Python peer, to two decimals (null without both). */
function pythonRatio(r: Row): number | null {
  return r.python_ms && r.browser_ms ? Math.round((r.python_ms / r.browser_ms) * 100) / 100 : null;
}

/** The Python peer as the results name it: the column's heading (null when it did not run) and how it read. */
interface PeerInfo {
  label: string | null;
  note: string;
  hello?: PeerHello;
}

/** Print the table and write it (JSON and Markdown) under test/bench/results/. */
function writeResults(rows: Row[], engineText: string, t0: number, peer: PeerInfo): void {
  const header = `| case | rows (images: files) | browser (median of 3) | native DuckDB (images: \`assay run\`) | ratio | ${peer.label ?? 'Python peer'} | × Python | peak memory | browser, first use | images/s |`;
  const lines = [header, '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const ms = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x} ms`);
    lines.push(
      `| ${r.case} | ${r.rows ? r.rows.toLocaleString('en-US') : '—'} | ${ms(r.browser_ms)} | ${ms(r.native_ms)} | ${r.ratio ?? '—'} | ${ms(r.python_ms)} | ${r.python_ratio ?? '—'} | ${r.peak_browser_mb === null ? (r.note ?? '—') : `browser ${r.peak_browser_mb} MB`} | ${ms(r.cold_ms)} | ${r.per_second ?? '—'} |`,
    );
  }
  const table = lines.join('\n');
  const checked = rows.filter((r) => r.python_check);
  const differs = checked.filter((r) => r.python_check!.differs.length).map((r) => `${r.case}: ${r.python_check!.differs.join('; ')}`);
  const agreement = checked.length ? `; its figures set against Assay's: ${checked.map((r) => `${r.case} ${r.python_check!.compared - r.python_check!.differs.length} of ${r.python_check!.compared} agree`).join(', ')}` : '';
  console.log(`\nbrowser engine: ${engineText}\nPython peer: ${peer.note}${agreement}\n\n${table}\n${differs.length ? `\nthe Python peer's figures differ from Assay's:\n${differs.join('\n')}\n` : ''}\ntotal ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  mkdirSync(resultsDir, { recursive: true });
  const result = { date: new Date().toISOString(), quick, only, browser_engine: engineText, python_peer: peer, machine: { cores: cpus().length, load_average: loadavg() }, rows };
  const stem = only ? `only-${only}` : quick ? 'latest-quick' : 'latest';
  writeFileSync(join(resultsDir, `${stem}.json`), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(resultsDir, `${stem}.md`), `${table}\n\nPython peer: ${peer.note}${agreement}.\n${differs.length ? `\nThe Python peer's figures differ from Assay's:\n${differs.map((d) => `- ${d}`).join('\n')}\n` : ''}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
