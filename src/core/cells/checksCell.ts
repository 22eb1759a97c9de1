import { requireValidRegex } from '../sql/requireValidRegex';
import { AssayError } from '../errors';
import { describeColumns } from '../sql/describe';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { checkCondition } from '../sql/singleSelect';
import { tableToJsonRows } from '../arrowJson';
import { checkCountsSql, failingRowsSql, hasMetricPath, judgeRules, type CheckRule, type MetricOp, type Rule } from '../stats/checks';
import type { CellContext, CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';
import type { SpecSchema } from './specSchema';

export interface ChecksSpec {
  source: string;
  key?: string;
  rules: CheckRule[];
  /** Another version (after cleaning, say) judged by the same rules, shown side by side. */
  compare?: string;
}

const COLUMN_RULES = ['not_null', 'unique', 'in_set', 'between', 'matches', 'max_null_share'] as const;
const ALL_RULES = [...COLUMN_RULES, 'relation', 'sql', 'row_count', 'metric'] as const;
const OPS: MetricOp[] = ['>=', '>', '<=', '<', '==', '!='];
/** Failing rows shown per rule in the cell (its view holds all of them). */
export const FAILING_PAGE = 20;

/** One rule item of the spec, or the problem with it. */
function parseRule(item: unknown, index: number): CheckRule | string {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return 'must be a mapping such as `not_null: camera_id`';
  const r = item as Record<string, unknown>;
  const types = ALL_RULES.filter((t) => t in r);
  if (types.length !== 1) return `needs exactly one of ${ALL_RULES.join(', ')}`;
  const type = types[0]!;
  const arg = r[type];
  const num = (k: string) => (r[k] === undefined ? undefined : typeof r[k] === 'number' ? r[k] : NaN);
  let rule: Rule;
  if ((COLUMN_RULES as readonly string[]).includes(type)) {
    if (typeof arg !== 'string' || arg === '') return `${type} takes a column name`;
    if (type === 'in_set') {
      if (!Array.isArray(r.values) || !r.values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return 'in_set needs values: [a, b, …]';
      rule = { type, column: arg, values: r.values.map(String) };
    } else if (type === 'between') {
      const min = num('min');
      const max = num('max');
      if (Number.isNaN(min) || Number.isNaN(max) || (min === undefined && max === undefined)) return 'between needs a numeric min and/or max';
      if (min !== undefined && max !== undefined && min > max) return `between: min ${min} is above max ${max}`;
      rule = { type, column: arg, min, max };
    } else if (type === 'matches') {
      if (typeof r.pattern !== 'string') return 'matches needs pattern: <regular expression>';
      rule = { type, column: arg, pattern: r.pattern };
    } else if (type === 'max_null_share') {
      const share = num('share');
      if (share === undefined || Number.isNaN(share) || share < 0 || share > 1) return 'max_null_share needs share: a number from 0 to 1';
      rule = { type, column: arg, share };
    } else rule = { type: type as 'not_null' | 'unique', column: arg };
  } else if (type === 'relation' || type === 'sql') {
    if (typeof arg !== 'string' || arg.trim() === '') return `${type} takes a SQL condition that passing rows meet`;
    rule = { type, expression: arg };
  } else if (type === 'row_count') {
    const min = num('min');
    const max = num('max');
    if (Number.isNaN(min) || Number.isNaN(max) || (min === undefined && max === undefined)) return 'row_count needs min and/or max';
    if ((min !== undefined && min < 0) || (max !== undefined && max < 0)) return 'row_count: min and max are counts, 0 or more';
    if (min !== undefined && max !== undefined && min > max) return `row_count: min ${min} is above max ${max}`;
    rule = { type, min, max };
  } else {
    if (typeof arg !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*\.[^\s]+$/.test(arg)) return 'metric takes cell.field, e.g. annotators.kappa';
    const op = r.op ?? '>=';
    if (!OPS.includes(op as MetricOp)) return `op must be one of ${OPS.join(' ')}`;
    const value = num('value');
    if (value === undefined || Number.isNaN(value)) return 'metric needs value: a number';
    const dot = arg.indexOf('.');
    rule = { type: 'metric', cell: arg.slice(0, dot), field: arg.slice(dot + 1), op: op as MetricOp, value };
  }
  const severity = r.severity ?? 'error';
  if (severity !== 'error' && severity !== 'warn') return 'severity must be error or warn';
  const mostly = num('mostly') ?? 1;
  if (Number.isNaN(mostly) || mostly < 0 || mostly > 1) return 'mostly must be a share from 0 to 1';
  const name = r.name === undefined ? `rule_${index + 1}` : String(r.name);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return 'name must be an identifier';
  const known = new Set([type, 'values', 'min', 'max', 'pattern', 'share', 'op', 'value', 'severity', 'mostly', 'name']);
  const unknown = Object.keys(r).filter((k) => !known.has(k));
  if (unknown.length) return `unknown key ${unknown.join(', ')}`;
  return { rule, name, severity, mostly };
}

/** A version passes its gates when no error-level rule failed (warnings do not block). */
function gatePassed(outcomes: readonly { passed: boolean; severity: string }[]): boolean {
  return outcomes.every((o) => o.passed || o.severity === 'warn');
}

/**
 * The columns of `source`, after checking that every column a rule names is among them; the
 * message starts with `prefix(rule)` so it says which rule (or which version) is at fault.
 */
async function requireRuleColumns(ctx: Pick<CellContext, 'query' | 'name'>, source: string, rules: readonly CheckRule[], prefix: (r: CheckRule) => string): Promise<Set<string>> {
  const columns = new Set((await describeColumns(ctx.query, source)).map((c) => c.name));
  for (const r of rules) {
    const col = 'column' in r.rule ? r.rule.column : null;
    if (col !== null && !columns.has(col)) throw new AssayError('input', `${prefix(r)}${source} has no column ${col}`, { subject: ctx.name });
  }
  return columns;
}

/** The keys of a `checks` cell's spec. */
export const CHECKS_SCHEMA: SpecSchema = {
  source: { role: 'relation', required: true, doc: 'the source or cell the rules judge' },
  key: { role: 'column', hint: 'key', doc: 'the column that identifies a failing row' },
  rules: { role: 'rules', required: true, doc: 'the rules: not_null, unique, in_set, between, matches, relation, sql, row_count, max_null_share, metric' },
  compare: { role: 'relation', doc: 'another version (after cleaning) judged by the same rules, side by side' },
};

/**
 * `checks` — quality gates over a source: not null, unique, in a set, between, matches,
 * relations and custom predicates, row count, NULL share, and thresholds on earlier cells'
 * metrics; each with a severity and an optional tolerance (`mostly`). Every row rule's
 * failing rows become a view `<cell>_<rule>`; the cell's own table lists the outcomes.
 */
export const checksCell: CellKind<ChecksSpec> = {
  kind: 'checks',
  description: 'Quality gates with failing rows: not null, unique, in set, between, pattern, relations, metrics',
  schema: CHECKS_SCHEMA,
  template: 'source: batch\nkey: image_id\nrules:\n  - not_null: image_id\n  - unique: image_id\n  - row_count: true\n    min: 1',
  parse(body) {
    const y = new YamlSpec(body, CHECKS_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const source = y.text('source', true);
    const key = y.text('key');
    const compare = y.text('compare');
    const raw = y.raw('rules');
    const rules: CheckRule[] = [];
    if (!Array.isArray(raw) || raw.length === 0) y.problem('rules', 'must be a list of rules, e.g. - not_null: label');
    else {
      raw.forEach((item, i) => {
        const r = parseRule(item, i);
        if (typeof r === 'string') y.problem('rules', `rule ${i + 1}: ${r}`);
        else rules.push(r);
      });
      const names = rules.map((r) => r.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) y.problem('rules', `two rules are named ${dup}`);
    }
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : { source, key, rules, ...(compare ? { compare } : {}) }, diagnostics: y.diagnostics };
  },
  references(spec) {
    const refs = [spec.source.toLowerCase(), ...(spec.compare ? [spec.compare.toLowerCase()] : [])];
    for (const r of spec.rules) if (r.rule.type === 'metric') refs.push(r.rule.cell.toLowerCase());
    return refs;
  },
  resultReads(spec) {
    return spec.rules.flatMap((r) => (r.rule.type === 'metric' ? [r.rule.cell] : []));
  },
  defines(spec, name) {
    return spec.rules.filter((r) => failingRowsSql(spec.source, r.rule) !== null).map((r) => `${name}_${r.name}`);
  },
  async run(spec, ctx) {
    await requireValidRegex(ctx.query, spec.rules.flatMap((r) => (r.rule.type === 'matches' ? [[`rule ${r.name} (matches)`, r.rule.pattern] as const] : [])), ctx.name);
    for (const r of spec.rules) {
      if (r.rule.type !== 'metric') continue;
      const { cell, field } = r.rule;
      const result = ctx.results?.(cell);
      if (result === undefined) throw new AssayError('input', `rule ${r.name}: metric ${cell}.${field}: cell ${cell} has no results (it has not run)`, { subject: ctx.name });
      if (!hasMetricPath(result, field)) {
        throw new AssayError('input', `rule ${r.name}: metric ${cell}.${field}: the results of ${cell} have no ${field} (they have ${Object.keys(result).join(', ')})`, { subject: ctx.name });
      }
    }
    const columns = await requireRuleColumns(ctx, spec.source, spec.rules, (r) => `rule ${r.name}: `);
    // A condition written as SQL goes into the queries only once DuckDB parsed it as one expression.
    await checkConditions(ctx, spec.source, spec.rules);
    if (spec.compare) await checkConditions(ctx, spec.compare, spec.rules);
    if (spec.key && !columns.has(spec.key)) throw new AssayError('input', `${spec.source} has no key column ${spec.key}`, { subject: ctx.name });
    const viewName = (r: CheckRule) => `${ctx.name}_${r.name}`;
    const counts = (await ctx.query(checkCountsSql(spec.source, spec.rules))).get(0)!.toJSON() as Record<string, unknown>;
    const outcomes = judgeRules(spec.rules, counts, viewName, (cell) => ctx.results?.(cell));
    const failing: Record<string, unknown> = {};
    for (const [i, r] of spec.rules.entries()) {
      const sql = failingRowsSql(spec.source, r.rule);
      if (!sql) continue;
      await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(viewName(r))} AS ${sql}`);
      if (!outcomes[i]!.failing_rows) continue;
      const col = 'column' in r.rule ? r.rule.column : null;
      const shown = [...new Set([spec.key, col].filter((c): c is string => !!c))];
      const page = await ctx.query(`SELECT ${shown.length ? shown.map(quoteIdent).join(', ') : '*'} FROM ${quoteIdent(viewName(r))} LIMIT ${FAILING_PAGE}`);
      failing[r.name] = tableToJsonRows(page);
    }
    const passed = gatePassed(outcomes);
    // The same rules over the compared version: counts only (its failing rows are not kept).
    let compared: Record<string, unknown> | null = null;
    if (spec.compare) {
      await requireRuleColumns(ctx, spec.compare, spec.rules, () => 'compare: ');
      const otherCounts = (await ctx.query(checkCountsSql(spec.compare, spec.rules))).get(0)!.toJSON() as Record<string, unknown>;
      const otherOutcomes = judgeRules(spec.rules, otherCounts, () => '', (cell) => ctx.results?.(cell));
      compared = {
        source: spec.compare,
        rows: Number(otherCounts.rows),
        passed: gatePassed(otherOutcomes),
        rules: otherOutcomes.map((o) => ({ name: o.name, passed: o.passed, failing_rows: o.failing_rows, failing_share: o.failing_share, observed: o.observed })),
      };
    }
    const values = outcomes
      .map((o) => `(${[o.name, o.rule, o.description, o.severity, o.passed, o.failing_rows, o.failing_share, o.view].map((v) => quoteLiteral(v as string | number | boolean | null)).join(', ')})`)
      .join(', ');
    await ctx.query(`DROP VIEW IF EXISTS ${quoteIdent(ctx.name)}`).catch(() => undefined);
    await ctx.query(
      `CREATE OR REPLACE TABLE ${quoteIdent(ctx.name)} (name VARCHAR, rule VARCHAR, description VARCHAR, severity VARCHAR, passed BOOLEAN, failing_rows DOUBLE, failing_share DOUBLE, failing_view VARCHAR)`,
    );
    if (values) await ctx.query(`INSERT INTO ${quoteIdent(ctx.name)} VALUES ${values}`);
    return {
      table: null,
      result: {
        source: spec.source,
        passed,
        rows: Number(counts.rows),
        errors_failed: outcomes.filter((o) => !o.passed && o.severity === 'error').length,
        warnings_failed: outcomes.filter((o) => !o.passed && o.severity === 'warn').length,
        rules: outcomes,
        failing_examples: failing,
        ...(compared ? { compare: compared } : {}),
      },
    };
  },
};

/** Each `sql:` / `relation:` condition checked by DuckDB as one expression (see checkCondition). */
async function checkConditions(ctx: CellContext, source: string, rules: readonly CheckRule[]): Promise<void> {
  for (const r of rules) {
    if (r.rule.type === 'sql' || r.rule.type === 'relation') await checkCondition(ctx.query, r.rule.expression, quoteIdent(source), `${ctx.name}: rule ${r.name}`);
  }
}
