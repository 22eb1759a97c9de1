import { quoteIdent, quoteLiteral } from '../sql/quote';

/**
 * SQL for confident learning (cleanlab 2.x `find_label_issues`) over a source in DuckDB. The
 * per-row work — thresholds tests, the confident joint's assignment, the argmax, the quality
 * score, the ranking inside each (given, true) pair — runs over every row in DuckDB; what
 * comes back is a K×K joint, per-class counts and means, and a page of flagged rows.
 */

export type LabelIssuesMethod = 'prune_by_noise_rate' | 'prune_by_class' | 'both' | 'confident_learning' | 'predicted_neq_given';
export type LabelIssuesRankBy = 'self_confidence' | 'normalized_margin';

/** Where the probabilities are: a column per class (in class order) or one LIST<DOUBLE> column. */
export type ProbabilityColumns = { columns: string[] } | { list: string };

/** The columns of a label_issues computation: source, key, given label, class order, probabilities. */
export interface LabelIssuesInput {
  source: string;
  key: string;
  label: string;
  classes: readonly string[];
  probabilities: ProbabilityColumns;
}

/**
 * The internal relations one cell keeps: its per-row features (a table, made in the one pass
 * over the source), the features with the confident joint's guess (a view, as the guess needs
 * the thresholds), and its flagged rows (a table).
 */
export interface LabelIssuesTables {
  features: string;
  guesses: string;
  flags: string;
}

/** Class j's probability of a source row, as a DOUBLE. */
function prob(input: LabelIssuesInput, j: number): string {
  if ('list' in input.probabilities) return `CAST(${quoteIdent(input.probabilities.list)} AS DOUBLE[])[${j + 1}]`;
  return `CAST(${quoteIdent(input.probabilities.columns[j]!)} AS DOUBLE)`;
}

function classList(classes: readonly string[]): string {
  return `([${classes.map((c) => quoteLiteral(c)).join(', ')}]::VARCHAR[])`;
}

/** A double as SQL that parses back to the same double (a decimal literal would be a DECIMAL first). */
export function doubleLiteral(x: number): string {
  return `CAST(${quoteLiteral(String(x))} AS DOUBLE)`;
}

/** Rows usable for the computation: label and every probability present. */
function usable(input: LabelIssuesInput): string {
  const label = quoteIdent(input.label);
  if ('list' in input.probabilities) {
    const l = quoteIdent(input.probabilities.list);
    return `${label} IS NOT NULL AND ${l} IS NOT NULL AND list_count(${l}) = len(${l})`;
  }
  return `${label} IS NOT NULL AND ${input.probabilities.columns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')}`;
}

const range = (k: number) => Array.from({ length: k }, (_, j) => j);
/** The features table's probability columns: p0 … p(K−1), in class order. */
const p = (j: number) => `p${j}`;
/** A CASE choosing class g's value of a per-class expression. */
const byClass = (k: number, g: string, value: (j: number) => string) => `CASE ${g} ${range(k).map((j) => `WHEN ${j} THEN ${value(j)}`).join(' ')} END`;
/** The first class j (in order) for which `cond(j)` holds, NULL when none does. */
const firstWhere = (k: number, cond: (j: number) => string) => `CASE ${range(k).map((j) => `WHEN ${cond(j)} THEN ${j}`).join(' ')} END`;
/** The largest p_j over the classes j for which `cond(j)` holds (greatest skips NULLs); NULL when none does. */
const maxWhere = (k: number, cond: (j: number) => string) => `greatest(${range(k).map((j) => `CASE WHEN ${cond(j)} THEN ${p(j)} END`).join(', ')})`;

/**
 * SQL: the per-row features table, the only pass over the source. One row per source row:
 * its key `k`; `g`, the given class's index (0-based, class order), NULL for a row that is not
 * usable (a NULL label or probability) or whose label is not a class; what the input checks
 * count (`excluded`, `unknown` — the label when it is not a class —, `problem`: 1 for a list of
 * the wrong length, 2 for a probability outside [0, 1] or NaN); the probabilities `p0` … ;
 * `am`, the first argmax; `keep`, true when the argmax with 1e-6 added to the given class is the
 * given class (cleanlab never flags such a row); `score`, the label quality. Every per-class step
 * is a scalar expression over the K columns (no list lambdas: at 1M rows they made this table
 * 4–15 times slower). The checks, class counts and the joint are then read from this table in
 * memory instead of the source being read (and a view over it re-computed) once for each.
 */
