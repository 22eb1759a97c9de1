import { quoteIdent, quoteLiteral } from '../sql/quote';

/** How a column is summarised. */
export type ColumnClass = 'numeric' | 'temporal' | 'boolean' | 'text' | 'other';

/** The class of a DuckDB type name. */
export function columnClass(type: string): ColumnClass {
  const t = type.toUpperCase();
  // Lists, arrays, structs and maps of numbers are not numbers (`DOUBLE[]` starts like `DOUBLE`).
  if (/\]$|^(STRUCT|MAP|UNION)/.test(t)) return 'other';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)/.test(t)) return 'numeric';
  if (/^(DATE|TIMESTAMP|TIME)/.test(t)) return 'temporal';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'VARCHAR' || t.startsWith('VARCHAR') || t === 'UUID' || t.startsWith('ENUM')) return 'text';
  return 'other';
}

/** A value contract for one column (from a manifest's schema contract or the spec). */
export interface ColumnContract {
  allowed?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}

/** A plausible e-mail address. */
export const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$';
/**
 * A plausible phone number: 9 to 15 digits with a leading + or at least one separator, so
 * ISO dates (8 digits) and bare numeric ids are not flagged; it may open with an area code
 * in brackets, "(555) 123-4567".
 */
export const PHONE_PATTERN = '^\\+?\\(?[0-9][0-9 ().-]{7,20}[0-9]$';

export interface ProfiledColumn {
  name: string;
  type: string;
}

const a = (i: number, stat: string) => quoteIdent(`c${i}_${stat}`);

/**
 * One aggregate query over the whole table: for every column its count, NULLs, exact
 * distinct count, min, max and — numeric — mean, sample standard deviation and quartiles
 * (linear interpolation); temporal columns get quartiles too; text columns count values that
 * look like e-mail addresses or phone numbers; a contract counts values outside it.
 * Aliases are positional (`c3_mean`) so hostile column names never reach an alias.
 */
export function profileAggregateSql(source: string, columns: readonly ProfiledColumn[], contracts: Record<string, ColumnContract> = {}): string {
  const parts = ['count(*)::DOUBLE AS "rows"'];
  columns.forEach((c, i) => {
    const col = quoteIdent(c.name);
    const cls = columnClass(c.type);
    parts.push(`count(${col})::DOUBLE AS ${a(i, 'count')}`, `count(DISTINCT ${col})::DOUBLE AS ${a(i, 'distinct')}`);
    if (cls === 'numeric') {
      const x = `${col}::DOUBLE`;
      // min and max before the cast (it is monotonic, so the values are the same): casting
      // every row first doubled their cost in DuckDB-WASM.
      parts.push(
        `min(${col})::DOUBLE AS ${a(i, 'min')}`,
        `max(${col})::DOUBLE AS ${a(i, 'max')}`,
        `avg(${x}) AS ${a(i, 'mean')}`,
        `stddev_samp(${x}) AS ${a(i, 'std')}`,
        `quantile_cont(${x}, [0.25, 0.5, 0.75]) AS ${a(i, 'q')}`,
      );
    } else if (cls === 'temporal') {
      parts.push(`min(${col})::VARCHAR AS ${a(i, 'min')}`, `max(${col})::VARCHAR AS ${a(i, 'max')}`, `list_transform(quantile_cont(${col}, [0.25, 0.5, 0.75]), x -> x::VARCHAR) AS ${a(i, 'q')}`);
    } else if (cls === 'text' || cls === 'boolean') {
      parts.push(`min(${col})::VARCHAR AS ${a(i, 'min')}`, `max(${col})::VARCHAR AS ${a(i, 'max')}`);
    }
    if (cls === 'text') {
      // Cheap tests first (an '@'; a plausible length, then a separator found by plain
      // substring search, no regular expression), each step in a CASE of its own so DuckDB
      // runs the next expression only on the values that passed: an AND inside an
      // aggregate's FILTER or a CASE result is computed for every row. The phone pattern on an
      // id column of 1M rows was a third of a profile's time; a separator test by regular
      // expression, on every value of plausible length, another 100 ms.
      const phone = `CASE WHEN regexp_matches(${col}, ${quoteLiteral(PHONE_PATTERN)}) THEN length(regexp_replace(${col}, '[^0-9]', '', 'g')) BETWEEN 9 AND 15 ELSE false END`;
      const separator = [`starts_with(${col}, '+')`, ...[' ', '(', ')', '.', '-'].map((ch) => `contains(${col}, ${quoteLiteral(ch)})`)].join(' OR ');
      parts.push(
        `count(*) FILTER (WHERE CASE WHEN contains(${col}, '@') THEN regexp_matches(${col}, ${quoteLiteral(EMAIL_PATTERN)}) ELSE false END)::DOUBLE AS ${a(i, 'emails')}`,
        `count(*) FILTER (WHERE CASE WHEN length(${col}) BETWEEN 9 AND 24 THEN CASE WHEN ${separator} THEN CASE WHEN NOT contains(${col}, '@') AND regexp_matches(${col}, '[0-9]{3}') THEN ${phone} ELSE false END ELSE false END ELSE false END)::DOUBLE AS ${a(i, 'phones')}`,
      );
    }
    const contract = contracts[c.name];
    if (contract) parts.push(`count(*) FILTER (WHERE ${outsideContract(col, cls, contract)})::DOUBLE AS ${a(i, 'outside')}`);
  });
  return `SELECT ${parts.join(',\n  ')}\nFROM ${quoteIdent(source)}`;
}

