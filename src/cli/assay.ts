import { appendFile, mkdir, readFile, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { AssayError, messageOf } from '../core/errors';
import type { Engine } from '../engine/Engine';
import { NodeEngine } from '../engine/node/NodeEngine';
import { NativeEngine } from '../engine/native/NativeEngine';
import { detectFormat } from '../engine/ingest/detectFormat';
import { describeMismatch } from '../core/notebook/sourceStatus';
import type { RuleOutcome } from '../core/stats/checks';
import { runNotebookFile } from './runNotebookFile';
import { suggestCommand } from './suggestCommand';
import { DEFAULT_SUGGEST_OPTIONS, type SuggestOptions } from '../core/suggest/suggestChecks';
import { renderSnapshot } from '../core/snapshot/renderSnapshot';
import { APP_VERSION } from '../core/version';
import { parseHistory, serializeHistory, versionsInParentOrder, type RunRecord } from '../core/history/runRecord';
import { parseManifest } from '../core/manifest/manifest';

const USAGE = `assay — run Assay notebooks headlessly

  assay run NOTEBOOK [--json OUT.json] [--html OUT.html] [--engine wasm|native] [--memory-limit SIZE] [--param key=value ...] [--allow-outside] [--strict] [--unsafe]
                     [--history DIR] [--over-versions MANIFEST]
      Run every cell; write the results as JSON and/or a static HTML snapshot (default: print a summary).
  assay check NOTEBOOK [--engine wasm|native] [--memory-limit SIZE] [--param key=value ...] [--allow-outside] [--strict] [--unsafe]
      Run it and print the quality gates; exit 1 when an error-level gate fails.
  assay manifest DIR [--dataset NAME] [--out FILE]
      Write a manifest for a folder of data files (checksums, rows, schema).
  assay suggest FILE|NOTEBOOK.assay.md:SOURCE [--key COLUMN] [--against FILE ...] [--name CELL]
                [--in-set-max N] [--margin SHARE] [--null-margin SHARE] [--row-band SHARE] [--engine wasm|native]
      Profile the data and print a checks cell of suggested rules, each with why; backtested
      (a table of failing rows per version) on the other versions of the source's manifest, the
      notebook's sources of the same shape and the --against files. Defaults: at most 20 values
      become an in_set, ranges widened by 0.1 of their width, NULL shares by 0.02, row counts ±0.5.

  --engine wasm    DuckDB-WASM under Node, the engine the browser runs (default)
  --engine native  native DuckDB, for data larger than a browser holds: the sources are kept
                   in a database file in a private temporary folder, not in memory
  --memory-limit SIZE
                   DuckDB's memory_limit for --engine native (e.g. 6GB; default 80 % of
                   the machine's memory); what does not fit is spilled to that folder
  --strict         a source whose checksum differs from its pin, or a manifest file that
                   disagrees with its manifest, is an error, not a warning
  --allow-outside  let the notebook name files outside its project folder
  --unsafe         run the notebook's SQL unsealed: it may then read and write files and
                   URLs. Only for your own notebooks; the snapshot's provenance says so.
  --history DIR    append the run to DIR/<notebook>.history.jsonl; trend cells draw the
                   runs already there
  --over-versions MANIFEST
                   run once per version of MANIFEST, in parent order, each a run in the
                   history (sources naming MANIFEST without version: read that version);
                   --json and --html get the last run

Exit codes: 0 ok, 1 a gate failed (check), 2 usage or input error (a source that does not open, an error in the notebook).`;

interface Options {
  command: string;
  target: string;
  json?: string;
  html?: string;
  out?: string;
  dataset?: string;
  engine: 'wasm' | 'native';
  memoryLimit?: string;
  params: Record<string, unknown>;
  allowOutside: boolean;
  strict: boolean;
  unsafe: boolean;
  key?: string;
  against: string[];
  cell: string;
  suggest: SuggestOptions;
  history?: string;
  overVersions?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const [command, target, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') throw new UsageError('');
  if (!['run', 'check', 'manifest', 'suggest'].includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (!target) throw new UsageError(`${command} needs a ${command === 'manifest' ? 'folder' : command === 'suggest' ? 'data file or NOTEBOOK.assay.md:SOURCE' : 'notebook file'}`);
  const o: Options = { command, target, engine: 'wasm', params: {}, allowOutside: false, strict: false, unsafe: false, against: [], cell: 'suggested', suggest: { ...DEFAULT_SUGGEST_OPTIONS } };
  const share = (arg: string, v: string) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || x < 0) throw new UsageError(`${arg} takes a number of 0 or more`);
    return x;
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') o.json = value();
    else if (arg === '--html') o.html = value();
    else if (arg === '--out') o.out = value();
    else if (arg === '--dataset') o.dataset = value();
    else if (arg === '--key') o.key = value();
    else if (arg === '--against') o.against.push(value());
    else if (arg === '--name') {
      o.cell = value();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.cell)) throw new UsageError('--name takes a cell name: letters, digits and _');
    } else if (arg === '--in-set-max') {
      const n = share(arg, value());
      if (!Number.isInteger(n)) throw new UsageError('--in-set-max takes a whole number');
      o.suggest.inSetMax = n;
    } else if (arg === '--margin') o.suggest.rangeMargin = share(arg, value());
    else if (arg === '--null-margin') o.suggest.nullShareMargin = share(arg, value());
    else if (arg === '--row-band') {
      o.suggest.rowCountBand = share(arg, value());
      if (o.suggest.rowCountBand > 1) throw new UsageError('--row-band is a share from 0 to 1');
    }
    else if (arg === '--history') o.history = value();
    else if (arg === '--over-versions') o.overVersions = value();
    else if (arg === '--engine') {
      const e = value();
      if (e !== 'wasm' && e !== 'native') throw new UsageError('--engine is wasm or native');
      o.engine = e;
    } else if (arg === '--memory-limit') {
      const m = value();
      // Parsed here, not by DuckDB, so the value never reaches a setting unchecked.
      if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(m)) throw new UsageError('--memory-limit takes a size such as 6GB or 512MB');
      o.memoryLimit = m;
    } else if (arg === '--param') {
      const kv = value();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError('--param takes key=value');
      const raw = kv.slice(eq + 1);
      o.params[kv.slice(0, eq)] = raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
    } else if (arg === '--allow-outside') o.allowOutside = true;
    else if (arg === '--strict') o.strict = true;
    else if (arg === '--unsafe') o.unsafe = true;
    else throw new UsageError(`unknown option ${arg}`);
  }
  return o;
}

