import type { QueryFn } from '../cells/CellKind';
import type { Contract } from '../manifest/manifest';
import { describeColumns, type DescribedColumn } from '../sql/describe';
import { columnClass } from '../stats/profile';
import { checkCountsSql, judgeRules, ruleColumn, type CheckRule } from '../stats/checks';
import type { SuggestedRule } from './suggestChecks';

/** One version a suggestion is judged on: a label to show and the source (or cell) that holds it. */
export interface BacktestVersion {
  label: string;
  source: string;
}

/** How one rule fared on one version, as the checks cell would judge it. */
export interface BacktestCell {
  version: string;
  passed: boolean;
  /** Failing rows (row rules), null for row_count. */
  failing_rows: number | null;
  failing_share: number | null;
  /** The row count (row_count) or NULL share (max_null_share) the rule compared. */
  observed: number | null;
  /** Why the rule could not be judged here (the version lacks its column). */
  error?: string;
}

/** A suggested rule across every version: it "fired" on the versions it failed on. */
export interface BacktestRow {
  name: string;
  description: string;
  cells: BacktestCell[];
  fired: number;
}

export interface BacktestResult {
  versions: { label: string; source: string; rows: number }[];
  rules: BacktestRow[];
}

/**
 * Whether `other` is a version of the same data as `base`: it has every column of `base`, each
 * of the same class (numeric, text, …). Extra columns are allowed (a later version may add one).
 */
export function sameShape(base: readonly DescribedColumn[], other: readonly DescribedColumn[]): boolean {
  const types = new Map(other.map((c) => [c.name, c.type]));
  return base.every((c) => types.has(c.name) && columnClass(types.get(c.name)!) === columnClass(c.type));
}

/**
 * Judge every rule on every version with the checks cell's own statement and verdicts
 * (`checkCountsSql`, `judgeRules`): one aggregate query per version, only counts come back. A
 * rule whose column a version lacks is reported there, not run.
 */
export async function backtest(query: QueryFn, rules: readonly CheckRule[], versions: readonly BacktestVersion[]): Promise<BacktestResult> {
  const perVersion: BacktestCell[][] = [];
  const header: BacktestResult['versions'] = [];
  for (const v of versions) {
    const columns = new Set((await describeColumns(query, v.source)).map((c) => c.name));
    const runnable = rules.filter((r) => {
      const col = ruleColumn(r.rule);
      return col === null || columns.has(col);
    });
    const counts = (await query(checkCountsSql(v.source, runnable))).get(0)!.toJSON() as Record<string, unknown>;
    const outcomes = judgeRules(runnable, counts, () => '', () => undefined);
    header.push({ label: v.label, source: v.source, rows: Number(counts.rows) });
    perVersion.push(
      rules.map((r) => {
        const i = runnable.indexOf(r);
        if (i < 0) return { version: v.label, passed: false, failing_rows: null, failing_share: null, observed: null, error: `${v.source} has no column ${ruleColumn(r.rule)}` };
        const o = outcomes[i]!;
        return { version: v.label, passed: o.passed, failing_rows: o.failing_rows, failing_share: o.failing_share, observed: o.observed };
      }),
    );
  }
  return {
    versions: header,
    rules: rules.map((r, i) => {
      const cells = perVersion.map((cells) => cells[i]!);
      return { name: r.name, description: outcomesDescription(r), cells, fired: cells.filter((c) => !c.passed).length };
    }),
  };
}

function outcomesDescription(r: CheckRule): string {
  return judgeRules([r], { rows: 0, f0: 0 }, () => '', () => undefined)[0]!.description;
}

/**
 * Where a suggested rule contradicts a schema contract: it allows what the contract forbids
 * (values outside its allowed set or range, NULLs in a required column) or forbids what it
 * allows (a set or range narrower than the contract's). By rule name; rules in agreement are absent.
 */
export function contractConflicts(rules: readonly SuggestedRule[], contract: Contract): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of rules) {
    const col = s.column === null ? undefined : contract.columns[s.column];
    const r = s.check.rule;
    if (!col) continue;
    if (r.type === 'max_null_share' && col.required) out[s.name] = `allows NULLs in ${r.column}, which the contract requires`;
    else if (r.type === 'in_set' && col.allowed) {
      const allowed = col.allowed.map(String);
      const extra = r.values.filter((v) => !allowed.includes(v));
      const missing = allowed.filter((v) => !r.values.includes(v));
      if (extra.length) out[s.name] = `allows ${extra.join(', ')}, outside the contract's ${allowed.join(', ')}`;
      else if (missing.length) out[s.name] = `refuses ${missing.join(', ')}, which the contract allows`;
    } else if (r.type === 'between') {
      const parts: string[] = [];
      if (col.min !== undefined && r.min !== undefined && r.min < col.min) parts.push(`allows ${r.min}, below the contract's min ${col.min}`);
      if (col.max !== undefined && r.max !== undefined && r.max > col.max) parts.push(`allows ${r.max}, above the contract's max ${col.max}`);
      if (col.min !== undefined && r.min !== undefined && r.min > col.min) parts.push(`refuses values from ${col.min} to ${r.min}, which the contract allows`);
      if (col.max !== undefined && r.max !== undefined && r.max < col.max) parts.push(`refuses values from ${r.max} to ${col.max}, which the contract allows`);
      if (parts.length) out[s.name] = parts.join('; ');
    } else if (r.type === 'matches' && col.pattern !== undefined && col.pattern !== r.pattern) out[s.name] = `differs from the contract's pattern ${col.pattern}`;
  }
  return out;
}

/** A backtest cell as a few characters: `0`, `✗ 36` (failing rows), `✗ 1.2 % NULL` (a NULL share), `✗ 1 rows`, `no column`; counts written by `count`. */
export function backtestCellText(c: BacktestCell, count: (n: number) => string = String): string {
  if (c.error) return 'no column';
  const mark = c.passed ? '' : '✗ ';
  if (c.failing_rows === null) return `${mark}${c.observed === null ? '' : count(c.observed)} rows`;
  if (c.observed !== null && c.failing_share !== null) return `${mark}${+(c.observed * 100).toFixed(2)} % NULL`;
  return `${mark}${count(c.failing_rows)}`;
}