/** A predicate true for non-NULL values that break the contract. */
export function outsideContract(col: string, cls: ColumnClass, contract: ColumnContract): string {
  const tests: string[] = [];
  if (contract.allowed) tests.push(`CAST(${col} AS VARCHAR) NOT IN (${contract.allowed.map(quoteLiteral).join(', ') || 'NULL'})`);
  const x = cls === 'numeric' ? `${col}::DOUBLE` : col;
  if (contract.min !== undefined) tests.push(`${x} < ${quoteLiteral(contract.min)}`);
  if (contract.max !== undefined) tests.push(`${x} > ${quoteLiteral(contract.max)}`);
  if (contract.pattern !== undefined) tests.push(`NOT regexp_matches(CAST(${col} AS VARCHAR), ${quoteLiteral(contract.pattern)})`);
  return tests.length ? `${col} IS NOT NULL AND (${tests.join(' OR ')})` : 'false';
}

/**
 * The k most frequent values of every column, in one statement: each branch of the UNION
 * reads one column (DuckDB scans only that column). Ties are broken by the value's text so
 * the result is the same on every run. Values are grouped as they are and only the groups
 * are turned into text: casting every row first made this query 2–3 times slower.
 */
export function topValuesSql(source: string, columns: readonly ProfiledColumn[], k: number): string {
  if (columns.length === 0) return `SELECT NULL::INTEGER AS col, NULL::VARCHAR AS value, NULL::DOUBLE AS n WHERE false`;
  return columns
    .map(
      (c, i) =>
        `(SELECT ${i} AS col, CAST(v AS VARCHAR) AS value, n FROM (SELECT ${quoteIdent(c.name)} AS v, count(*)::DOUBLE AS n FROM ${quoteIdent(source)} WHERE ${quoteIdent(c.name)} IS NOT NULL GROUP BY 1) ORDER BY n DESC, value LIMIT ${k})`,
    )
    .join('\nUNION ALL\n');
}

/** Bins of a numeric column: equal width between its min and max. */
export interface HistogramInput {
  index: number;
  name: string;
  min: number;
  max: number;
}

/**
 * Equal-width histograms of numeric columns in one statement (the last bin is closed). The
 * maximum, which falls one bin past the last, is folded into it after grouping: least() on
 * every row cost DuckDB-WASM four times the grouping itself.
 */
export function histogramSql(source: string, inputs: readonly HistogramInput[], bins: number): string {
  if (inputs.length === 0) return `SELECT NULL::INTEGER AS col, NULL::INTEGER AS bin, NULL::DOUBLE AS n WHERE false`;
  const branches = inputs
    .map((h) => {
      const width = h.max > h.min ? (h.max - h.min) / bins : 1;
      const x = `${quoteIdent(h.name)}::DOUBLE`;
      return `(SELECT ${h.index} AS col, floor((${x} - ${quoteLiteral(h.min)}) / ${quoteLiteral(width)})::INTEGER AS bin, count(*)::DOUBLE AS n FROM ${quoteIdent(source)} WHERE ${quoteIdent(h.name)} IS NOT NULL GROUP BY ALL)`;
    })
    .join('\nUNION ALL\n');
  return `SELECT col, least(${bins - 1}, bin) AS bin, sum(n) AS n FROM (\n${branches}\n) GROUP BY ALL`;
}

