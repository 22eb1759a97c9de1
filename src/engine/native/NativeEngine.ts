import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { readFile, stat, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Bool, DateDay, Field, Float64, Int32, Int64, List, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { AssayError, messageOf } from '../../core/errors';
import { quoteIdent, quoteLiteral } from '../../core/sql/quote';
import { sourceNameFor } from '../../core/sourceName';
import { normaliseTimestamps } from '../../core/sql/describe';
import type { Engine, EngineVersions, OpenFileOptions, SourceFormat, SourceInfo } from '../Engine';
import { detectFormat } from '../ingest/detectFormat';
import { projectColumns } from '../ingest/projectColumns';
import { sandboxSettings } from '../sandbox';
import { writeParquet } from '../writeParquet';
import { useNamespaceSql } from '../../core/sql/namespace';
import { CSV_OPTIONS, csvFailure, delimiterOfOneColumnHeader } from '../ingest/ingestCsv';
import { scanJsonLines } from '../ingest/ingestJsonLines';
import { validateLoaded } from '../ingest/validateLoaded';

/**
 * Native DuckDB (@duckdb/node-api): for data larger than a browser holds and as the
 * benchmark's yardstick. It reads Parquet, CSV and JSON Lines by path with DuckDB's own
 * readers. Results are converted to Arrow tables so the same cell code runs on it.
 */
export class NativeEngine implements Engine {
  #instance: DuckDBInstance;
  #conn: DuckDBConnection;
  #threads: number;

  private constructor(instance: DuckDBInstance, conn: DuckDBConnection, threads: number, spill: string) {
    this.#instance = instance;
    this.#conn = conn;
    this.#threads = threads;
    this.#spill = spill;
  }

  /**
   * `storage: 'disk'` keeps the opened sources in a database file in the engine's private
   * folder instead of in memory: DuckDB then writes the tables compressed and its buffer
   * manager evicts them, so data larger than memory opens (100M bench rows take 24 GB and
   * more in memory, and the process is killed). `memoryLimit` is DuckDB's memory_limit
   * (default: 80 % of the machine's memory).
   */
  static async create(options: { threads?: number; storage?: 'memory' | 'disk'; memoryLimit?: string } = {}): Promise<NativeEngine> {
    const threads = options.threads ?? 2;
    // Where DuckDB spills what does not fit in memory: a private folder of ours, removed on
    // close (DuckDB's default is `.tmp` in the working directory). Spilling keeps working
    // once the engine is sealed.
    const spill = await mkdtemp(join(tmpdir(), 'assay-spill-'));
    const file = options.storage === 'disk' ? join(spill, 'sources.duckdb') : ':memory:';
    const settings: Record<string, string> = { threads: String(threads), temp_directory: spill };
    if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
    const instance = await DuckDBInstance.create(file, settings);
    const conn = await instance.connect();
    // UTC, as the wasm engine: casts between zoned and plain timestamps must not depend on the machine.
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run('SET autoinstall_known_extensions = false');
    await conn.run('SET autoload_known_extensions = false');
    return new NativeEngine(instance, conn, threads, spill);
  }

  #sealed = false;
  #spill: string;

  /** True once seal() has run. */
  get sealed(): boolean {
    return this.#sealed;
  }

  /**
   * Seal for notebook SQL (sandbox.ts). Native DuckDB reads sources by path, so open every
   * source first: afterwards the sealed engine opens no file at all.
   */
  async seal(): Promise<void> {
    if (this.#sealed) return;
    for (const sql of sandboxSettings({ allowedPaths: [] })) await this.#conn.run(sql);
    this.#sealed = true;
  }

  #schema = 'main';

  /** Make `namespace` the schema statements run in (see Engine.query). */
  async #use(namespace: string): Promise<void> {
    if (namespace === this.#schema) return;
    for (const sql of useNamespaceSql(namespace)) await this.#conn.run(sql);
    this.#schema = namespace;
  }

  async query(sql: string, namespace = 'main'): Promise<Table> {
    await this.#use(namespace);
    try {
      const reader = await this.#conn.runAndReadAll(sql);
      return toArrow(reader.columnNames(), reader.columnTypes().map((t) => t.toString()), reader.getColumnsJS() as unknown[][]);
    } catch (error) {
      if (/interrupt/i.test(messageOf(error))) throw new AssayError('cancelled', 'the query was cancelled', { cause: error });
      throw new AssayError('sql', messageOf(error), { cause: error });
    }
  }

  /** Open a file by path, without copying it: DuckDB's own readers. */
  async openPath(path: string, options: OpenFileOptions = {}): Promise<SourceInfo> {
    const fileName = basename(path);
    if (this.#sealed) throw new AssayError('engine', 'the native engine is sealed: open every source before notebook SQL runs', { subject: fileName });
    const namespace = options.namespace ?? 'main';
    await this.#use(namespace);
    const info = await stat(path).catch((cause) => {
      throw new AssayError('input', `cannot be read (${messageOf(cause)})`, { subject: fileName, cause });
    });
    if (info.size === 0) throw new AssayError('input', 'the file is empty (0 bytes)', { subject: fileName });
    const head = await readHead(path);
    const format = options.format ?? detectFormat(fileName, head);
    const reader = format ? READERS[format] : undefined;
    // Worded as the wasm engine words it, so a file gets one message on every engine.
    if (!format) throw new AssayError('input', 'unknown file type: expected Parquet, CSV, JSON Lines or Arrow IPC', { subject: fileName });
    if (!reader) throw new AssayError('input', `the native engine cannot open ${format === 'arrow' ? 'Arrow IPC' : format} files (the wasm engine can: --engine wasm)`, { subject: fileName });
    const name = options.name ?? sourceNameFor(fileName);
    const staging = `__assay_staging_${Date.now()}`;
    try {
      // The same refusals as the wasm readers, with the same messages: JSON Lines is checked
      // line by line by the same first pass; a CSV whose sniffer fell back to one column is read
      // again with its header's delimiter, and a failed read names the ragged line.
      if (format === 'jsonl') await scanJsonLines(await openAsBlob(path), fileName);
      let from = reader(quoteLiteral(path));
      const describe = async () => (await this.query(`DESCRIBE SELECT * FROM ${from}`, namespace)).toArray().map((r) => String(r.toJSON().column_name));
      let names = options.columns || format === 'csv' ? await describe() : [];
      const delimiter = format === 'csv' ? delimiterOfOneColumnHeader(names) : null;
      if (delimiter) {
        from = `read_csv(${quoteLiteral(path)}, ${CSV_OPTIONS}, delim = ${quoteLiteral(delimiter)})`;
        names = await describe();
      }
      const select = options.columns ? projectColumns(fileName, names, options.columns).map(quoteIdent).join(', ') : '*';
      const [sha256] = await Promise.all([sha256File(path), this.#conn.run(`CREATE TABLE ${quoteIdent(staging)} AS SELECT ${select} FROM ${from}`)]);
      const columns = await normaliseTimestamps((sql) => this.query(sql, namespace), staging);
      validateLoaded(columns, fileName);
      const rows = Number((await this.query(`SELECT count(*) AS n FROM ${quoteIdent(staging)}`, namespace)).getChild('n')!.get(0));
      await this.#conn.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
      await this.#conn.run(`ALTER TABLE ${quoteIdent(staging)} RENAME TO ${quoteIdent(name)}`);
      return { name, fileName, format, bytes: info.size, rows, columns, sha256 };
    } catch (error) {
      await this.#conn.run(`DROP TABLE IF EXISTS ${quoteIdent(staging)}`).catch(() => undefined);
      if (error instanceof AssayError && error.kind !== 'sql') throw error;
      if (format === 'csv') throw new AssayError('input', `cannot be read as CSV: ${await csvFailure(error, await openAsBlob(path), path)}`, { subject: fileName, cause: error });
      throw new AssayError('input', `cannot be opened as ${format}: ${messageOf(error)}`, { subject: fileName, cause: error });
    }
  }

  /** A Blob is written to a temporary file first (the CLI and benches use openPath). */
  async openFile(file: Blob, fileName: string, options: OpenFileOptions = {}): Promise<SourceInfo> {
    const dir = await mkdtemp(join(tmpdir(), 'assay-native-'));
    try {
      const path = join(dir, basename(fileName));
      await writeFile(path, new Uint8Array(await file.arrayBuffer()));
      return await this.openPath(path, { ...options, name: options.name ?? sourceNameFor(fileName) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * DuckDB's own Parquet writer through a temporary file; once sealed (no file may be written
   * from SQL) the result is written by parquet-wasm, as the browser does.
   */
  async exportParquet(sql: string, namespace = 'main'): Promise<Uint8Array> {
    await this.#use(namespace);
    if (this.#sealed) {
      return writeParquet(await import('parquet-wasm'), tableToIPC(await this.query(sql, namespace), 'stream'));
    }
    const dir = await mkdtemp(join(tmpdir(), 'assay-native-'));
    try {
      const path = join(dir, 'export.parquet');
      await this.#conn.run(`COPY (${sql}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION snappy)`);
      return new Uint8Array(await readFile(path));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async dropSource(name: string, namespace = 'main'): Promise<void> {
    await this.#use(namespace);
    await this.#conn.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
  }

  async cancel(): Promise<void> {
    this.#conn.interrupt();
  }

  async versions(): Promise<EngineVersions> {
    const v = String((await this.query('SELECT version() AS v', this.#schema)).getChild('v')!.get(0));
    return { engine: 'native', duckdb: v, bundle: 'native', threads: this.#threads };
  }

  async close(): Promise<void> {
    this.#conn.closeSync();
    this.#instance.closeSync();
    await rm(this.#spill, { recursive: true, force: true });
  }
}

const READERS: Partial<Record<SourceFormat, (path: string) => string>> = {
  parquet: (p) => `read_parquet(${p})`,
  csv: (p) => `read_csv(${p}, ${CSV_OPTIONS})`,
  jsonl: (p) => `read_json(${p}, format = 'newline_delimited')`,
};

async function readHead(path: string): Promise<Uint8Array> {
  const stream = createReadStream(path, { start: 0, end: 7 });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Column values from node-api as an Arrow table, typed like the wasm engine's results. */
function toArrow(names: string[], types: string[], columns: unknown[][]): Table {
  const vectors: Record<string, Vector> = {};
  names.forEach((name, i) => {
    const [type, convert] = arrowTypeFor(types[i]!);
    vectors[name] = vectorFromArray((columns[i] ?? []).map((v) => (v === null || v === undefined ? null : convert(v))), type);
  });
  return new Table(vectors);
}

function arrowTypeFor(duck: string): [DataType, (v: unknown) => unknown] {
  // LISTs of scalars stay lists (quantile_cont(x, [...]) returns one), like the wasm engine's.
  const list = /^(.*)\[\]$/.exec(duck);
  if (list) {
    const [inner, convert] = arrowTypeFor(list[1]!);
    if (!(inner instanceof Utf8) || list[1] === 'VARCHAR') {
      return [new List(new Field('item', inner, true)), (v) => (Array.isArray(v) ? v.map((x) => (x === null ? null : convert(x))) : v)];
    }
  }
  if (duck === 'BOOLEAN') return [new Bool(), (v) => v];
  if (['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT'].includes(duck)) return [new Int32(), (v) => Number(v)];
  if (['BIGINT', 'UINTEGER', 'UBIGINT', 'HUGEINT'].includes(duck)) return [new Int64(), (v) => BigInt(v as bigint)];
  if (duck === 'DOUBLE' || duck === 'FLOAT' || duck.startsWith('DECIMAL')) return [new Float64(), (v) => Number(v)];
  if (duck === 'DATE') return [new DateDay(), (v) => (v instanceof Date ? v : new Date(String(v)))];
  if (duck.startsWith('TIMESTAMP')) return [new TimestampMillisecond(), (v) => (v instanceof Date ? v.getTime() : Number(v))];
  if (duck === 'VARCHAR') return [new Utf8(), (v) => v];
  return [new Utf8(), (v) => (typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)))];
}
