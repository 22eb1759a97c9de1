import { firstLabels, topCategories } from '../stats/topCategories';
import { edgeLabels } from '../stats/edgeLabels';
import { labelOrder, labelOrderNullsLast } from '../stats/labelOrder';
import { AssayError } from '../errors';
import { describeColumns } from '../sql/describe';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { columnClass } from '../stats/profile';
import { ksTwoSamplePValue } from '../stats/ksTwoSamplePValue';
import {
  binCountsSql,
  categoryCountsSql,
  chiSquareHomogeneity,
  decileEdgesSql,
  jensenShannon,
  ksWassersteinSql,
  overlaidHistogramSql,
  psi,
  uniqueEdges,
} from '../stats/drift';
import type { CellKind, QueryFn } from './CellKind';
import { YamlSpec } from './yamlSpec';
import type { SpecSchema } from './specSchema';

/** Where each threshold means something: a p-value strictly inside (0, 1), PSI from 0 up, distances in [0, 1]. */
const THRESHOLD_DOMAIN: Record<keyof DriftThresholds, { ok: (v: number) => boolean; text: string }> = {
  psi: { ok: (v) => v >= 0, text: 'at least 0' },
  ks_statistic: { ok: (v) => v >= 0 && v <= 1, text: 'from 0 to 1' },
  js_distance: { ok: (v) => v >= 0 && v <= 1, text: 'from 0 to 1' },
  pvalue: { ok: (v) => v > 0 && v < 1, text: 'between 0 and 1 (exclusive)' },
};

export interface DriftThresholds {
  psi: number;
  ks_statistic: number;
  js_distance: number;
  pvalue: number;
}

export interface DriftSpec {
  baseline: string;
  current: string;
  columns?: string[];
  label?: string;
  by?: string;
  thresholds: DriftThresholds;
}

/**
 * Default verdicts: PSI ≥ 0.2 is the usual "significant shift"; KS D ≥ 0.1 or JS ≥ 0.1 with a
 * p-value under 0.01 guards against calling tiny effects drift on large samples.
 */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psi: 0.2, ks_statistic: 0.1, js_distance: 0.1, pvalue: 0.01 };

/** The drift of one column (fields that do not apply to its type are null). */
export interface ColumnDrift {
  column: string;
  type: string;
  kind: 'numeric' | 'categorical';
  ks_statistic: number | null;
  ks_pvalue: number | null;
  psi: number | null;
  wasserstein: number | null;
  js_distance: number | null;
  chi2_statistic: number | null;
  chi2_pvalue: number | null;
  chi2_dof: number | null;
  drifted: boolean;
  /** The tests that found drift: `psi` (PSI ≥ its threshold), `ks` (KS D ≥ its threshold with p below), `js_chi2` (JS ≥ its threshold with the χ² p below). */
  fired: DriftTest[];
  /** The PSI bins: numeric edges, or the categories, with counts and shares on both sides. */
  /** A numeric bin's edges as text, or a category (null: the NULLs, apart from the text 'NULL'). */
  bins: { bin: string | null; baseline: number; current: number; baseline_share: number; current_share: number }[];
  new_categories?: (string | null)[];
  gone_categories?: (string | null)[];
  histogram?: { x0: number; x1: number; baseline: number; current: number }[];
  /** Categorical: how many categories there are; `bins` lists the TOP_CATEGORIES largest. */
  categories?: number;
  /** Categorical: the categories not listed in `bins`, summed (null when all are listed). */
  other?: { categories: number; baseline: number; current: number; baseline_share: number; current_share: number } | null;
  new_categories_count?: number;
  gone_categories_count?: number;
}

/** Drifted when any test fired, and which did. */
function verdict(tests: Partial<Record<DriftTest, boolean>>): { drifted: boolean; fired: DriftTest[] } {
  const fired = (Object.keys(tests) as DriftTest[]).filter((k) => tests[k]);
  return { drifted: fired.length > 0, fired };
}

/** A drift test that can find a column drifted. */
export type DriftTest = 'psi' | 'ks' | 'js_chi2';

/** How each test is named where a verdict says which fired. */
export const DRIFT_TEST_NAMES: Record<DriftTest, string> = { psi: 'PSI', ks: 'KS', js_chi2: 'JS + χ²' };