export function featuresSql(input: LabelIssuesInput, tables: LabelIssuesTables, rankBy: LabelIssuesRankBy): string {
  const k = input.classes.length;
  const eps = doubleLiteral(1e-6);
  const isList = 'list' in input.probabilities;
  const lengthOk = isList ? `len(${quoteIdent((input.probabilities as { list: string }).list)}) = ${k}` : 'true';
  const bad = range(k).map((j) => `isnan(${p(j)}) OR ${p(j)} < 0 OR ${p(j)} > 1`).join(' OR ');
  // The largest other probability is pmax unless the given class is the (first) argmax.
  const score = rankBy === 'self_confidence' ? 'sc' : `(sc - CASE WHEN am <> g THEN pmax ELSE ${maxWhere(k, (j) => `g <> ${j}`)} END + 1) / 2`;
  return `CREATE OR REPLACE TABLE ${quoteIdent(tables.features)} AS
WITH src AS (
  SELECT ${quoteIdent(input.key)} AS k, CAST(${quoteIdent(input.label)} AS VARCHAR) AS label, ${usable(input)} AS ok, ${lengthOk} AS len_ok,
    ${range(k).map((j) => `${prob(input, j)} AS ${p(j)}`).join(', ')}
  FROM ${quoteIdent(input.source)}
), base AS (
  SELECT *, (list_position(${classList(input.classes)}, label) - 1)::INTEGER AS known FROM src
), f1 AS (
  SELECT k, CASE WHEN ok THEN known END AS g, NOT ok AS excluded, CASE WHEN known IS NULL THEN label END AS unknown,
    CASE WHEN ok AND NOT len_ok THEN 1 WHEN ok AND (${bad}) THEN 2 END AS problem,
    ${range(k).map(p).join(', ')}
  FROM base
), f2 AS (
  SELECT *, greatest(${range(k).map(p).join(', ')}) AS pmax, ${byClass(k, 'g', p)} AS sc FROM f1
), f3 AS (
  SELECT *, ${firstWhere(k, (j) => `${p(j)} = pmax`)} AS am, sc + ${eps} AS pe FROM f2
)
SELECT k, g, excluded, unknown, problem, ${range(k).map(p).join(', ')}, am,
  -- With 1e-6 added, p_g (< pe) wins outright above pmax, loses below it, and at pmax wins
  -- only if every class at pmax comes after g (NumPy's argmax takes the first).
  pe > pmax OR (pe = pmax AND am > g) AS keep,
  ${score} AS score
FROM f3 ORDER BY g`;
}

/**
 * SQL: one row of input checks, from the features table — rows, rows left out (a NULL label or
 * probability), NULL and repeated keys, rows whose probability list has the wrong length or a
 * value outside [0, 1] (or NaN), and up to five given labels that are not classes. Keys are
 * grouped by their 8-byte hash first; only keys whose hash repeats are compared in full, so the
 * count stays exact whatever the hash collides on.
 */
export function inputChecksSql(tables: LabelIssuesTables): string {
  const f = quoteIdent(tables.features);
  return `WITH repeated AS (
  SELECT h, count(*) AS n FROM (SELECT hash(k) AS h FROM ${f} WHERE k IS NOT NULL) GROUP BY h HAVING count(*) > 1
)
SELECT count(*)::DOUBLE AS total,
  count(*) FILTER (WHERE excluded)::DOUBLE AS excluded,
  count(*) FILTER (WHERE k IS NULL)::DOUBLE AS null_keys,
  (SELECT (coalesce(sum(n), 0) - (SELECT count(DISTINCT k) FROM ${f} WHERE hash(k) IN (SELECT h FROM repeated)))::DOUBLE FROM repeated) AS repeated_keys,
  count(*) FILTER (WHERE problem = 1)::DOUBLE AS wrong_length,
  count(*) FILTER (WHERE problem = 2)::DOUBLE AS out_of_range,
  list(DISTINCT unknown ORDER BY unknown) FILTER (WHERE unknown IS NOT NULL)[1:5] AS unknown_labels
FROM ${f}`;
}

/**
 * SQL: per class index g (0-based, class order) the number of usable rows given it and the
 * mean of their probability of g (the self-confidence whose mean is the class's threshold).
 */
export function classStatsSql(tables: LabelIssuesTables, k: number): string {
  return `SELECT g, count(*)::DOUBLE AS n, avg(${byClass(k, 'g', p)}) AS mean_self_confidence
FROM ${quoteIdent(tables.features)} WHERE g IS NOT NULL
GROUP BY g ORDER BY g`;
}

