import { quoteIdent } from './quote';
import type { BrowseColumn } from './tableQuery';

/**
 * The small summary under each header of a SQL cell's result table, as Quak draws it: one
 * aggregate statement over the cell's whole view (not the rows on the page) for every column.
 *
 * Numeric and temporal columns get a histogram of SUMMARY_BINS equal-width bins. With lo and hi
 * the column's least and greatest finite value (numbers as DOUBLE; timestamps and dates as
 * microseconds since the epoch, `epoch_us(CAST(c AS TIMESTAMP))`), the edges are
 * e_0 = lo, e_k = lo + k·w for k = 1…19 with w = (hi − lo)/20 (in DOUBLE; for times in integer
 * microseconds, e_k = lo + ⌊k·(hi − lo)/20⌋), and e_20 = hi. Bin k holds e_k ≤ x < e_(k+1); the
 * last bin also holds x = hi. A column whose finite values are all one value (lo = hi) has one
 * bin [lo, lo]. Each value is placed against edges computed by the same SQL arithmetic as the
 * edges returned (IEEE doubles are deterministic; times are exact integers), so a bin's filter (`e_k..<e_(k+1)`, the last `e_19..e_20`, see tableQuery.ts)
 * selects exactly the rows the bin counts. NULLs (and NaN/±Infinity) are counted apart.
 *
 * Other columns (text, boolean, lists…) get their top values, exactly: the value as VARCHAR
 * grouped and counted, ordered by count (descending) and then by value (DuckDB's byte order of
 * UTF-8, which is code-point order), the first SUMMARY_TOP of them; the number of groups is
 * the exact count of distinct non-NULL values; the NULLs are counted, and the rest is "other".
 * Exact, not approx_top_k: an approximate top-k's candidates depend on the order in which
 * threads scan the rows, so on a key with many ties it named different values from run to run.
 *
 * The statement reads the view once for the bounds (min, max, NULL counts of every column
 * together), once to count the bins of every histogram, and once per other column to group it.
 */

export const SUMMARY_BINS = 20;
/** Top values drawn as bars (NULL and "other" come on top of these). */
export const SUMMARY_TOP = 3;

/** A column to summarise: a browse column, and whether it is a date or timestamp. */
export interface SummaryColumn extends BrowseColumn {
  temporal?: boolean;
}

export interface HistogramBin {
  /** Lower edge (inclusive), as a number (for times, microseconds since the epoch). */
  lo: number;
  /** Upper edge: exclusive, except for the last bin where it is inclusive. */
  hi: number;
  /** The edges as filter text: numbers in their shortest exact form, times as DuckDB prints them. */
  loText: string;
  hiText: string;
  last: boolean;
  count: number;
}

export type ColumnSummary =
  | { kind: 'histogram'; column: string; temporal: boolean; rows: number; nulls: number; nonFinite: number; bins: HistogramBin[] }
  | { kind: 'top'; column: string; rows: number; nulls: number; distinct: number; top: { value: string; count: number }[]; other: number };

const kindOf = (c: SummaryColumn): 'num' | 'time' | 'other' => (c.numeric ? 'num' : c.temporal ? 'time' : 'other');