async function numericDrift(q: QueryFn, baseline: string, current: string, column: string, type: string, t: DriftThresholds): Promise<ColumnDrift> {
  const kw = (await q(ksWassersteinSql(baseline, current, column))).get(0)!.toJSON() as { d: number; w1: number; n1: number; n2: number; lo: number | null; hi: number | null };
  const n1 = Number(kw.n1 ?? 0);
  const n2 = Number(kw.n2 ?? 0);
  const qv = (await q(decileEdgesSql(baseline, column))).getChild('q')!.get(0) as { toArray(): ArrayLike<number | null> } | null;
  const edges = uniqueEdges(qv ? Array.from(qv.toArray()) : []);
  const counts = (await q(binCountsSql(baseline, current, column, edges))).toArray().map((r) => ({ bin: Number(r.bin), baseline: Number(r.baseline), current: Number(r.current) }));
  const b = edges.map(() => 0).concat(0);
  const c = edges.map(() => 0).concat(0);
  for (const r of counts) {
    b[r.bin] = r.baseline;
    c[r.bin] = r.current;
  }
  const shown = edgeLabels(edges);
  const label = (i: number) => (i === 0 ? `(−∞, ${shown[0] ?? '+∞'}]` : i === edges.length ? `(${shown[i - 1]}, +∞)` : `(${shown[i - 1]}, ${shown[i]}]`);
  const d = Number(kw.d);
  const p = n1 && n2 ? ksTwoSamplePValue(d, n1, n2) : null;
  const index = n1 && n2 ? psi(b, c) : null;
  const sb = b.reduce((s, x) => s + x, 0);
  const sc = c.reduce((s, x) => s + x, 0);
  const range = { lo: kw.lo, hi: kw.hi };
  let histogram: ColumnDrift['histogram'] = [];
  if (range.lo !== null && range.hi !== null) {
    const bins = 30;
    const width = range.hi > range.lo ? (range.hi - range.lo) / bins : 1;
    const h = (await q(overlaidHistogramSql(baseline, current, column, range.lo, range.hi, bins))).toArray();
    histogram = Array.from({ length: bins }, (_, i) => {
      const r = h.find((x) => Number(x.bin) === i);
      return { x0: range.lo! + i * width, x1: range.lo! + (i + 1) * width, baseline: r ? Number(r.baseline) / n1 : 0, current: r ? Number(r.current) / n2 : 0 };
    });
  }
  return {
    column,
    type,
    kind: 'numeric',
    ks_statistic: n1 && n2 ? d : null,
    ks_pvalue: p,
    psi: index,
    wasserstein: n1 && n2 ? Number(kw.w1) : null,
    js_distance: null,
    chi2_statistic: null,
    chi2_pvalue: null,
    chi2_dof: null,
    ...verdict({ psi: index !== null && index >= t.psi, ks: p !== null && d >= t.ks_statistic && p < t.pvalue }),
    bins: b.map((x, i) => ({ bin: label(i), baseline: x, current: c[i]!, baseline_share: sb ? x / sb : 0, current_share: sc ? c[i]! / sc : 0 })),
    histogram,
  };
}