/**
 * SQL: the view of the usable rows with `guess`, the class the confident joint counts each
 * under: the one class whose probability reaches its threshold − 1e-6, or the argmax when
 * several do; NULL when none does.
 */
export function guessesSql(tables: LabelIssuesTables, thresholds: readonly number[]): string {
  const k = thresholds.length;
  const eps = doubleLiteral(1e-6);
  const c = (j: number) => `(${p(j)} >= ${doubleLiteral(thresholds[j]!)} - ${eps})`;
  return `CREATE OR REPLACE VIEW ${quoteIdent(tables.guesses)} AS
SELECT *, CASE WHEN n_conf > 1 THEN am WHEN n_conf = 1 THEN first_conf END AS guess
FROM (SELECT *, ${range(k).map((j) => `${c(j)}::INTEGER`).join(' + ')} AS n_conf, ${firstWhere(k, c)} AS first_conf FROM ${quoteIdent(tables.features)} WHERE g IS NOT NULL)`;
}

/** SQL: the raw confident joint, counts per (given g, guess) over rows with a guess. */
export function jointCountsSql(tables: LabelIssuesTables): string {
  return `SELECT g, guess, count(*)::DOUBLE AS n FROM ${quoteIdent(tables.guesses)} WHERE guess IS NOT NULL GROUP BY ALL ORDER BY ALL`;
}

/** What to prune, decided from the joint in TypeScript and handed back to SQL as integers. */
export interface PrunePlan {
  method: LabelIssuesMethod;
  /** prune_by_noise_rate: rows given g with the largest p[j] − p[g], n of them. */
  byNoiseRate: { g: number; j: number; n: number }[];
  /** prune_by_class: rows given g with the smallest p[g], n of them. */
  byClass: { g: number; n: number }[];
}

function valuesList(rows: readonly number[][], names: string): string {
  return `(VALUES ${rows.map((r) => `(${r.map((v) => String(Math.trunc(v))).join(', ')})`).join(', ')}) AS q(${names})`;
}

/** Above this many (class, class) pairs one windowed query replaces a top-n query per pair. */
const TOP_N_QUERIES = 64;

/** SQL selecting the keys one pruning rule marks (before the keep rule). Ties: the smaller key first. */
function candidatesSql(plan: PrunePlan, tables: LabelIssuesTables, k: number): string {
  const f = quoteIdent(tables.features);
  const none = `SELECT k FROM ${f} WHERE false`;
  // Each rule takes the first n rows of a class in some order: a top-n per (class, class) pair
  // reads only that class and keeps n rows (DuckDB's top-n operator), where one window over
  // every pair sorted N × K rows and took 24 s at 1M rows in DuckDB-WASM. UNION ALL: the
  // `k IN (…)` that takes them removes repeats anyway, without a distinct over every candidate.
  const topN = (parts: { g: number; order: string; n: number }[]) => parts.map((x) => `(SELECT k FROM ${f} WHERE g = ${x.g} ORDER BY ${x.order}, k LIMIT ${Math.trunc(x.n)})`).join('\nUNION ALL\n');
  const noiseRate = !plan.byNoiseRate.length
    ? none
    : plan.byNoiseRate.length <= TOP_N_QUERIES
      ? topN(plan.byNoiseRate.map((x) => ({ g: x.g, order: `${p(x.j)} - ${p(x.g)} DESC`, n: x.n })))
      : `SELECT k FROM (
    SELECT f.k, q.n, row_number() OVER (PARTITION BY f.g, q.j ORDER BY ${byClass(k, 'q.j', (j) => `f.${p(j)}`)} - ${byClass(k, 'f.g', (j) => `f.${p(j)}`)} DESC, f.k) AS r
    FROM ${f} AS f JOIN ${valuesList(plan.byNoiseRate.map((x) => [x.g, x.j, x.n]), 'g, j, n')} ON f.g = q.g
  ) WHERE r <= n`;
  const byClassRule = !plan.byClass.length
    ? none
    : plan.byClass.length <= TOP_N_QUERIES
      ? topN(plan.byClass.map((x) => ({ g: x.g, order: p(x.g), n: x.n })))
      : `SELECT k FROM (
    SELECT f.k, q.n, row_number() OVER (PARTITION BY f.g ORDER BY ${byClass(k, 'f.g', (j) => `f.${p(j)}`)}, f.k) AS r
    FROM ${f} AS f JOIN ${valuesList(plan.byClass.map((x) => [x.g, x.n]), 'g, n')} ON f.g = q.g
  ) WHERE r <= n`;
  switch (plan.method) {
    case 'prune_by_noise_rate':
      return noiseRate;
    case 'prune_by_class':
      return byClassRule;
    case 'both':
      return `SELECT k FROM (${noiseRate})\nINTERSECT\nSELECT k FROM (${byClassRule})`;
    case 'confident_learning':
      return `SELECT k FROM ${quoteIdent(tables.guesses)} WHERE guess IS NOT NULL AND guess <> g`;
    case 'predicted_neq_given':
      return `SELECT k FROM ${f} WHERE am <> g`;
  }
}

