import { tableFromIPC } from 'apache-arrow';
import { AssayError, isCancelled, messageOf } from '../core/errors';
import { quoteIdent, quoteLiteral } from '../core/sql/quote';
import { sourceNameFor } from '../core/sourceName';
import { describeColumns, normaliseTimestamps } from '../core/sql/describe';
import type { DuckBackend } from './DuckBackend';
import type { EngineVersions, IngestProgress, OpenFileOptions, SourceFormat, SourceInfo } from './Engine';
import { detectFormat } from './ingest/detectFormat';
import type { IngestContext, ParquetModule } from './ingest/IngestContext';
import { ingestArrow } from './ingest/ingestArrow';
import { ingestCsv } from './ingest/ingestCsv';
import { ingestJsonLines } from './ingest/ingestJsonLines';
import { validateLoaded } from './ingest/validateLoaded';
import { ingestParquet } from './ingest/ingestParquet';
import { sha256Blob } from './sha256Blob';
import { PanicWatch } from './ingest/PanicWatch';
import { sandboxSettings } from './sandbox';
import { writeParquet } from './writeParquet';
import { useNamespaceSql } from '../core/sql/namespace';
import { projectColumns } from './ingest/projectColumns';

const READERS: Record<SourceFormat, (ctx: IngestContext) => Promise<void>> = {
  parquet: ingestParquet,
  csv: ingestCsv,
  jsonl: ingestJsonLines,
  arrow: ingestArrow,
};

/** End-of-stream marker of the Arrow IPC stream format. */
const IPC_EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * Settings that keep DuckDB from ever reaching for the network: no extension autoloading,
 * and an extension repository that is our own origin, so a miss is a clean catalog error.
 */
export function offlineSettings(extensionRepository: string): string[] {
  return [
    'SET autoinstall_known_extensions = false',
    'SET autoload_known_extensions = false',
    `SET custom_extension_repository = ${quoteLiteral(extensionRepository)}`,
  ];
}

/** Computes a file's SHA-256 as hex; calls checkCancelled as it goes, which throws to stop it. */
export type HashFile = (file: Blob, onProgress: (done: number, total: number) => void, checkCancelled: () => void) => Promise<string>;

interface Operation {
  cancelled: boolean;
  /** True while one of this operation's own queries runs: only then may cancel() interrupt DuckDB. */
  inQuery: boolean;
}

/**
 * The engine's logic, written once over a DuckBackend: queries as cancellable pending
 * queries returning Arrow IPC bytes, and file ingest. The browser worker exposes one of
 * these; the Node engine wraps one directly.
 */
export class EngineCore {
  #backend: DuckBackend;
  #parquet: ParquetModule;
  #engineName: string;
  #queue: Promise<unknown> = Promise.resolve();
  #current: Operation | null = null;
  #staging = 0;

  /** Where the platform reports uncaught wasm traps (see PanicWatch). */
  readonly panics = new PanicWatch();

  #hashFile: HashFile;

  #ingestPath: string | null;

  /**
   * `hashFile` lets a platform hash on another thread (the browser: a worker of its own).
   * `ingestPath` is the one name files are registered under for DuckDB to read, which the
   * sealed engine keeps readable (sandbox.ts INGEST_PATH, in the browser). Without it each
   * load registers a fresh relative name (DuckDB-WASM's Node runtime looks names up on the
   * real disk first), and the sealed engine allows no path: open sources before sealing.
   */
  constructor(backend: DuckBackend, parquet: ParquetModule, engineName: string, options: { hashFile?: HashFile; ingestPath?: string } = {}) {
    this.#backend = backend;
    this.#parquet = parquet;
    this.#engineName = engineName;
    this.#hashFile = options.hashFile ?? sha256Blob;
    this.#ingestPath = options.ingestPath ?? null;
  }

  /** Apply the offline settings. Call once after construction. */
  async init(extensionRepository: string): Promise<void> {
    for (const sql of offlineSettings(extensionRepository)) await this.queryIPC(sql);
  }

  #sealed = false;

  /** True once seal() has run. */
  get sealed(): boolean {
    return this.#sealed;
  }

