import { tableFromIPC } from 'apache-arrow';
import type { ColumnInfo } from '../Engine';
import type { IngestContext } from './IngestContext';
import { AssayError, messageOf } from '../../core/errors';
import { projectColumns } from './projectColumns';

/**
 * Decoded bytes per Arrow record batch to aim for. parquet-wasm's default of 1,024 rows a
 * batch made DuckDB-WASM's append the slowest step of opening a file: a 1M-row row group
 * appended in about 1.2 s as 1,024-row batches and in about 0.5 s as one batch (Chromium,
 * 2 threads). The cap keeps a string column's data well under Arrow's 2 GiB offset limit.
 */
const BATCH_BYTES = 256 * 1024 * 1024;

/** Rows per record batch for a row group of `rows` rows and `bytes` uncompressed bytes. */
export function batchRows(rows: number, bytes: number): number {
  if (rows <= 0) return 1024;
  if (bytes <= BATCH_BYTES) return rows;
  return Math.max(1024, Math.floor((rows * BATCH_BYTES) / bytes));
}

/**
 * Read a Parquet file with parquet-wasm, one row group at a time, into DuckDB as Arrow IPC.
 * DuckDB-WASM cannot load its parquet extension offline, and decoding the whole file at
 * once costs several times the memory (STACK.md), hence row groups.
 * The footer is read first so the schema and row count are reported before any data moves.
 */
export async function ingestParquet(ctx: IngestContext): Promise<void> {
  const { fileName } = ctx;
  let pf: Awaited<ReturnType<IngestContext['parquet']['ParquetFile']['fromFile']>>;
  try {
    pf = await ctx.panics.guard(ctx.parquet.ParquetFile.fromFile(ctx.file));
  } catch (cause) {
    throw new AssayError('input', `not a readable Parquet file (${describeParquetError(cause)})`, { subject: fileName, cause });
  }
  try {
    const meta = pf.metadata();
    const groups = meta.numRowGroups();
    const total = Number(meta.fileMetadata().numRows());
    const schemaIPC = pf.schema().intoIPCStream();
    const all = arrowColumns(schemaIPC);
    const wanted = ctx.columns ? projectColumns(fileName, all.map((a) => a.name), ctx.columns) : undefined;
    // DuckDB answers a half-precision column with "Unsupported Internal Arrow Type e" after
    // the decoding; the footer already says which column it is, so say that before any work.
    const unsupported = all.filter((c) => (!wanted || wanted.includes(c.name)) && /Float16/.test(c.type));
    if (unsupported.length) {
      const list = unsupported.map((c) => `${c.name} (${c.type})`).join(', ');
      throw new AssayError('input', `has half-precision float columns DuckDB cannot read: ${list}; write them as FLOAT or DOUBLE, or leave them out with the source's columns list`, { subject: fileName });
    }
    ctx.progress({ phase: 'schema', fileName, rows: total, columns: wanted ? all.filter((a) => wanted.includes(a.name)) : all });
    if (groups === 0) {
      await ctx.backend.insertArrowIPC(ctx.table, schemaIPC, true);
    }
    let done = 0;
    // Pipelined: row group g+1 is decoded here while DuckDB (in its own worker) appends row
    // group g, so the two cores work at once. Inserts stay in order, one at a time, and at
    // most two decoded row groups are held.
    let inserting: Promise<void> | null = null;
    try {
      for (let g = 0; g < groups; g++) {
        ctx.checkCancelled();
        let ipc: Uint8Array;
        const group = meta.rowGroup(g);
        const rows = Number(group.numRows());
        try {
          const batchSize = batchRows(rows, Number(group.totalByteSize()));
          const part = await ctx.panics.guard(pf.read({ rowGroups: [g], batchSize, ...(wanted ? { columns: wanted } : {}) }));
          ipc = part.intoIPCStream();
        } catch (cause) {
          throw new AssayError('input', `row group ${g + 1} of ${groups} cannot be decoded (${describeParquetError(cause)})`, { subject: fileName, cause });
        }
        if (inserting) await inserting;
        ctx.checkCancelled();
        inserting = ctx.backend.insertArrowIPC(ctx.table, ipc, g === 0).then(() => {
          done += rows;
          ctx.progress({ phase: 'rows', fileName, done, total });
        });
      }
      if (inserting) await inserting;
    } finally {
      // Never leave an append running behind a failure: the caller drops the table next.
      await inserting?.catch(() => undefined);
    }
  } finally {
    pf.free();
  }
}

/** Column names and Arrow types from a schema-only IPC stream, for the early schema report. */
function arrowColumns(schemaIPC: Uint8Array): ColumnInfo[] {
  try {
    return tableFromIPC(schemaIPC).schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
  } catch {
    return [];
  }
}

function describeParquetError(cause: unknown): string {
  const text = messageOf(cause);
  if (/EOF|eof|out of range|too small|Invalid Parquet file|Corrupt footer|magic|unreachable/i.test(text)) {
    return `truncated or corrupt: ${text}`;
  }
  return text;
}