/** The one statement that summarises every column of the relation (see the module comment). */
export function columnSummariesSql(relation: string, columns: readonly SummaryColumn[]): string {
  const n = SUMMARY_BINS;
  const bounds: string[] = ['count(*) AS n'];
  const edges: string[] = ['n'];
  const x0: string[] = [];
  const guesses: string[] = [];
  const bins: string[] = [];
  const out: string[] = ['e.n AS n'];
  const aggs: string[] = [];
  const tops: string[] = [];
  const from = quoteIdent(relation);
  columns.forEach((c, i) => {
    const col = quoteIdent(c.name);
    const p = `c${i}`;
    const kind = kindOf(c);
    bounds.push(`count(*) - count(${col}) AS ${p}_nulls`);
    edges.push(`${p}_nulls`);
    out.push(`e.${p}_nulls AS ${p}_nulls`);
    if (kind === 'other') {
      // Each column grouped apart: one GROUPING SETS aggregate over all of them measured slower
      // (DuckDB-WASM, 1M rows, three columns: 744 ms against 524 ms).
      const groups = `SELECT CAST(${col} AS VARCHAR) AS v, count(*) AS n FROM ${from} WHERE ${col} IS NOT NULL GROUP BY 1`;
      const first = `SELECT v, n, count(*) OVER () AS d FROM (${groups}) ORDER BY n DESC, v LIMIT ${SUMMARY_TOP}`;
      tops.push(`(SELECT list(v ORDER BY n DESC, v) AS vals, list(n ORDER BY n DESC, v) AS counts, max(d) AS nd FROM (${first})) ${p}`);
      out.push(`coalesce(${p}.nd, 0) AS ${p}_distinct`, `${p}.vals AS ${p}_top`, `${p}.counts AS ${p}_counts`);
      return;
    }
    // edge(k, q): e_k from the bounds (q is '' in the CTE of bounds, 'e.' per row), the same
    // arithmetic in both places, so the edges returned are the edges each value was placed against.
    let edge: (k: string, q: string) => string;
    if (kind === 'num') {
      const x = `CAST(${col} AS DOUBLE)`;
      bounds.push(`count(*) FILTER (WHERE NOT isfinite(${x})) AS ${p}_nonfinite`, `min(${x}) FILTER (WHERE isfinite(${x})) AS ${p}_lo`, `max(${x}) FILTER (WHERE isfinite(${x})) AS ${p}_hi`);
      edge = (k, q) => `${q}${p}_lo + ${k} * ((${q}${p}_hi - ${q}${p}_lo) / ${n})`;
      edges.push(`${p}_nonfinite`, `${p}_lo`, `${p}_hi`);
      x0.push(`CASE WHEN isfinite(${x}) THEN ${x} END AS ${p}_x`);
      out.push(`e.${p}_nonfinite AS ${p}_nonfinite`, `[e.${p}_lo, ${Array.from({ length: n - 1 }, (_, k) => edge(String(k + 1), 'e.')).join(', ')}, e.${p}_hi] AS ${p}_edges`);
    } else {
      const x = `epoch_us(CAST(${col} AS TIMESTAMP))`;
      bounds.push(`min(${x}) AS ${p}_lo`, `max(${x}) AS ${p}_hi`);
      // Integer microseconds: ⌊k·(hi − lo)/20⌋ in BIGINT while (hi − lo)·20 fits (14,000 years), else in HUGEINT.
      edges.push(`${p}_lo`, `${p}_hi`, `CAST(${p}_hi AS HUGEINT) - ${p}_lo < ${(2n ** 63n - 1n) / BigInt(n)} AS ${p}_small`);
      edge = (k, q) => `${q}${p}_lo + CASE WHEN ${q}${p}_small THEN (${q}${p}_hi - ${q}${p}_lo) * ${k} // ${n} ELSE CAST((CAST(${q}${p}_hi AS HUGEINT) - ${q}${p}_lo) * ${k} // ${n} AS BIGINT) END`;
      x0.push(`${x} AS ${p}_x`);
      const list = `[e.${p}_lo, ${Array.from({ length: n - 1 }, (_, k) => edge(String(k + 1), 'e.')).join(', ')}, e.${p}_hi]`;
      out.push(`CAST(${list} AS DOUBLE[]) AS ${p}_edges`, `list_transform(${list}, t -> CAST(make_timestamp(t) AS VARCHAR)) AS ${p}_text`);
    }
    // A first guess from the division in DOUBLE; then corrected by one against the edges.
    guesses.push(`CASE WHEN e.${p}_lo < e.${p}_hi THEN least(${n - 1}, greatest(0, CAST(floor((v0.${p}_x - e.${p}_lo) / ((e.${p}_hi - e.${p}_lo) / ${n}.0)) AS INTEGER))) ELSE 0 END AS ${p}_g`);
    // Bin g holds e_g <= x < e_(g+1); the last bin is closed.
    const g = `v1.${p}_g`;
    const xs = `v1.${p}_x`;
    bins.push(`CASE WHEN ${xs} IS NULL THEN NULL WHEN e.${p}_lo = e.${p}_hi THEN 0 ELSE ${g} - CASE WHEN ${g} > 0 AND ${xs} < ${edge(g, 'e.')} THEN 1 ELSE 0 END + CASE WHEN ${g} < ${n - 1} AND ${xs} >= ${edge(`(${g} + 1)`, 'e.')} THEN 1 ELSE 0 END END AS ${p}_b`);
    for (let k = 0; k < n; k++) aggs.push(`count_if(v.${p}_b = ${k}) AS ${p}_b${k}`);
  });
  const counts = aggs.length ? `, (SELECT ${aggs.join(', ')} FROM v) c` : '';
  return [
    `WITH s AS (SELECT ${bounds.join(', ')} FROM ${from}),`,
    `e AS (SELECT ${edges.join(', ')} FROM s)${x0.length ? ',' : ''}`,
    ...(x0.length
      ? [`v0 AS (SELECT ${x0.join(', ')} FROM ${from}),`, `v1 AS (SELECT v0.*, ${guesses.join(', ')} FROM v0, e),`, `v AS (SELECT ${bins.join(', ')} FROM v1, e)`]
      : []),
    // The bounds and edges join the counts and the top values as they are (one row each).
    `SELECT ${[...out, ...(aggs.length ? ['c.*'] : [])].join(', ')} FROM e${counts}${tops.map((t) => `, ${t}`).join('')}`,
  ].join('\n');
}

