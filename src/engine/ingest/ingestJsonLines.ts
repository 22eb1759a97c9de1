import { Bool, Float64, Int64, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { AssayError } from '../../core/errors';
import type { IngestContext } from './IngestContext';
import { textLines } from './textLines';

/** What a JSON value can be as a column; `json` (nested) and mixed kinds become text. */
type Kind = 'null' | 'bool' | 'int' | 'float' | 'timestamp' | 'string' | 'json';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const BATCH_ROWS = 65_536;

/**
 * Read JSON Lines (one object per line) into DuckDB. DuckDB-WASM's JSON import cannot read
 * newline-delimited files and `read_json` lives in an extension it cannot load offline, so
 * this streams the file twice: once to infer column kinds, once to build Arrow batches.
 * Timestamps with offsets are normalised to UTC so nothing needs the icu extension.
 */
export async function ingestJsonLines(ctx: IngestContext): Promise<void> {
  const { kinds, rows } = await scanJsonLines(ctx.file, ctx.fileName, ctx.checkCancelled);
  const columns = [...kinds.entries()];
  let batch: Record<string, unknown>[] = [];
  let first = true;
  let done = 0;
  const flush = async () => {
    const vectors: Record<string, Vector> = Object.fromEntries(
      columns.map(([name, kind]) => [name, vectorFromArray(batch.map((r) => convert(r[name], kind)), arrowType(kind))]),
    );
    await ctx.backend.insertArrowIPC(ctx.table, tableToIPC(new Table(vectors), 'stream'), first);
    first = false;
    done += batch.length;
    batch = [];
    ctx.progress({ phase: 'rows', fileName: ctx.fileName, done, total: rows });
  };
  for await (const [lineNo, line] of textLines(ctx.file, ctx.fileName)) {
    if (line.trim() === '') continue;
    batch.push(parseLine(line, lineNo, ctx.fileName));
    if (batch.length >= BATCH_ROWS) {
      ctx.checkCancelled();
      await flush();
    }
  }
  if (batch.length > 0 || first) await flush();
}

/**
 * The first pass over a JSON Lines file: every line parsed (a line that is not JSON, or not an
 * object, fails naming its line), the column kinds inferred. The native engine runs it too
 * before DuckDB's read_json, so both engines refuse the same files with the same message.
 */
export async function scanJsonLines(file: Blob, fileName: string, checkCancelled: () => void = () => undefined): Promise<{ kinds: Map<string, Kind>; rows: number }> {
  const kinds = new Map<string, Kind>();
  let rows = 0;
  for await (const [lineNo, line] of textLines(file, fileName)) {
    if (line.trim() === '') continue;
    checkCancelled();
    const record = parseLine(line, lineNo, fileName);
    for (const [key, value] of Object.entries(record)) {
      kinds.set(key, mergeKind(kinds.get(key) ?? 'null', kindOf(value)));
    }
    rows++;
  }
  if (kinds.size === 0) throw new AssayError('input', rows === 0 ? 'has no records (the file is empty)' : 'records have no fields', { subject: fileName });
  return { kinds, rows };
}

function parseLine(line: string, lineNo: number, fileName: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new AssayError('input', `line ${lineNo} is not valid JSON (${(cause as Error).message})`, { subject: fileName, cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AssayError('input', `line ${lineNo} is not a JSON object`, { subject: fileName });
  }
  return value as Record<string, unknown>;
}

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return ISO_TIMESTAMP.test(value) && !Number.isNaN(parseTimestamp(value)) ? 'timestamp' : 'string';
  return 'json';
}

function mergeKind(a: Kind, b: Kind): Kind {
  if (a === b || b === 'null') return a;
  if (a === 'null') return b;
  if ((a === 'int' && b === 'float') || (a === 'float' && b === 'int')) return 'float';
  if (a === 'json' || b === 'json') return 'json';
  return 'string';
}

function arrowType(kind: Kind): DataType {
  switch (kind) {
    case 'bool':
      return new Bool();
    case 'int':
      return new Int64();
    case 'float':
      return new Float64();
    case 'timestamp':
      return new TimestampMillisecond();
    default:
      return new Utf8();
  }
}

function convert(value: unknown, kind: Kind): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'int':
      return BigInt(value as number);
    case 'timestamp':
      return parseTimestamp(value as string);
    case 'string':
    case 'json':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return value;
  }
}

/** Milliseconds since the epoch; a timestamp without an offset is taken as UTC, not local time. */
function parseTimestamp(text: string): number {
  const iso = text.replace(' ', 'T');
  const hasOffset = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(iso) && iso.length > 10;
  return Date.parse(hasOffset ? iso : `${iso}Z`);
}
