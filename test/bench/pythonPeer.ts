/**
 * The bench's Python peer (python_peer.py): the same statistics as a pandas / SciPy /
 * scikit-learn user computes them, in one long-lived Python process that the bench asks for
 * each case right after the browser's and native DuckDB's run of it.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python_peer.py', import.meta.url));
const PACKAGES = ['python3-pandas', 'python3-scipy', 'python3-sklearn'];

const importsOk = () => spawnSync(PYTHON, ['-c', 'import pandas, scipy, sklearn'], { stdio: 'ignore' }).status === 0;

/**
 * Debian's pandas, SciPy and scikit-learn, installed with apt-get when `import` fails (the bench
 * only: the tests never install anything). Returns null when they are there, else why not.
 */
export function ensurePythonPackages(): string | null {
  if (!existsSync(PYTHON)) return `no ${PYTHON}`;
  if (importsOk()) return null;
  console.log(`Python peer: installing ${PACKAGES.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], { stdio: 'inherit', env });
  // A machine whose package lists were never fetched knows no such package yet.
  if (r.status !== 0 && spawnSync('apt-get', ['update'], { stdio: 'inherit', env }).status === 0) {
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], { stdio: 'inherit', env });
  }
  if (r.status !== 0 || !importsOk()) return `apt-get install ${PACKAGES.join(' ')} failed`;
  return null;
}

/** What the peer says of itself: how it reads the data and its libraries' versions. */
export interface PeerHello {
  reader: 'parquet' | 'csv';
  parquet_engine: string | null;
  python: string;
  pandas: string;
  numpy: string;
  scipy: string;
  sklearn: string;
}

/** One timed answer of the peer: milliseconds, and a few of its figures to check against Assay's. */
export interface PeerAnswer {
  ms: number;
  rows?: number;
  check?: Record<string, unknown>;
}

/** The peer process: one JSON request per line in, one answer per line out, in order. */
export class PythonPeer {
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #waiting: ((line: string) => void)[] = [];
  #closed = false;

  private constructor() {
    this.#proc = spawn(PYTHON, [SCRIPT, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.#proc.stdout }).on('line', (line) => this.#waiting.shift()?.(line));
    this.#proc.stderr.on('data', (d: Buffer) => process.stderr.write(`[python peer] ${d.toString()}`));
    this.#proc.on('exit', () => {
      this.#closed = true;
      for (const w of this.#waiting.splice(0)) w(JSON.stringify({ error: 'the Python peer exited' }));
    });
  }

  /** Start the peer and ask how it reads; null (with why) when it cannot run here. */
  static async start(): Promise<{ peer: PythonPeer; hello: PeerHello } | { peer: null; why: string }> {
    const missing = ensurePythonPackages();
    if (missing) return { peer: null, why: missing };
    const peer = new PythonPeer();
    try {
      return { peer, hello: (await peer.request({ op: 'hello' })) as unknown as PeerHello };
    } catch (error) {
      peer.close();
      return { peer: null, why: String((error as Error).message) };
    }
  }

  /** Send one request and wait for its answer; an answer with an error rejects. */
  request(body: Record<string, unknown>): Promise<PeerAnswer & Record<string, unknown>> {
    if (this.#closed) return Promise.reject(new Error('the Python peer exited'));
    return new Promise((resolve, reject) => {
      this.#waiting.push((line) => {
        const answer = JSON.parse(line) as PeerAnswer & { error?: string };
        if (answer.error) reject(new Error(`Python peer (${String(body.op)}): ${answer.error}`));
        else resolve(answer as PeerAnswer & Record<string, unknown>);
      });
      this.#proc.stdin.write(JSON.stringify(body) + '\n');
    });
  }

  /** Why the peer stopped answering, once a request failed (the bench goes on without it). */
  failure: string | null = null;

  /** As request, but a failure is logged and kept in `failure`, and every later call answers null. */
  async ask(body: Record<string, unknown>): Promise<(PeerAnswer & Record<string, unknown>) | null> {
    if (this.failure) return null;
    try {
      return await this.request(body);
    } catch (error) {
      this.failure = String((error as Error).message);
      console.error(`${this.failure}; the bench goes on without the Python peer`);
      return null;
    }
  }

  close(): void {
    if (!this.#closed) this.#proc.stdin.end();
  }
}

/**
 * A CSV copy of a Parquet file for a pandas that cannot read Parquet (no pyarrow or
 * fastparquet), written once by native DuckDB beside it with its column types
 * (`<stem>.csv.types.json`) and kept while newer than the Parquet file.
 */
export async function csvCopy(parquet: string): Promise<string> {
  const csv = parquet.replace(/\.parquet$/, '.csv');
  const types = `${csv}.types.json`;
  if (existsSync(csv) && existsSync(types) && statSync(csv).mtimeMs >= statSync(parquet).mtimeMs) return csv;
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await db.connect();
  try {
    const described = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${parquet}')`);
    writeFileSync(types, JSON.stringify(Object.fromEntries(described.getRows().map((r) => [String(r[0]), String(r[1])]))) + '\n');
    // Written under another name first, so a bench stopped midway leaves no half file to reuse.
    await c.run(`COPY (SELECT * FROM read_parquet('${parquet}')) TO '${csv}.tmp' (FORMAT csv, HEADER)`);
    renameSync(`${csv}.tmp`, csv);
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return csv;
}