/** A value from a result row as a number (DuckDB's BIGINT counts come back as bigint). */
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const list = (v: unknown): unknown[] => (v === null || v === undefined ? [] : Array.from(v as Iterable<unknown>));

/**
 * The summaries from the statement's one row (as an object of its columns, Arrow lists as
 * iterables). Histograms of a constant column keep one bin; a column with no finite value has
 * no bins. Top values are ordered by count, then by value in code-point order.
 */
export function columnSummaries(columns: readonly SummaryColumn[], row: Readonly<Record<string, unknown>>): ColumnSummary[] {
  const rows = num(row.n);
  return columns.map((c, i): ColumnSummary => {
    const p = `c${i}`;
    const nulls = num(row[`${p}_nulls`]);
    if (kindOf(c) === 'other') {
      const counts = list(row[`${p}_counts`]).map(num);
      // In the statement's order (by count, then by value in code-point order).
      const top = list(row[`${p}_top`]).map((v, k) => ({ value: String(v), count: counts[k] ?? 0 }));
      const shown = top.reduce((s, t) => s + t.count, 0);
      return { kind: 'top', column: c.name, rows, nulls, distinct: num(row[`${p}_distinct`]), top, other: rows - nulls - shown };
    }
    const raw = list(row[`${p}_edges`]);
    const edges = raw.map(Number);
    const text = list(row[`${p}_text`]).map(String);
    const nonFinite = num(row[`${p}_nonfinite`]);
    const temporal = kindOf(c) === 'time';
    let bins: HistogramBin[] = [];
    if (raw.length === SUMMARY_BINS + 1 && raw.every((e) => e !== null && e !== undefined)) {
      const constant = edges[0] === edges[SUMMARY_BINS];
      // Numbers: the shortest text that reads back as the same DOUBLE (what a range filter parses).
      const edgeText = (k: number) => (temporal ? (text[k] ?? '') : String(edges[k]));
      bins = (constant ? [0] : Array.from({ length: SUMMARY_BINS }, (_, k) => k)).map((k) => {
        const last = constant || k === SUMMARY_BINS - 1;
        const hiAt = last ? SUMMARY_BINS : k + 1;
        return { lo: edges[k]!, hi: edges[hiAt]!, loText: edgeText(k), hiText: edgeText(hiAt), last, count: num(row[`${p}_b${k}`]) };
      });
    }
    return { kind: 'histogram', column: c.name, temporal, rows, nulls, nonFinite, bins };
  });
}

/** The filter text that selects exactly a bin's rows: `lo..<hi`, the last bin `lo..hi`. */
export function binFilter(bin: HistogramBin): string {
  return `${bin.loText}${bin.last ? '..' : '..<'}${bin.hiText}`;
}

/** The filter text that selects exactly the rows with this value (as VARCHAR), or the NULLs. */
export function valueFilter(value: string | null): string {
  return value === null ? 'is null' : `"${value}"`;
}