async function createEngine(kind: 'wasm' | 'native', memoryLimit?: string): Promise<Engine> {
  return kind === 'native' ? NativeEngine.create({ storage: 'disk', memoryLimit }) : NodeEngine.create();
}

/** Run the CLI; returns the exit code. Output goes to the given writers (tests capture them). */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) err(`assay: ${error.message}\n\n`);
      (error.message ? err : out)(USAGE + '\n');
      return error.message ? 2 : 0;
    }
    throw error;
  }
  try {
    if (options.command === 'manifest') return await manifestCommand(options, out);
    if (options.command === 'suggest') {
      const engine = await createEngine(options.engine, options.memoryLimit);
      try {
        out(await suggestCommand({ target: options.target, key: options.key, against: options.against, cell: options.cell, options: options.suggest, allowOutside: options.allowOutside }, engine));
        return 0;
      } finally {
        await engine.close();
      }
    }
    return await runCommand(options, out, err);
  } catch (error) {
    const subject = error instanceof AssayError && error.subject ? '' : `${options.target}: `;
    err(`assay: ${subject}${messageOf(error).split('\n')[0]}\n`);
    return 2;
  }
}

/** The history file of a notebook in DIR: `<name>.history.jsonl`, `<name>` the file name without `.assay.md`. */
export function historyFile(dir: string, notebook: string): string {
  return join(dir, `${basename(notebook).replace(/\.assay\.md$|\.md$/, '')}.history.jsonl`);
}

/** The runs in a history file (none when it does not exist yet); a bad line is an input error naming it. */
async function readHistory(file: string): Promise<RunRecord[]> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw new AssayError('input', `cannot read the history (${messageOf(e)})`, { subject: file });
  });
  const { records, problems } = parseHistory(text);
  if (problems.length) throw new AssayError('input', `line ${problems[0]!.line}: ${problems[0]!.message}`, { subject: file });
  return records;
}

async function runCommand(o: Options, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const file = o.history ? historyFile(o.history, o.target) : null;
  const history = file ? await readHistory(file) : [];
  const keep = async (record: RunRecord) => {
    history.push(record);
    if (!file) return;
    await mkdir(dirname(resolve(file)), { recursive: true });
    await appendFile(file, serializeHistory([record]));
  };
  if (!o.overVersions) return runOnce(o, out, err, history, keep);
  const manifestPath = await realpath(o.overVersions).catch(() => {
    throw new AssayError('input', 'no such file', { subject: o.overVersions });
  });
  const { manifest, problems } = parseManifest(await readFile(manifestPath, 'utf8'));
  if (!manifest) throw new AssayError('input', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { subject: o.overVersions });
  let code = 0;
  const versions = versionsInParentOrder(manifest);
  for (const [i, version] of versions.entries()) {
    out(`${i ? '\n' : ''}== ${manifest.dataset} ${version} ==\n`);
    // One engine per run: each run seals its engine once its sources are open.
    const last = i === versions.length - 1;
    const c = await runOnce({ ...o, ...(last ? {} : { json: undefined, html: undefined }) }, out, err, history, keep, { manifest: manifestPath, version });
    code = Math.max(code, c);
  }
  return code;
}

