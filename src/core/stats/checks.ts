import { quoteIdent, quoteLiteral } from '../sql/quote';

/** One quality gate. Row rules say which rows fail; table rules judge the table as a whole. */
export type Rule =
  | { type: 'not_null'; column: string }
  | { type: 'unique'; column: string }
  | { type: 'in_set'; column: string; values: string[] }
  | { type: 'between'; column: string; min?: number; max?: number }
  | { type: 'matches'; column: string; pattern: string }
  | { type: 'relation'; expression: string }
  | { type: 'sql'; expression: string }
  | { type: 'row_count'; min?: number; max?: number }
  | { type: 'max_null_share'; column: string; share: number }
  | { type: 'metric'; cell: string; field: string; op: MetricOp; value: number };

export type MetricOp = '>=' | '>' | '<=' | '<' | '==' | '!=';

/** A rule with its gate settings. */
export interface CheckRule {
  rule: Rule;
  /** Name used for its view and in reports (default: its position). */
  name: string;
  severity: 'error' | 'warn';
  /** Passes when at least this share of rows passes (1 = every row). */
  mostly: number;
}

/** The column a rule is about (null for table and metric rules). */
export function ruleColumn(rule: Rule): string | null {
  return 'column' in rule ? rule.column : null;
}

/** A short human description: `label in {crack, dent, …}`. */
export function describeRule(rule: Rule): string {
  switch (rule.type) {
    case 'not_null':
      return `${rule.column} is not NULL`;
    case 'unique':
      return `${rule.column} is unique`;
    case 'in_set':
      return `${rule.column} in {${rule.values.join(', ')}}`;
    case 'between':
      return `${rule.column} between ${rule.min ?? '−∞'} and ${rule.max ?? '+∞'}`;
    case 'matches':
      return `${rule.column} matches /${rule.pattern}/`;
    case 'relation':
    case 'sql':
      return rule.expression;
    case 'row_count':
      return `row count between ${rule.min ?? 0} and ${rule.max ?? '∞'}`;
    case 'max_null_share':
      return `${rule.column} NULL share ≤ ${rule.share}`;
    case 'metric':
      return `${rule.cell}.${rule.field} ${rule.op} ${rule.value}`;
  }
}

/**
 * The predicate that is true for a failing row, or null for rules judged on the whole
 * table. NULLs fail only `not_null` (and count toward `max_null_share`); every other rule
 * leaves them to those two, as Great Expectations does.
 */
export function failingPredicate(rule: Rule, source: string): string | null {
  switch (rule.type) {
    case 'not_null':
    case 'max_null_share':
      return `${quoteIdent(rule.column)} IS NULL`;
    case 'unique': {
      const c = quoteIdent(rule.column);
      return `${c} IN (SELECT ${c} FROM ${quoteIdent(source)} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING count(*) > 1)`;
    }
    case 'in_set':
      return `${quoteIdent(rule.column)} IS NOT NULL AND CAST(${quoteIdent(rule.column)} AS VARCHAR) NOT IN (${rule.values.map(quoteLiteral).join(', ') || 'NULL'})`;
    case 'between': {
      const c = quoteIdent(rule.column);
      const out = [rule.min !== undefined ? `${c} < ${quoteLiteral(rule.min)}` : null, rule.max !== undefined ? `${c} > ${quoteLiteral(rule.max)}` : null].filter(Boolean);
      return `${c} IS NOT NULL AND (${out.join(' OR ') || 'false'})`;
    }
    case 'matches':
      return `${quoteIdent(rule.column)} IS NOT NULL AND NOT regexp_matches(CAST(${quoteIdent(rule.column)} AS VARCHAR), ${quoteLiteral(rule.pattern)})`;
    case 'relation':
    case 'sql':
      // The user's own predicate, as in a SQL cell: a row fails when it is false.
      return `NOT (${rule.expression})`;
    case 'row_count':
    case 'metric':
      return null;
  }
}

