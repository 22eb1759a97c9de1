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

/** The internal tables one cell keeps (its per-row features and its flagged rows). */
export interface LabelIssuesTables {
  features: string;
  flags: string;
}

/** The probabilities of a row as a DOUBLE[] in class order. */
function probList(input: LabelIssuesInput, alias = ''): string {
  const col = (c: string) => `${alias}${quoteIdent(c)}`;
  if ('list' in input.probabilities) return `CAST(${col(input.probabilities.list)} AS DOUBLE[])`;
  return `[${input.probabilities.columns.map((c) => `CAST(${col(c)} AS DOUBLE)`).join(', ')}]`;
}

function classList(classes: readonly string[]): string {
  return `([${classes.map((c) => quoteLiteral(c)).join(", ")}]::VARCHAR[])`;
}

/** A double as SQL that parses back to the same double (a decimal literal would be a DECIMAL first). */
export function doubleLiteral(x: number): string {
  return `CAST(${quoteLiteral(String(x))} AS DOUBLE)`;
}

/** Rows usable for the computation: label and every probability present. */
function usable(input: LabelIssuesInput): string {
  const label = quoteIdent(input.label);
  const probs = 'list' in input.probabilities ? [input.probabilities.list] : input.probabilities.columns;
  const listOk = 'list' in input.probabilities ? ` AND NOT list_contains(list_transform(${probList(input)}, lambda x: x IS NULL), true)` : '';
  return `${label} IS NOT NULL AND ${probs.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')}${listOk}`;
}

/**
 * SQL: one row of input checks over the whole source — rows, rows left out (a NULL label or
 * probability), NULL and repeated keys, rows whose probability list has the wrong length or a
 * value outside [0, 1] (or NaN), and up to five given labels that are not classes.
 */
export function inputChecksSql(input: LabelIssuesInput): string {
  const k = input.classes.length;
  const p = probList(input);
  const label = `CAST(${quoteIdent(input.label)} AS VARCHAR)`;
  const key = quoteIdent(input.key);
  return `SELECT count(*)::DOUBLE AS total,
  count(*) FILTER (WHERE NOT (${usable(input)}))::DOUBLE AS excluded,
  count(*) FILTER (WHERE ${key} IS NULL)::DOUBLE AS null_keys,
  (count(${key}) - count(DISTINCT ${key}))::DOUBLE AS repeated_keys,
  count(*) FILTER (WHERE ${usable(input)} AND len(${p}) <> ${k})::DOUBLE AS wrong_length,
  count(*) FILTER (WHERE ${usable(input)} AND len(${p}) = ${k} AND list_contains(list_transform(${p}, lambda x: isnan(x) OR x < 0 OR x > 1), true))::DOUBLE AS out_of_range,
  list(DISTINCT ${label} ORDER BY ${label}) FILTER (WHERE ${quoteIdent(input.label)} IS NOT NULL AND NOT list_contains(${classList(input.classes)}, ${label}))[1:5] AS unknown_labels
FROM ${quoteIdent(input.source)}`;
}

/**
 * SQL: per class index g (0-based, class order) the number of usable rows given it and the
 * mean of their probability of g (the self-confidence whose mean is the class's threshold).
 */
export function classStatsSql(input: LabelIssuesInput): string {
  const given = `list_position(${classList(input.classes)}, CAST(${quoteIdent(input.label)} AS VARCHAR)) - 1`;
  return `SELECT g, count(*)::DOUBLE AS n, avg(p[g + 1]) AS mean_self_confidence
FROM (SELECT (${given})::INTEGER AS g, ${probList(input)} AS p FROM ${quoteIdent(input.source)} WHERE ${usable(input)})
GROUP BY g ORDER BY g`;
}

/**
 * SQL: the per-row features table. For each usable row: its key `k`, given class `g`,
 * probabilities `p`; `guess`, the class the confident joint counts it under (the one class
 * whose probability reaches its threshold − 1e-6, or the argmax when several do; NULL when
 * none does); `am`, the first argmax; `keep`, true when the argmax with 1e-6 added to the given
 * class is the given class (cleanlab never flags such a row); `score`, the label quality.
 */
