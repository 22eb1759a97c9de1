import type { QueryFn } from '../cells/CellKind';
import { messageOf } from '../errors';

/** Where in a cell's own SQL DuckDB placed an error: 1-based line and column of the user's text. */
export interface SqlPosition {
  line: number;
  column: number;
}

/** DuckDB's excerpt: "LINE n: <part of the line>" and a caret under the place. */
const EXCERPT = /\n*LINE (\d+): ([^\n]*)\n( *)\^/;

/** A message without DuckDB's "LINE n: …" excerpt and caret (which quote whatever statement it was in). */
export function withoutExcerpt(message: string): string {
  return message.replace(/\n*LINE \d+: [^\n]*(\n *\^)?/g, '').trim();
}

/**
 * The user's position from DuckDB's excerpt of `statement`, whose text is `prefix` (on its first
 * line, no newline) followed by the user's SQL. DuckDB shows at most about 120 columns around
 * the place, "..." marking a cut, so the excerpt is found in its line again.
 */
export function positionFromExcerpt(message: string, statement: string, prefixLength: number): SqlPosition | null {
  const m = EXCERPT.exec(message);
  if (!m) return null;
  const line = Number(m[1]);
  let shown = m[2]!;
  let caret = m[3]!.length - `LINE ${m[1]}: `.length;
  if (shown.startsWith('...')) {
    shown = shown.slice(3);
    caret -= 3;
  }
  if (shown.endsWith('...')) shown = shown.slice(0, -3);
  const text = statement.split('\n')[line - 1];
  if (text === undefined || caret < 0) return null;
  const start = text.indexOf(shown);
  if (start < 0) return null;
  const column = start + caret - (line === 1 ? prefixLength : 0);
  return column < 0 ? null : { line, column: column + 1 };
}

/** The 1-based line and column of a UTF-8 byte offset into `text`. */
export function positionOfByteOffset(text: string, byteOffset: number): SqlPosition {
  const bytes = new TextEncoder().encode(text);
  const before = new TextDecoder().decode(bytes.slice(0, Math.max(0, Math.min(byteOffset, bytes.length))));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** DuckDB's excerpt style, over the user's own text. */
export function excerptAt(sql: string, at: SqlPosition): string {
  const text = sql.split('\n')[at.line - 1] ?? '';
  const label = `LINE ${at.line}: `;
  return `${label}${text}\n${' '.repeat(label.length + at.column - 1)}^`;
}

/**
 * Find where a query that failed to parse or bind went wrong, in the user's text, by having
 * DuckDB bind `DESCRIBE <sql>` (binding runs nothing) and mapping its excerpt back past the
 * `DESCRIBE `. That text is sent only when it can be one statement: after any error but a
 * parser's, DuckDB's `query()` had already parsed it as exactly one SELECT (checkSingleSelect);
 * after a syntax error, only when it holds no `;` at all, DuckDB's only statement separator.
 * Null when DuckDB gives no place (or a syntax error's text has a `;` in a string).
 */
export async function locateSqlError(query: QueryFn, sql: string, message: string): Promise<SqlPosition | null> {
  if (/^Parser Error/.test(message) && (!/syntax error/.test(message) || sql.includes(';'))) return null;
  const prefix = 'DESCRIBE ';
  try {
    await query(prefix + sql);
  } catch (error) {
    return positionFromExcerpt(messageOf(error), prefix + sql, prefix.length);
  }
  return null;
}