/**
 * Rows that repeat an earlier row exactly (all columns equal, NULLs equal), given every
 * column of the table. A row whose hash no other row has is unique, so only the rows whose
 * hash repeats are compared in full: grouping 8-byte hashes is cheaper than grouping whole
 * rows, and the answer stays exact whatever the hash collides on.
 */
export function duplicateRowsSql(source: string, allColumns: readonly string[]): string {
  const hash = `hash(${allColumns.map(quoteIdent).join(', ')})`;
  return `WITH __assay_repeated AS (
  SELECT __assay_h, count(*) AS n FROM (SELECT ${hash} AS __assay_h FROM ${quoteIdent(source)}) GROUP BY 1 HAVING count(*) > 1
)
SELECT (coalesce((SELECT sum(n) FROM __assay_repeated), 0)
  - (SELECT count(*) FROM (SELECT DISTINCT * FROM ${quoteIdent(source)} WHERE ${hash} IN (SELECT __assay_h FROM __assay_repeated))))::DOUBLE AS duplicate_rows`;
}

/**
 * Whether a key column, by its profile, has no NULL and no repeated value. Then no key
 * repeats and no two rows are alike (they would share the key), so neither needs a query.
 */
export function keyIsUnique(rows: number, count: number, distinct: number): boolean {
  return count === rows && distinct === count;
}

/** Keys that occur more than once, and how many rows beyond the first they account for. */
export function keyDuplicatesSql(source: string, key: string): string {
  return `SELECT count(*)::DOUBLE AS repeated_keys, coalesce(sum(n - 1), 0)::DOUBLE AS key_duplicate_rows
FROM (SELECT ${quoteIdent(key)} AS k, count(*) AS n FROM ${quoteIdent(source)} GROUP BY 1 HAVING count(*) > 1)`;
}

export interface ColumnProfile {
  name: string;
  type: string;
  kind: ColumnClass;
  count: number;
  nulls: number;
  null_share: number | null;
  distinct: number;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  std: number | null;
  q25: number | string | null;
  q50: number | string | null;
  q75: number | string | null;
  top: { value: string; count: number }[];
  /** The non-NULL values the top list leaves out, summed (null when it lists them all or there is no list). */
  top_other: { values: number; count: number } | null;
  histogram: { x0: number; x1: number; count: number }[];
  emails: number;
  phones: number;
  outside_contract: number | null;
}

type Agg = Record<string, unknown>;

/** Column profiles from the aggregate row, the top values and the histogram rows. */
export function columnProfiles(
  columns: readonly ProfiledColumn[],
  agg: Agg,
  top: readonly { col: number; value: string; n: number }[],
  histogram: readonly { col: number; bin: number; n: number }[],
  ranges: readonly HistogramInput[],
  bins: number,
): ColumnProfile[] {
  const rows = Number(agg.rows);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return columns.map((c, i) => {
    const get = (stat: string) => agg[`c${i}_${stat}`];
    const kind = columnClass(c.type);
    const count = Number(get('count'));
    const q = listValues(get('q'));
    const qv = (k: number) => (q === null || q === undefined ? null : kind === 'numeric' ? num(q[k]) : (q[k] as string | null));
    const range = ranges.find((r) => r.index === i);
    const counts = new Array<number>(range ? bins : 0).fill(0);
    for (const h of histogram) if (h.col === i && h.bin >= 0 && h.bin < counts.length) counts[h.bin] = h.n;
    const width = range && range.max > range.min ? (range.max - range.min) / bins : 1;
    const listed = top.filter((t) => t.col === i).map((t) => ({ value: t.value, count: t.n }));
    const distinct = Number(get('distinct'));
    return {
      name: c.name,
      type: c.type,
      kind,
      count,
      nulls: rows - count,
      null_share: rows === 0 ? null : (rows - count) / rows,
      distinct,
      min: kind === 'numeric' ? num(get('min')) : ((get('min') as string | null | undefined) ?? null),
      max: kind === 'numeric' ? num(get('max')) : ((get('max') as string | null | undefined) ?? null),
      mean: kind === 'numeric' ? num(get('mean')) : null,
      std: kind === 'numeric' ? num(get('std')) : null,
      q25: qv(0),
      q50: qv(1),
      q75: qv(2),
      top: listed,
      top_other: listed.length && distinct > listed.length ? { values: distinct - listed.length, count: count - listed.reduce((s, t) => s + t.count, 0) } : null,
      histogram: range ? counts.map((n, b) => ({ x0: range.min + b * width, x1: range.min + (b + 1) * width, count: n })) : [],
      emails: Number(get('emails') ?? 0),
      phones: Number(get('phones') ?? 0),
      outside_contract: get('outside') === undefined ? null : Number(get('outside')),
    };
  });
}