export function featuresSql(input: LabelIssuesInput, tables: LabelIssuesTables, thresholds: readonly number[], rankBy: LabelIssuesRankBy): string {
  const given = `list_position(${classList(input.classes)}, CAST(${quoteIdent(input.label)} AS VARCHAR)) - 1`;
  const t = `[${thresholds.map(doubleLiteral).join(', ')}]`;
  const eps = doubleLiteral(1e-6);
  const score =
    rankBy === 'self_confidence'
      ? 'p[g + 1]'
      : `(p[g + 1] - list_max(list_filter(p, lambda x, i: i <> g + 1)) + 1) / 2`;
  return `CREATE OR REPLACE TABLE ${quoteIdent(tables.features)} AS
WITH base AS (
  SELECT ${quoteIdent(input.key)} AS k, (${given})::INTEGER AS g, ${probList(input)} AS p
  FROM ${quoteIdent(input.source)} WHERE ${usable(input)}
), conf AS (
  SELECT k, g, p,
    list_position(p, list_max(p))::INTEGER - 1 AS am,
    list_transform(p, lambda x, i: x >= ${t}[i] - ${eps}) AS c
  FROM base
), adjusted AS (
  SELECT *, list_transform(p, lambda x, i: CASE WHEN i = g + 1 THEN x + ${eps} ELSE x END) AS pa,
    len(list_filter(c, lambda b: b)) AS n_conf
  FROM conf
)
SELECT k, g, p, am,
  CASE WHEN n_conf > 1 THEN am WHEN n_conf = 1 THEN list_position(c, true)::INTEGER - 1 END AS guess,
  list_position(pa, list_max(pa)) - 1 = g AS keep,
  ${score} AS score
FROM adjusted`;
}

/** SQL: the raw confident joint, counts per (given g, guess) over rows with a guess. */
export function jointCountsSql(tables: LabelIssuesTables): string {
  return `SELECT g, guess, count(*)::DOUBLE AS n FROM ${quoteIdent(tables.features)} WHERE guess IS NOT NULL GROUP BY ALL ORDER BY ALL`;
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

/** SQL selecting the keys one pruning rule marks (before the keep rule). Ties: the smaller key first. */
function candidatesSql(plan: PrunePlan, features: string): string {
  const f = quoteIdent(features);
  const noiseRate = plan.byNoiseRate.length
    ? `SELECT k FROM (
    SELECT f.k, q.n, row_number() OVER (PARTITION BY f.g, q.j ORDER BY f.p[q.j + 1] - f.p[f.g + 1] DESC, f.k) AS r
    FROM ${f} AS f JOIN ${valuesList(plan.byNoiseRate.map((x) => [x.g, x.j, x.n]), 'g, j, n')} ON f.g = q.g
  ) WHERE r <= n`
    : `SELECT k FROM ${f} WHERE false`;
  const byClass = plan.byClass.length
    ? `SELECT k FROM (
    SELECT f.k, q.n, row_number() OVER (PARTITION BY f.g ORDER BY f.p[f.g + 1], f.k) AS r
    FROM ${f} AS f JOIN ${valuesList(plan.byClass.map((x) => [x.g, x.n]), 'g, n')} ON f.g = q.g
  ) WHERE r <= n`
    : `SELECT k FROM ${f} WHERE false`;
  switch (plan.method) {
    case 'prune_by_noise_rate':
      return noiseRate;
    case 'prune_by_class':
      return byClass;
    case 'both':
      return `${noiseRate}\nINTERSECT\n${byClass}`;
    case 'confident_learning':
      return `SELECT k FROM ${f} WHERE guess IS NOT NULL AND guess <> g`;
    case 'predicted_neq_given':
      return `SELECT k FROM ${f} WHERE am <> g`;
  }
}

/**
 * SQL: the flagged rows table — key, given and suggested (argmax) class indexes, quality score
 * and rank (1 = most likely mislabeled: lowest score, then smaller key).
 */
export function flagsSql(plan: PrunePlan, tables: LabelIssuesTables): string {
  const f = quoteIdent(tables.features);
  return `CREATE OR REPLACE TABLE ${quoteIdent(tables.flags)} AS
SELECT k, g, am, score, row_number() OVER (ORDER BY score, k) AS issue_rank
FROM ${f} WHERE NOT keep AND k IN (${candidatesSql(plan, tables.features)})`;
}

/** The columns the cell's view adds to the source's. */
export const LABEL_ISSUE_COLUMNS = ['issue_rank', 'suggested_label', 'label_quality'] as const;

/** SQL of the cell's view: rank, suggested label and score, then the flagged row of the source, by rank. */
export function flaggedViewSql(input: LabelIssuesInput, tables: LabelIssuesTables): string {
  return `SELECT f.issue_rank, ${classList(input.classes)}[f.am + 1] AS suggested_label, f.score AS label_quality, s.*
FROM ${quoteIdent(tables.flags)} AS f JOIN ${quoteIdent(input.source)} AS s ON s.${quoteIdent(input.key)} = f.k
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
  return `SELECT s.* FROM ${quoteIdent(input.source)} AS s JOIN ${quoteIdent(tables.features)} AS f ON s.${quoteIdent(input.key)} = f.k
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
