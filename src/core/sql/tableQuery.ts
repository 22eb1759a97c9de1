import { quoteIdent, quoteLiteral } from './quote';

/**
 * Sorting and filtering a result table in DuckDB: the page only ever holds the rows it shows,
 * so a sort or a filter over a 10M-row view costs a query, not a download.
 */

/** A column of the table being browsed, as the filter reads it. */
export interface BrowseColumn {
  name: string;
  /** Numeric columns take comparisons (`> 5`, `1..10`); the others a text search. */
  numeric: boolean;
  /** Dates and timestamps also take ranges of times (`2024-01-01..<2024-02-01`). */
  temporal?: boolean;
}

/** What the user asked of the table: at most one sort column, and a filter text per column. */
export interface TableQuery {
  sort: { column: string; descending: boolean } | null;
  filters: Readonly<Record<string, string>>;
}

/** The WHERE clause of a query's filters, or the problem of each filter that does not parse. */
export interface TableWhere {
  /** `WHERE …`, or '' when no filter is set. */
  sql: string;
  /** A message for each filter that cannot be read, by column; those filters are left out. */
  errors: Record<string, string>;
}

const COMPARISON = /^(>=|<=|!=|<>|=|>|<)\s*(.+)$/;
const RANGE = /^(.+?)\s*\.\.\s*(.+)$/;
/** `a..<b`: from a (inclusive) up to b (exclusive), as a histogram's bins are. */
const HALF_OPEN = /^(.+?)\s*\.\.<\s*(.+)$/;
/** A date or timestamp as DuckDB prints one (`2024-01-01`, `2024-01-01 12:00:00.5`). */
const TIME = /^-?\d{4,}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?$/;

/** A range's bound: a DOUBLE read from the shortest text of the number, so it is that exact double. */
const double = (n: number) => `${quoteLiteral(String(n))}::DOUBLE`;
const time = (t: string) => `CAST(${quoteLiteral(t.trim())} AS TIMESTAMP)`;

/** A number as the user typed it (thousands separators allowed), or null. */
function number(text: string): number | null {
  const t = text.trim().replaceAll(',', '').replaceAll('_', '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
  return Number(t);
}

/**
 * One column's filter as a predicate. Every column: `is null`, `is not null`; a text in double
 * quotes matches the value exactly (`"dent "` finds the label with its trailing space, `""` the
 * empty string). Numeric columns: `> 5`, `>= 5`, `< 5`, `<= 5`, `= 5`, `!= 5`, a bare number
 * (equal), `a..b` (inclusive, either order), `a..<b` (a ≤ x < b); ranges compare the value as a
 * DOUBLE with the bounds' exact doubles, as the header histograms bin it. Date and timestamp
 * columns: `a..b` and `a..<b` with times as DuckDB prints them, compared as TIMESTAMP. Other
 * columns (and times that are not ranges): the value as text contains the filter, ignoring
 * case. Null for an empty filter.
 */
export function filterPredicate(column: BrowseColumn, text: string): { sql: string } | { error: string } | null {
  const t = text.trim();
  if (t === '') return null;
  const col = quoteIdent(column.name);
  const lower = t.toLowerCase();
  if (lower === 'is null') return { sql: `${col} IS NULL` };
  if (lower === 'is not null') return { sql: `${col} IS NOT NULL` };
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    // Inside the quotes the text is kept as typed, blanks included.
    const exact = text.slice(text.indexOf('"') + 1, text.lastIndexOf('"'));
    return { sql: `CAST(${col} AS VARCHAR) = ${quoteLiteral(exact)}` };
  }
  const halfOpen = HALF_OPEN.exec(t);
  const range = halfOpen ?? RANGE.exec(t);
  if (column.temporal && !column.numeric && range && TIME.test(range[1]!.trim()) && TIME.test(range[2]!.trim())) {
    const x = `CAST(${col} AS TIMESTAMP)`;
    return { sql: halfOpen ? `${x} >= ${time(range[1]!)} AND ${x} < ${time(range[2]!)}` : `${x} BETWEEN ${time(range[1]!)} AND ${time(range[2]!)}` };
  }
  if (!column.numeric) return { sql: `contains(lower(CAST(${col} AS VARCHAR)), ${quoteLiteral(lower)})` };
  if (range) {
    const [a, b] = [number(range[1]!), number(range[2]!)];
    if (a === null || b === null) return { error: `"${t}": a range is two numbers, as 1..10 or 1..<10` };
    const x = `CAST(${col} AS DOUBLE)`;
    if (halfOpen) return { sql: `${x} >= ${double(a)} AND ${x} < ${double(b)}` };
    return { sql: `${x} BETWEEN ${double(Math.min(a, b))} AND ${double(Math.max(a, b))}` };
  }
  const cmp = COMPARISON.exec(t);
  const op = cmp ? (cmp[1] === '<>' ? '!=' : cmp[1]!) : '=';
  const value = number(cmp ? cmp[2]! : t);
  if (value === null) return { error: `"${t}": a number column takes > 5, <= 2.5, = 0, 1..10, is null or "exact text"` };
  return { sql: `${col} ${op} ${quoteLiteral(value)}` };
}

/** The WHERE clause of every filter set (ANDed), with the problems of those that do not parse. */
export function tableWhereSql(columns: readonly BrowseColumn[], filters: TableQuery['filters']): TableWhere {
  const parts: string[] = [];
  const errors: Record<string, string> = {};
  for (const column of columns) {
    const p = filterPredicate(column, filters[column.name] ?? '');
    if (!p) continue;
    if ('error' in p) errors[column.name] = p.error;
    else parts.push(`(${p.sql})`);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', errors };
}

/**
 * The ORDER BY of a sort: the column, NULLs last either way, then every other column in order,
 * so rows that tie keep one order and pages never overlap or skip a row.
 */
export function tableOrderSql(columns: readonly BrowseColumn[], sort: TableQuery['sort']): string {
  if (!sort) return '';
  const at = columns.findIndex((c) => c.name === sort.column);
  if (at < 0) return '';
  const rest = columns.map((_, i) => i + 1).filter((i) => i !== at + 1);
  return `ORDER BY ${at + 1} ${sort.descending ? 'DESC' : 'ASC'} NULLS LAST${rest.length ? `, ${rest.map((i) => `${i} ASC NULLS LAST`).join(', ')}` : ''}`;
}

/** One page of the relation's rows under the query: `limit` rows from `offset`. */
export function tablePageSql(relation: string, columns: readonly BrowseColumn[], q: TableQuery, offset: number, limit: number): string {
  const where = tableWhereSql(columns, q.filters).sql;
  const order = tableOrderSql(columns, q.sort);
  const select = columns.map((c) => quoteIdent(c.name)).join(', ');
  return [`SELECT ${select} FROM ${quoteIdent(relation)}`, where, order, `LIMIT ${Math.max(0, Math.floor(limit))} OFFSET ${Math.max(0, Math.floor(offset))}`].filter(Boolean).join(' ');
}

/** How many of the relation's rows the query's filters keep. */
export function tableCountSql(relation: string, columns: readonly BrowseColumn[], q: TableQuery): string {
  const where = tableWhereSql(columns, q.filters).sql;
  return `SELECT count(*) AS n FROM ${quoteIdent(relation)}${where ? ` ${where}` : ''}`;
}
