import { quoteIdent, quoteLiteral } from '../../core/sql/quote';
import { AssayError, messageOf, isCancelled } from '../../core/errors';
import { describeColumns } from '../../core/sql/describe';
import type { IngestContext } from './IngestContext';

const DELIMITERS = [',', '\t', ';', '|'];

/**
 * read_csv's options on every engine. skip = 0: otherwise the sniffer may skip rows until it
 * finds a consistent block, and a ragged file comes back with its last lines as the header.
 */
export const CSV_OPTIONS = 'header = true, skip = 0, sample_size = 20480';

/**
 * When rows disagree on their number of fields the sniffer gives up on the delimiter and
 * returns one column named after the whole header line: the delimiter that header plainly
 * uses, to read again with (which then fails naming the ragged line); null otherwise.
 */
export function delimiterOfOneColumnHeader(columns: readonly string[]): string | null {
  if (columns.length !== 1) return null;
  return DELIMITERS.find((d) => columns[0]!.includes(d)) ?? null;
}

/** What a user is told when read_csv fails: the ragged line if the head shows one, else DuckDB's message cleaned. */
export async function csvFailure(cause: unknown, file: Blob, path: string): Promise<string> {
  return (await raggedHint(file)) ?? cleanCsvMessage(messageOf(cause), path);
}

/**
 * Read a CSV with DuckDB's own read_csv over a registered file handle: the file is read
 * lazily by DuckDB, never copied whole into the wasm heap. It is registered under the path
 * the engine gives (in the browser the one path a sealed engine may read; loads run one at a
 * time), after anything else under that name is dropped, and dropped again once read.
 */
export async function ingestCsv(ctx: IngestContext): Promise<void> {
  const registered = ctx.registeredPath;
  // Whatever else holds the name (a file a notebook's COPY left there, say) must not be read
  // in place of the user's file.
  await ctx.backend.dropFile(registered).catch(() => undefined);
  await ctx.backend.registerFile(registered, ctx.file);
  try {
    const read = async (options: string) => {
      try {
        await ctx.query(`CREATE OR REPLACE TABLE ${quoteIdent(ctx.table)} AS SELECT * FROM read_csv(${quoteLiteral(registered)}, ${CSV_OPTIONS}${options})`);
      } catch (cause) {
        if (isCancelled(cause)) throw cause;
        throw new AssayError('input', `cannot be read as CSV: ${await csvFailure(cause, ctx.file, registered)}`, { subject: ctx.fileName, cause });
      }
    };
    await read('');
    const delimiter = delimiterOfOneColumnHeader((await describeColumns(ctx.query, ctx.table)).map((c) => c.name));
    if (delimiter) await read(`, delim = ${quoteLiteral(delimiter)}`);
  } finally {
    await ctx.backend.dropFile(registered);
  }
}

/** DuckDB's sniffer messages are long and name our internal file path; keep what a user needs. */
function cleanCsvMessage(text: string, path: string): string {
  // DuckDB's first line says where, a later line why; "Original Line" and the sniffer's
  // settings are noise to a user.
  const lines = text.replaceAll(path, 'the file').split('\n').map((l) => l.trim());
  const why = lines.slice(1).find((l) => l && !l.startsWith('Original Line') && !l.startsWith('Possible Solution') && !l.includes('='));
  return [lines[0], why].filter(Boolean).join(' — ').replace(/\s+/g, ' ');
}

/**
 * "line 3 has 2 fields where the header has 3" for a ragged file, from its first megabyte;
 * null when the head is consistent (then DuckDB's own message is the better one).
 */
export async function raggedHint(file: Blob): Promise<string | null> {
  const text = await file.slice(0, 1 << 20).text();
  const lines = splitRecords(text.replace(/^\uFEFF/, ''));
  if (lines.length < 2) return null;
  const header = lines[0]!;
  const delimiter = DELIMITERS.map((d) => [d, countFields(header, d)] as const).sort((a, b) => b[1] - a[1])[0]!;
  if (delimiter[1] < 2) return null;
  const width = delimiter[1];
  const complete = file.size <= 1 << 20 ? lines.length : lines.length - 1;
  for (let i = 1; i < complete; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const n = countFields(line, delimiter[0]);
    if (n !== width) {
      const name = delimiter[0] === '\t' ? 'tab' : `'${delimiter[0]}'`;
      return `ragged rows: line ${i + 1} has ${n} fields where the header has ${width} (delimiter ${name})`;
    }
  }
  return null;
}

/** Records of a CSV text, keeping newlines inside quotes. */
function splitRecords(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n' && !quoted) {
      out.push(text.slice(start, i).replace(/\r$/, ''));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start).replace(/\r$/, ''));
  return out;
}

function countFields(record: string, delimiter: string): number {
  let n = 1;
  let quoted = false;
  for (const ch of record) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) n++;
  }
  return n;
}