async function categoricalDrift(q: QueryFn, baseline: string, current: string, column: string, type: string, t: DriftThresholds): Promise<ColumnDrift> {
  const rows = (await q(categoryCountsSql(baseline, current, column)))
    .toArray()
    .map((r) => ({ category: r.category === null || r.category === undefined ? null : String(r.category), baseline: Number(r.baseline), current: Number(r.current) }))
    .sort((x, y) => labelOrderNullsLast(x.category, y.category));
  const b = rows.map((r) => r.baseline);
  const c = rows.map((r) => r.current);
  const sb = b.reduce((s, x) => s + x, 0);
  const sc = c.reduce((s, x) => s + x, 0);
  const chi = chiSquareHomogeneity(b, c);
  const index = sb && sc ? psi(b, c) : null;
  const js = sb && sc ? jensenShannon(b, c) : null;
  // The statistics above use every category; the result lists the largest and sums the rest.
  const { kept, rest } = topCategories(rows, (r) => r.baseline + r.current, (r) => r.category);
  const restB = rest.reduce((s, r) => s + r.baseline, 0);
  const restC = rest.reduce((s, r) => s + r.current, 0);
  const added = firstLabels(rows.filter((r) => r.baseline === 0 && r.current > 0).map((r) => r.category));
  const gone = firstLabels(rows.filter((r) => r.baseline > 0 && r.current === 0).map((r) => r.category));
  return {
    column,
    type,
    kind: 'categorical',
    ks_statistic: null,
    ks_pvalue: null,
    psi: index,
    wasserstein: null,
    js_distance: js,
    chi2_statistic: chi.statistic,
    chi2_pvalue: Number.isNaN(chi.pvalue) ? null : chi.pvalue,
    chi2_dof: chi.dof,
    ...verdict({ psi: index !== null && index >= t.psi, js_chi2: js !== null && js >= t.js_distance && chi.pvalue < t.pvalue }),
    bins: kept.map((r) => ({ bin: r.category, baseline: r.baseline, current: r.current, baseline_share: sb ? r.baseline / sb : 0, current_share: sc ? r.current / sc : 0 })),
    categories: rows.length,
    other: rest.length ? { categories: rest.length, baseline: restB, current: restC, baseline_share: sb ? restB / sb : 0, current_share: sc ? restC / sc : 0 } : null,
    new_categories: added.shown,
    new_categories_count: added.count,
    gone_categories: gone.shown,
    gone_categories_count: gone.count,
  };
}

/** The keys of a `drift` cell's spec. */
export const DRIFT_SCHEMA: SpecSchema = {
  baseline: { role: 'relation', required: true, doc: 'the earlier version (a source or cell)' },
  current: { role: 'relation', required: true, doc: 'the version compared with it' },
  columns: { role: 'columns', of: 'baseline', doc: 'the columns to compare (default: all they share)' },
  label: { role: 'column', of: 'baseline', hint: 'label', doc: 'the label column, for class shares side by side' },
  by: { role: 'column', of: 'baseline', hint: 'label', doc: 'a class column: numeric drift per class' },
  thresholds: { role: 'map', doc: 'psi (0.2), ks_statistic (0.1), js_distance (0.1), pvalue (0.01)' },
};

/**
 * `drift` — what changed between two versions: per column KS, PSI and Wasserstein (numeric) or
 * PSI, Jensen–Shannon and chi-square (categorical), a verdict from thresholds, the schema diff,
 * and the label's class shares. Only bins and counts come back from DuckDB, never rows.
 */