/** One statement counting the rows and, per row rule, its failing rows (aliases f0, f1, …). */
export function checkCountsSql(source: string, rules: readonly CheckRule[]): string {
  const parts = ['count(*)::DOUBLE AS "rows"'];
  rules.forEach((r, i) => {
    const p = failingPredicate(r.rule, source);
    if (p) parts.push(`count(*) FILTER (WHERE ${p})::DOUBLE AS ${quoteIdent(`f${i}`)}`);
  });
  return `SELECT ${parts.join(',\n  ')}\nFROM ${quoteIdent(source)}`;
}

/** The failing rows of one rule, for its view. */
export function failingRowsSql(source: string, rule: Rule): string | null {
  const p = failingPredicate(rule, source);
  return p ? `SELECT * FROM ${quoteIdent(source)} WHERE ${p}` : null;
}

/** A value from an earlier cell's result by a dot path (`kappa`, `macro_avg.f1`, `per_class.crack.f1`). */
export function metricValue(result: Record<string, unknown> | undefined, path: string): number | null {
  let cur: unknown = result;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return null;
    if (Array.isArray(cur)) {
      // Lists of records are addressed by their name-like field: per_class.crack.
      cur = cur.find((x) => x && typeof x === 'object' && Object.values(x as object).slice(0, 1)[0] === part);
    } else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[part];
    else return null;
  }
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : null;
}

/**
 * Whether a dot path names something in a cell's result (its value may still be null, as a
 * kappa with no chance disagreement is): a path that names nothing is a typo to report,
 * not a gate that quietly fails with observed null.
 */
export function hasMetricPath(result: Record<string, unknown>, path: string): boolean {
  let cur: unknown = result;
  for (const part of path.split('.')) {
    if (Array.isArray(cur)) cur = cur.find((x) => x && typeof x === 'object' && Object.values(x as object).slice(0, 1)[0] === part);
    else if (cur !== null && typeof cur === 'object' && part in (cur as object)) cur = (cur as Record<string, unknown>)[part];
    else return false;
    if (cur === undefined) return false;
  }
  return true;
}

/** Compare a metric with its threshold. */
export function compareMetric(value: number, op: MetricOp, threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

export interface RuleOutcome {
  name: string;
  rule: string;
  description: string;
  column: string | null;
  severity: 'error' | 'warn';
  passed: boolean;
  failing_rows: number | null;
  failing_share: number | null;
  /** The metric's value for metric rules, the share for max_null_share, the count for row_count. */
  observed: number | null;
  /** Name of the view holding the failing rows (row rules). */
  view: string | null;
}

/** Judge every rule from the counts (and earlier cells' results for metric rules). */
export function judgeRules(
  rules: readonly CheckRule[],
  counts: Record<string, unknown>,
  viewName: (r: CheckRule) => string,
  results: (cell: string) => Record<string, unknown> | undefined,
): RuleOutcome[] {
  const rows = Number(counts.rows);
  return rules.map((r, i) => {
    const base = { name: r.name, rule: r.rule.type, description: describeRule(r.rule), column: ruleColumn(r.rule), severity: r.severity };
    const rule = r.rule;
    if (rule.type === 'row_count') {
      const passed = (rule.min === undefined || rows >= rule.min) && (rule.max === undefined || rows <= rule.max);
      return { ...base, passed, failing_rows: null, failing_share: null, observed: rows, view: null };
    }
    if (rule.type === 'metric') {
      const value = metricValue(results(rule.cell), rule.field);
      return { ...base, passed: value !== null && compareMetric(value, rule.op, rule.value), failing_rows: null, failing_share: null, observed: value, view: null };
    }
    const failing = Number(counts[`f${i}`]);
    const share = rows === 0 ? 0 : failing / rows;
    const passed = rule.type === 'max_null_share' ? share <= rule.share : share <= 1 - r.mostly + 1e-12;
    return { ...base, passed, failing_rows: failing, failing_share: share, observed: rule.type === 'max_null_share' ? share : null, view: viewName(r) };
  });
}