const close = (a: unknown, b: unknown, tol = 1e-6) => typeof a === 'number' && typeof b === 'number' && (a === b || Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)));

/**
 * The peer's figures set against Assay's result of the same case: how many were compared and
 * where they differ (none when they agree), so the column compares the same statistics, not
 * merely the same file.
 */
export function peerDifferences(kind: string, assay: Record<string, unknown>, check: Record<string, unknown>): { compared: number; differs: string[] } {
  const out: string[] = [];
  let compared = 0;
  const same = (what: string, a: unknown, b: unknown, tol?: number) => {
    compared++;
    if (!close(a, b, tol)) out.push(`${what}: Assay ${String(a)}, Python ${String(b)}`);
  };
  if (kind === 'profile') {
    same('rows', assay.rows, check.rows);
    same('duplicate rows', assay.duplicate_rows, check.duplicate_rows);
    same('repeated keys', assay.repeated_keys, check.repeated_keys);
    const distinct = check.distinct as Record<string, number>;
    const nulls = check.nulls as Record<string, number>;
    const means = check.mean as Record<string, number>;
    for (const c of assay.columns as { name: string; distinct: number; nulls: number; mean: number | null }[]) {
      same(`${c.name} distinct`, c.distinct, distinct[c.name]);
      same(`${c.name} NULLs`, c.nulls, nulls[c.name] ?? 0);
      if (c.name in means) same(`${c.name} mean`, c.mean, means[c.name]);
    }
  } else if (kind === 'confusion') {
    same('accuracy', assay.accuracy, check.accuracy);
    same('kappa', assay.kappa, check.kappa);
    same('macro F1', (assay.macro_avg as { f1: number }).f1, check.macro_f1);
    same('weighted F1', (assay.weighted_avg as { f1: number }).f1, check.weighted_f1);
  } else if (kind === 'sample') {
    same('rows sampled', assay.total, check.rows);
  } else if (kind === 'drift') {
    const columns = check.columns as Record<string, Record<string, number>>;
    for (const c of assay.columns as Record<string, unknown>[]) {
      const p = columns[c.column as string];
      if (!p) continue;
      for (const k of ['psi', 'ks_statistic', 'wasserstein', 'js_distance', 'chi2_statistic'] as const) {
        if (c[k] !== null && c[k] !== undefined && k in p) same(`${String(c.column)} ${k}`, c[k], p[k], 1e-6);
      }
    }
  }
  return { compared, differs: out };
}