/**
 * SQL: the flagged rows table — key, given and suggested (argmax) class indexes, quality score
 * and rank (1 = most likely mislabeled: lowest score, then smaller key).
 */
export function flagsSql(plan: PrunePlan, tables: LabelIssuesTables, k: number): string {
  const f = quoteIdent(tables.features);
  return `CREATE OR REPLACE TABLE ${quoteIdent(tables.flags)} AS
SELECT k, g, am, score, row_number() OVER (ORDER BY score, k) AS issue_rank
FROM ${f} WHERE NOT keep AND k IN (${candidatesSql(plan, tables, k)})`;
}

/** The columns the cell's view adds to the source's. */
export const LABEL_ISSUE_COLUMNS = ['issue_rank', 'suggested_label', 'label_quality'] as const;

/**
 * SQL of the cell's view: rank, suggested label and score, then the flagged row of the source,
 * by rank; with `limit`, only the first flagged rows are joined to the source (the page shown).
 */
export function flaggedViewSql(input: LabelIssuesInput, tables: LabelIssuesTables, limit?: number): string {
  const flags = limit === undefined ? quoteIdent(tables.flags) : `(SELECT * FROM ${quoteIdent(tables.flags)} ORDER BY issue_rank LIMIT ${Math.trunc(limit)})`;
  return `SELECT f.issue_rank, ${classList(input.classes)}[f.am + 1] AS suggested_label, f.score AS label_quality, s.*
FROM ${flags} AS f JOIN ${quoteIdent(input.source)} AS s ON s.${quoteIdent(input.key)} = f.k
ORDER BY f.issue_rank`;
}

/** SQL: flagged rows per given class index. */
export function flaggedPerClassSql(tables: LabelIssuesTables): string {
  return `SELECT g, count(*)::DOUBLE AS n FROM ${quoteIdent(tables.flags)} GROUP BY g ORDER BY g`;
}

/** SQL: the first flagged rows, for the result page: key (as text), given, suggested, score, rank. */
export function flaggedPageSql(input: LabelIssuesInput, tables: LabelIssuesTables, limit: number): string {
  const classes = classList(input.classes);
  return `SELECT issue_rank::DOUBLE AS rank, CAST(k AS VARCHAR) AS key, ${classes}[g + 1] AS given, ${classes}[am + 1] AS suggested, score AS label_quality
FROM ${quoteIdent(tables.flags)} ORDER BY issue_rank LIMIT ${Math.trunc(limit)}`;
}

/** SQL for the drill-down of one joint cell: source rows given `given` that the confident joint counts under `suggested`. */
export function jointCellRowsSql(input: LabelIssuesInput, tables: LabelIssuesTables, given: string, suggested: string): string {
  const g = input.classes.indexOf(given);
  const j = input.classes.indexOf(suggested);
  return `SELECT s.* FROM ${quoteIdent(input.source)} AS s JOIN ${quoteIdent(tables.guesses)} AS f ON s.${quoteIdent(input.key)} = f.k
WHERE f.g = ${g} AND f.guess = ${j} ORDER BY f.score, f.k`;
}

/**
 * Which rows each pruning rule takes, from the prune count matrix M (see `pruneCountMatrix`):
 * only classes with more than `minExamples` rows are pruned at all; by noise rate, M[j][k] rows
 * of class k towards each other class j; by class, count(k) − M[k][k] rows of class k.
 */
export function prunePlan(method: LabelIssuesMethod, m: readonly (readonly number[])[], labelCounts: readonly number[], minExamples: number): PrunePlan {
  const byNoiseRate: PrunePlan['byNoiseRate'] = [];
  const byClass: PrunePlan['byClass'] = [];
  labelCounts.forEach((count, k) => {
    if (count <= minExamples) return;
    m.forEach((row, j) => {
      if (j !== k && row[k]! > 0) byNoiseRate.push({ g: k, j, n: row[k]! });
    });
    const n = count - m[k]![k]!;
    if (n >= 1) byClass.push({ g: k, n });
  });
  return { method, byNoiseRate, byClass };
}