  /**
   * Seal DuckDB for notebook SQL (sandbox.ts). With an ingestPath, registered files stay
   * readable under it, so files can still be opened afterwards.
   */
  seal(): Promise<void> {
    return this.#exclusive(async (op) => {
      if (this.#sealed) return;
      for (const sql of sandboxSettings({ allowedPaths: this.#ingestPath ? [this.#ingestPath] : [] })) await this.#run(sql, op);
      this.#sealed = true;
    });
  }

  /** Run one statement in a namespace (see Engine.query); the whole result as Arrow IPC stream bytes. */
  queryIPC(sql: string, namespace = 'main'): Promise<Uint8Array> {
    return this.#exclusive(async (op) => {
      await this.#use(namespace, op);
      return this.#run(sql, op);
    });
  }

  #schema = 'main';

  /** Make `namespace` the schema statements run in (created on first use). Inside #exclusive only. */
  async #use(namespace: string, op: Operation): Promise<void> {
    if (namespace === this.#schema) return;
    for (const sql of useNamespaceSql(namespace)) await this.#run(sql, op);
    this.#schema = namespace;
  }

  /**
   * A query's result as Parquet bytes, written by parquet-wasm (DuckDB-WASM cannot load its
   * parquet extension offline). Snappy-compressed, row groups of 1M rows.
   */
  exportParquet(sql: string, namespace = 'main'): Promise<Uint8Array> {
    return this.#exclusive(async (op) => {
      await this.#use(namespace, op);
      const ipc = await this.#run(sql, op);
      try {
        return writeParquet(this.#parquet, ipc);
      } catch (cause) {
        throw new AssayError('engine', `cannot write Parquet: ${messageOf(cause)}`, { cause });
      }
    });
  }

  /** Cancel the running operation (query or file load). */
  async cancel(): Promise<void> {
    const op = this.#current;
    if (!op) return;
    op.cancelled = true;
    // Interrupting at any other moment could hit the clean-up (DROP of a staging table) that
    // a cancelled load runs next; between queries the cancelled flag alone stops the work.
    if (op.inQuery) await this.#backend.cancelPending().catch(() => false);
  }

  async versions(): Promise<EngineVersions> {
    const t = tableFromIPC(await this.queryIPC(`SELECT version() AS v, current_setting('threads') AS t`, this.#schema));
    const row = t.get(0)!.toJSON() as { v: string; t: number | bigint };
    return { engine: this.#engineName, duckdb: row.v, bundle: this.#backend.bundle, threads: Number(row.t) };
  }

  async dropSource(name: string, namespace = 'main'): Promise<void> {
    await this.queryIPC(`DROP TABLE IF EXISTS ${quoteIdent(name)}`, namespace);
  }

  /** Read a file into a table named `options.name` (or one derived from the file name). */
  openFile(file: Blob, fileName: string, options: OpenFileOptions = {}): Promise<SourceInfo> {
    return this.#exclusive((op) => this.#openFile(file, fileName, options, op));
  }

  async #openFile(file: Blob, fileName: string, options: OpenFileOptions, op: Operation): Promise<SourceInfo> {
    await this.#use(options.namespace ?? 'main', op);
    if (file.size === 0) throw new AssayError('input', 'the file is empty (0 bytes)', { subject: fileName });
    const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
    const format = options.format ?? detectFormat(fileName, head);
    if (!format) {
      throw new AssayError('input', 'unknown file type: expected Parquet, CSV, JSON Lines or Arrow IPC', { subject: fileName });
    }
    const name = options.name ?? sourceNameFor(fileName);
    const staging = `__assay_staging_${++this.#staging}`;
    const progress = (p: IngestProgress) => options.onProgress?.(p);
    const checkCancelled = () => {
      if (op.cancelled) throw new AssayError('cancelled', 'opening the file was cancelled', { subject: fileName });
    };
    const query = async (sql: string) => tableFromIPC(await this.#run(sql, op));
    const ctx: IngestContext = {
      backend: this.#backend,
      parquet: this.#parquet,
      query,
      table: staging,
      columns: options.columns,
      fileName,
      file,
      checkCancelled,
      progress,
      panics: this.panics,
      registeredPath: this.#ingestPath ?? `assay_csv/${crypto.randomUUID()}.csv`,
    };
    // The hash runs beside the reader; a failed load stops it too.
    let failed = false;
    const hashing = this.#hashFile(
      file,
      (done, total) => progress({ phase: 'hash', fileName, done, total }),
      () => {
        if (failed) throw new AssayError('cancelled', 'the load failed', { subject: fileName });
        checkCancelled();
      },
    );
    hashing.catch(() => undefined);
    try {
      await READERS[format](ctx);
      checkCancelled();
      // Parquet projects while decoding (its staged table already holds just these columns);
      // the other readers, and a Parquet file without row groups, load everything first.
      if (options.columns) {
        const loaded = (await describeColumns(query, staging)).map((c) => c.name);
        const keep = projectColumns(fileName, loaded, options.columns);
        if (keep.length < loaded.length) await this.#run(`CREATE OR REPLACE TABLE ${quoteIdent(staging)} AS SELECT ${keep.map(quoteIdent).join(', ')} FROM ${quoteIdent(staging)}`, op);
      }
      const columns = await normaliseTimestamps(query, staging);
      validateLoaded(columns, fileName);
      const rows = Number((await query(`SELECT count(*) AS n FROM ${quoteIdent(staging)}`)).get(0)!.toJSON().n);
      const sha256 = await hashing;
      await this.#run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`, op);
      await this.#run(`ALTER TABLE ${quoteIdent(staging)} RENAME TO ${quoteIdent(name)}`, op);
      return { name, fileName, format, bytes: file.size, rows, columns, sha256 };
    } catch (error) {
      failed = true;
      await this.#run(`DROP TABLE IF EXISTS ${quoteIdent(staging)}`, { cancelled: false, inQuery: false }).catch(() => undefined);
      if (error instanceof AssayError) throw error;
      throw new AssayError('input', `cannot be opened as ${format}: ${messageOf(error)}`, { subject: fileName, cause: error });
    }
  }

  /** Runs `task` alone: one connection runs one thing at a time. */
  #exclusive<T>(task: (op: Operation) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      const op: Operation = { cancelled: false, inQuery: false };
      this.#current = op;
      try {
        return await task(op);
      } finally {
        this.#current = null;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(sql: string, op: Operation): Promise<Uint8Array> {
    const backend = this.#backend;
    const cancelled = () => new AssayError('cancelled', 'the query was cancelled');
    if (op.cancelled) throw cancelled();
    op.inQuery = true;
    try {
      let header = await backend.startPending(sql);
      while (header === null) {
        if (op.cancelled) {
          await backend.cancelPending().catch(() => false);
          throw cancelled();
        }
        // Let a cancel() request in between polls.
        await new Promise((resolve) => setTimeout(resolve, 0));
        header = await backend.pollPending();
      }
      // A result always starts with its schema. An empty one means the bytes were lost on
      // the way out of wasm memory (duckdb-wasm #2256): fail, never return a short result.
      if (header.byteLength === 0) throw new AssayError('engine', 'DuckDB returned a result without its schema (duckdb-wasm #2256); run the query again');
      const parts: Uint8Array[] = [header];
      let size = header.byteLength;
      for (;;) {
        const chunk = await backend.fetchResults();
        // null means "no batch ready yet" (the threaded bundle produces batches on other
        // threads); only an empty buffer ends the stream. Treating null as the end returned
        // short results under load.
        if (chunk === null) {
          if (op.cancelled) throw cancelled();
          await new Promise((resolve) => setTimeout(resolve, 0));
          continue;
        }
        if (chunk.byteLength === 0) break;
        parts.push(chunk);
        size += chunk.byteLength;
      }
      // An interrupt while batches stream ends the stream early, which reads as a short
      // (often empty) result: report it as the cancellation it is, never as data.
      if (op.cancelled) throw cancelled();
      parts.push(IPC_EOS);
      const out = new Uint8Array(size + IPC_EOS.byteLength);
      let offset = 0;
      for (const p of parts) {
        out.set(p, offset);
        offset += p.byteLength;
      }
      return out;
    } catch (error) {
      if (isCancelled(error)) throw error;
      if (op.cancelled) throw cancelled();
      throw new AssayError('sql', messageOf(error), { cause: error });
    } finally {
      op.inQuery = false;
    }
  }
}