export interface ProfileAlert {
  column: string | null;
  kind: 'constant' | 'all_null' | 'high_nulls' | 'high_cardinality' | 'imbalance' | 'outside_contract' | 'personal_data' | 'duplicates';
  message: string;
}

export interface AlertThresholds {
  /** A NULL share above this is flagged (default 0.05). */
  nullShare: number;
  /** Among text columns, distinct/count above this (with more than 50 values) is flagged (default 0.9). */
  cardinality: number;
  /** Most common / least common class above this is flagged (default 10). */
  imbalance: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = { nullShare: 0.05, cardinality: 0.9, imbalance: 10 };

/**
 * The alerts a careful reviewer would raise from a profile. Imbalance is judged only when
 * every class is among the top values (a column with at most `topK` distinct values).
 */
export function profileAlerts(rows: number, columns: readonly ColumnProfile[], topK: number, key: string | undefined, t: AlertThresholds = DEFAULT_THRESHOLDS): ProfileAlert[] {
  const out: ProfileAlert[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  for (const c of columns) {
    if (rows > 0 && c.count === 0) {
      out.push({ column: c.name, kind: 'all_null', message: `${c.name} is NULL in every row` });
      continue;
    }
    if (c.distinct === 1 && rows > 1) out.push({ column: c.name, kind: 'constant', message: `${c.name} has a single value (${c.top[0]?.value ?? c.min})` });
    if (c.null_share !== null && c.null_share > t.nullShare) out.push({ column: c.name, kind: 'high_nulls', message: `${c.name} is NULL in ${pct(c.null_share)} of rows (${c.nulls})` });
    if (c.kind === 'text' && c.name !== key && c.count > 50 && c.distinct / c.count > t.cardinality) {
      out.push({ column: c.name, kind: 'high_cardinality', message: `${c.name} has ${c.distinct} distinct values in ${c.count} rows: an identifier or free text?` });
    }
    if ((c.kind === 'text' || c.kind === 'boolean') && c.distinct >= 2 && c.distinct <= topK && c.top.length === c.distinct) {
      const most = c.top[0]!;
      const least = c.top[c.top.length - 1]!;
      if (most.count / least.count > t.imbalance) {
        out.push({ column: c.name, kind: 'imbalance', message: `${c.name} is imbalanced: ${most.value} ${most.count} vs ${least.value} ${least.count} (${(most.count / least.count).toFixed(1)}×)` });
      }
    }
    if (c.outside_contract) out.push({ column: c.name, kind: 'outside_contract', message: `${c.name} has ${c.outside_contract} ${c.outside_contract === 1 ? 'value' : 'values'} outside its contract` });
    if (c.emails > 0 || c.phones > 0) {
      const what = [c.emails ? `${c.emails} e-mail addresses` : '', c.phones ? `${c.phones} phone numbers` : ''].filter(Boolean).join(' and ');
      out.push({ column: c.name, kind: 'personal_data', message: `${c.name} holds ${what}: mask it before samples reach annotators` });
    }
  }
  return out;
}

/** A LIST value as an array: Arrow hands lists out as Vectors, which do not index like arrays. */
function listValues(value: unknown): unknown[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value;
  const v = value as { toArray?: () => ArrayLike<unknown> };
  return typeof v.toArray === 'function' ? Array.from(v.toArray()) : null;
}