async function runOnce(
  o: Options,
  out: (s: string) => void,
  err: (s: string) => void,
  history: readonly RunRecord[],
  keep: (r: RunRecord) => Promise<void>,
  overVersion?: { manifest: string; version: string },
): Promise<number> {
  const engine = await createEngine(o.engine, o.memoryLimit);
  try {
    const { text, results, diagnostics, manifestProblems, record } = await runNotebookFile(o.target, engine, { params: o.params, allowOutside: o.allowOutside, unsafe: o.unsafe, history, ...(overVersion ? { overVersion } : {}) });
    await keep(record);
    if (o.unsafe) err('assay: warning: --unsafe: the notebook ran unsealed and could read and write files and URLs\n');
    for (const m of manifestProblems) err(`assay: ${o.strict ? 'error' : 'warning'}: ${m}\n`);
    for (const d of diagnostics) err(`${o.target}:${d.line}: ${d.severity}: ${d.message}\n`);
    const missing = results.sources.filter((s) => s.error);
    for (const s of missing) err(`assay: ${s.name}: ${s.error}\n`);
    const mismatched = results.sources.map(describeMismatch).filter((m): m is string => m !== null);
    for (const m of mismatched) err(`assay: ${o.strict ? 'error' : 'warning'}: ${m}\n`);
    if (o.json) {
      await mkdir(dirname(resolve(o.json)), { recursive: true });
      await writeFile(o.json, JSON.stringify(results, null, 2) + '\n');
    }
    if (o.html) {
      await mkdir(dirname(resolve(o.html)), { recursive: true });
      await writeFile(o.html, renderSnapshot(text, results, { app: APP_VERSION, ranAt: new Date().toISOString(), params: o.params, ...(o.unsafe ? { unsafe: true } : {}) }));
    }
    if (o.command === 'run') {
      out(table(['cell', 'kind', 'status', ''], results.cells.map((c) => [c.name, c.kind, c.status, c.error ?? ''])));
    } else {
      const gates = results.cells.filter((c) => c.kind === 'checks' && c.result);
      const rows = gates.flatMap((c) =>
        ((c.result!.rules as RuleOutcome[]) ?? []).map((r) => [`${c.name}.${r.name}`, r.severity, r.passed ? 'pass' : 'FAIL', r.failing_rows === null ? '' : String(r.failing_rows), r.description]),
      );
      if (results.cells.some((c) => c.kind === 'checks')) out(table(['gate', 'severity', 'result', 'failing rows', 'rule'], rows));
      else out('no gates in this notebook\n');
      const broken = results.cells.filter((c) => c.status === 'error');
      for (const c of broken) err(`assay: cell ${c.name} failed: ${c.error}\n`);
    }
    // An error-level diagnostic means the notebook is wrong: its cells did not run, so no gate can pass.
    if (missing.length || (o.strict && (mismatched.length || manifestProblems.length)) || diagnostics.some((d) => d.severity === 'error')) return 2;
    if (o.command === 'check') {
      const failed = results.cells.some((c) => c.kind === 'checks' && (c.status === 'error' || c.result?.passed === false));
      return failed ? 1 : 0;
    }
    return 0;
  } finally {
    await engine.close();
  }
}

/** A manifest for a folder: every data file's checksum, bytes, rows and (for the first) its schema. */
async function manifestCommand(o: Options, out: (s: string) => void): Promise<number> {
  const dir = resolve(o.target);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new AssayError('input', 'is not a folder', { subject: o.target });
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else if (['.parquet', '.csv', '.jsonl', '.ndjson'].includes(extname(e.name).toLowerCase())) files.push(join(d, e.name));
    }
  };
  await walk(dir);
  if (files.length === 0) throw new AssayError('input', 'holds no Parquet, CSV or JSON Lines files', { subject: o.target });
  const engine = await NativeEngine.create();
  try {
    const entries = [];
    let columns: Record<string, { type: string }> = {};
    for (const [i, path] of files.entries()) {
      const source = await engine.openPath(path, { name: `f${i}` });
      const format = detectFormat(basename(path), new Uint8Array()) ?? source.format;
      entries.push({ path: relative(dir, path).split('\\').join('/'), format, sha256: source.sha256, bytes: source.bytes, rows: source.rows });
      if (i === 0) columns = Object.fromEntries(source.columns.map((c) => [c.name, { type: c.type }]));
      await engine.dropSource(`f${i}`);
    }
    const manifest = {
      manifest_version: 1,
      dataset: o.dataset ?? basename(dir),
      versions: [{ version: 'v1', parent: null, created: new Date().toISOString().slice(0, 10), files: entries, contract: { columns } }],
    };
    const text = JSON.stringify(manifest, null, 2) + '\n';
    if (o.out) await writeFile(o.out, text);
    else out(text);
    return 0;
  } finally {
    await engine.close();
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