export const driftCell: CellKind<DriftSpec> = {
  kind: 'drift',
  description: 'Drift between two versions: KS, PSI, Wasserstein, Jensen–Shannon, chi-square, schema diff',
  schema: DRIFT_SCHEMA,
  template: 'baseline: baseline\ncurrent: current\nlabel: label',
  parse(body) {
    const y = new YamlSpec(body, DRIFT_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const raw = y.raw('thresholds');
    const thresholds = { ...DEFAULT_DRIFT_THRESHOLDS };
    if (raw !== undefined && raw !== null) {
      if (typeof raw !== 'object' || Array.isArray(raw)) y.problem('thresholds', 'must map psi, ks_statistic, js_distance, pvalue to numbers');
      else
        for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
          if (!(k in thresholds)) y.problem('thresholds', `unknown threshold ${k}`);
          else if (typeof v !== 'number' || !Number.isFinite(v)) y.problem('thresholds', `${k} must be a number`);
          else if (!THRESHOLD_DOMAIN[k as keyof DriftThresholds].ok(v)) y.problem('thresholds', `${k} must be ${THRESHOLD_DOMAIN[k as keyof DriftThresholds].text} (found ${v})`);
          else thresholds[k as keyof DriftThresholds] = v;
        }
    }
    const spec: DriftSpec = { baseline: y.text('baseline', true), current: y.text('current', true), columns: y.list('columns'), label: y.text('label'), by: y.text('by'), thresholds };
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : spec, diagnostics: y.diagnostics };
  },
  references(spec) {
    return [spec.baseline.toLowerCase(), spec.current.toLowerCase()];
  },
  async run(spec, ctx) {
    const describe = async (t: string) => new Map((await describeColumns(ctx.query, t)).map((c) => [c.name, c.type]));
    const [b, c] = [await describe(spec.baseline), await describe(spec.current)];
    const schema = {
      added: [...c.keys()].filter((k) => !b.has(k)),
      removed: [...b.keys()].filter((k) => !c.has(k)),
      retyped: [...b.keys()].filter((k) => c.has(k) && c.get(k) !== b.get(k)).map((k) => ({ column: k, baseline: b.get(k)!, current: c.get(k)! })),
    };
    const shared = [...b.keys()].filter((k) => c.has(k));
    const columns = spec.columns ?? shared;
    const missing = columns.filter((k) => !shared.includes(k));
    if (missing.length) throw new AssayError('input', `not in both versions: ${missing.join(', ')}`, { subject: ctx.name });
    const results: ColumnDrift[] = [];
    for (const col of columns) {
      const type = b.get(col)!;
      const cls = columnClass(type);
      if (cls === 'other') continue;
      results.push(cls === 'numeric' ? await numericDrift(ctx.query, spec.baseline, spec.current, col, type, spec.thresholds) : await categoricalDrift(ctx.query, spec.baseline, spec.current, col, type, spec.thresholds));
    }
    // The label's class shares are categorical even for an integer label column.
    const label = spec.label ? results.find((r) => r.column === spec.label && r.kind === 'categorical') ?? (await categoricalDrift(ctx.query, spec.baseline, spec.current, spec.label, b.get(spec.label) ?? 'VARCHAR', spec.thresholds)) : null;
    let byClass: { group: string; columns: ColumnDrift[] }[] | undefined;
    if (spec.by) {
      // The first 50 groups by the column's own order (numbers by value), listed in label order.
      const groups = (await ctx.query(`SELECT CAST(v AS VARCHAR) AS g FROM (SELECT DISTINCT ${quoteIdent(spec.by)} AS v FROM ${quoteIdent(spec.baseline)} WHERE ${quoteIdent(spec.by)} IS NOT NULL) ORDER BY v LIMIT 50`))
        .toArray()
        .map((r) => String(r.g))
        .sort(labelOrder);
      byClass = [];
      for (const g of groups) {
        const filter = (t: string) => `(SELECT * FROM ${quoteIdent(t)} WHERE CAST(${quoteIdent(spec.by!)} AS VARCHAR) = ${quoteLiteral(g)})`;
        await ctx.query(`CREATE OR REPLACE TEMP VIEW __assay_drift_b AS SELECT * FROM ${filter(spec.baseline)}`);
        await ctx.query(`CREATE OR REPLACE TEMP VIEW __assay_drift_c AS SELECT * FROM ${filter(spec.current)}`);
        const cols: ColumnDrift[] = [];
        for (const col of columns.filter((k) => columnClass(b.get(k)!) === 'numeric')) cols.push(await numericDrift(ctx.query, '__assay_drift_b', '__assay_drift_c', col, b.get(col)!, spec.thresholds));
        byClass.push({ group: g, columns: cols });
      }
    }
    const drifted = results.filter((r) => r.drifted).length;
    // Every category's counts, of every categorical column and the label, stay a view named after the cell.
    const categorical = [...new Set([...results.filter((r) => r.kind === 'categorical').map((r) => r.column), ...(label ? [label.column] : [])])];
    const full = categorical.map((col) => `SELECT ${quoteLiteral(col)} AS "column", category, baseline, current FROM (${categoryCountsSql(spec.baseline, spec.current, col)})`);
    await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${full.length ? full.join('\nUNION ALL ') : 'SELECT NULL::VARCHAR AS "column", NULL::VARCHAR AS category, NULL::DOUBLE AS baseline, NULL::DOUBLE AS current WHERE false'}`);
    return {
      table: null,
      result: { columns: results, drifted_share: results.length ? drifted / results.length : 0, drifted_columns: results.filter((r) => r.drifted).map((r) => r.column), schema, label_shift: label, thresholds: spec.thresholds, ...(byClass ? { by: spec.by, by_class: byClass } : {}) },
    };
  },
};
