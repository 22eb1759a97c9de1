import type { SpecSchema } from './specSchema';
import { AssayError } from '../errors';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { parseMetricPath, resolveSteps, metricNumber, type MetricPath } from '../history/metricPath';
import type { RunManifest, RunRecord } from '../history/runRecord';
import { robustZScores, type RobustZPoint } from '../stats/robustZ';
import type { CellContext, CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';

/** A gate line on a metric: values below `min` or above `max` are beyond it. */
export interface TrendThreshold {
  min: number | null;
  max: number | null;
}

/** One metric of a trend: a path into a cell's results, or with `by` one series per class. */
export interface TrendMetric {
  /** As written: `gates.unique_ids.failing_share`. */
  text: string;
  path: MetricPath;
  label: string;
  /** Per class: the path names a list; `by` is the field naming each item, `value` the field trended. */
  by?: string;
  value?: string;
  threshold: TrendThreshold;
}

export interface TrendSpec {
  metrics: TrendMetric[];
  over: 'runs' | 'versions';
  window: number;
  anomaly: { method: 'robust_z' | 'none'; z: number; min_points: number };
}

/** The runs a trend is drawn over, as the host gives them (CellContext.history). */
export interface RunHistory {
  /** Earlier runs of this notebook, any order (the cell orders them). */
  records: readonly RunRecord[];
  /** The run being made: its notebook text's hash and the dataset version it reads. */
  current: { notebookSha256: string; manifest: RunManifest | null };
}

/** One point of a series (see `$defs/trend_point` in results.schema.json). */
export interface TrendPoint extends RobustZPoint {
  metric: string;
  index: number;
  run_id: string | null;
  version: string | null;
  ran_at: string | null;
  current: boolean;
  notebook_changed: boolean;
  beyond_threshold: boolean;
}

/** What a run contributes to a trend: where it sits and how to read a cell's results in it. */
interface Entry {
  run_id: string | null;
  version: string | null;
  ran_at: string | null;
  current: boolean;
  notebook_changed: boolean;
  result: (cell: string) => Record<string, unknown> | undefined;
}

function parseThreshold(raw: unknown): TrendThreshold | string {
  if (raw === undefined || raw === null) return { min: null, max: null };
  if (typeof raw !== 'object' || Array.isArray(raw)) return 'threshold must be {min: …} and/or {max: …}';
  const t = raw as Record<string, unknown>;
  const extra = Object.keys(t).filter((k) => k !== 'min' && k !== 'max');
  if (extra.length) return `threshold has unknown key ${extra[0]} (expected min, max)`;
  for (const k of ['min', 'max'] as const) if (t[k] !== undefined && (typeof t[k] !== 'number' || !Number.isFinite(t[k]))) return `threshold ${k} must be a number`;
  const min = (t.min as number | undefined) ?? null;
  const max = (t.max as number | undefined) ?? null;
  if (min !== null && max !== null && min > max) return 'threshold min is above max';
  return { min, max };
}

function parseMetric(item: unknown, i: number, fallback: TrendThreshold): TrendMetric | string {
  const where = `metric ${i + 1}`;
  const fields: Record<string, unknown> = typeof item === 'string' ? { metric: item } : item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
  const unknown = Object.keys(fields).filter((k) => !['metric', 'label', 'by', 'value', 'threshold'].includes(k));
  if (unknown.length) return `${where}: unknown key ${unknown[0]} (expected metric, label, by, value, threshold)`;
  if (typeof fields.metric !== 'string') return `${where}: must be a path such as gates.unique_ids.failing_share, or {metric: …, by: class, value: …}`;
  const path = parseMetricPath(fields.metric);
  if (typeof path === 'string') return `${where}: ${path}`;
  for (const k of ['label', 'by', 'value'] as const) if (fields[k] !== undefined && (typeof fields[k] !== 'string' || !(fields[k] as string).trim())) return `${where}: ${k} must be text`;
  if ((fields.by === undefined) !== (fields.value === undefined)) return `${where}: a per-class metric needs both by (the field naming the class) and value (the field to trend)`;
  const threshold = fields.threshold === undefined ? fallback : parseThreshold(fields.threshold);
  if (typeof threshold === 'string') return `${where}: ${threshold}`;
  return {
    text: fields.metric.trim(),
    path,
    label: (fields.label as string | undefined) ?? fields.metric.trim(),
    ...(fields.by !== undefined ? { by: fields.by as string, value: fields.value as string } : {}),
    threshold,
  };
}

/** The `trend` spec's keys (parsing, completion and the README's cell reference). */
export const TREND_SCHEMA: SpecSchema = {
  metrics: { doc: 'paths into other cells\' results (gates.unique_ids.failing_share), or {metric, by, value} for one series per class', role: 'list', required: true },
  over: { doc: 'the points: the notebook\'s runs, or its dataset\'s versions in parent order', role: 'enum', values: ['runs', 'versions'] },
  window: { doc: 'how many earlier points each point is scored against (10)', role: 'number' },
  threshold: { doc: 'gate lines drawn on every chart: {min, max}', role: 'map' },
  anomaly: { doc: 'robust_z (median and MAD of the window, flagged at |z| ≥ 3.5), none, or {z, min_points}', role: 'map' },
};

/**
 * `trend` — metrics of other cells over the runs of the notebook, or over the versions of its
 * dataset: one series per metric (per class with `by`), each point scored by a robust z-score
 * against the points before it (see src/core/stats/robustZ.ts). The runs come from the host
 * (CellContext.history: the CLI's --history file or --over-versions, the app's IndexedDB); the
 * run being made is the last point (over runs) or its version's point (over versions). The
 * cell's table holds every point; `<cell>_flagged` the flagged ones, for a checks gate.
 */
export const trendCell: CellKind<TrendSpec> = {
  kind: 'trend',
  description: 'Metrics of other cells across runs or dataset versions, with thresholds and robust z-score anomalies',
  schema: TREND_SCHEMA,
  template: 'metrics:\n  - gates.unique_ids.failing_share\nover: runs\nwindow: 10\nthreshold: {max: 0.02}',
  parse(body) {
    const y = new YamlSpec(body, TREND_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const over = y.choice('over', ['runs', 'versions'] as const, 'runs');
    const window = y.number('window', 10, 1, 10_000);
    if (!Number.isInteger(window)) y.problem('window', 'must be a whole number of points');
    const fallback = parseThreshold(y.raw('threshold'));
    if (typeof fallback === 'string') y.problem('threshold', fallback.replace(/^threshold /, ''));
    const anomalyRaw = y.raw('anomaly');
    let anomaly: TrendSpec['anomaly'] = { method: 'robust_z', z: 3.5, min_points: 2 };
    if (anomalyRaw === 'none' || anomalyRaw === false) anomaly = { ...anomaly, method: 'none' };
    else if (anomalyRaw !== undefined && anomalyRaw !== null && anomalyRaw !== 'robust_z') {
      const a = anomalyRaw as Record<string, unknown>;
      const bad = typeof a !== 'object' || Array.isArray(a) ? 'must be robust_z, none, or {method: robust_z, z: 3.5, min_points: 2}'
        : Object.keys(a).find((k) => !['method', 'z', 'min_points'].includes(k)) ? `unknown key ${Object.keys(a).find((k) => !['method', 'z', 'min_points'].includes(k))} (expected method, z, min_points)`
        : a.method !== undefined && a.method !== 'robust_z' && a.method !== 'none' ? 'method must be robust_z or none'
        : a.z !== undefined && (typeof a.z !== 'number' || !(a.z > 0)) ? 'z must be a positive number'
        : a.min_points !== undefined && (typeof a.min_points !== 'number' || !Number.isInteger(a.min_points) || a.min_points < 1) ? 'min_points must be a whole number of at least 1'
        : null;
      if (bad) y.problem('anomaly', bad);
      else anomaly = { method: (a.method as 'robust_z' | 'none' | undefined) ?? 'robust_z', z: (a.z as number | undefined) ?? 3.5, min_points: (a.min_points as number | undefined) ?? 2 };
    }
    const raw = y.raw('metrics');
    const metrics: TrendMetric[] = [];
    if (!Array.isArray(raw) || raw.length === 0) y.problem('metrics', 'must be a list of metric paths, e.g. - gates.unique_ids.failing_share');
    else {
      raw.forEach((item, i) => {
        const m = parseMetric(item, i, typeof fallback === 'string' ? { min: null, max: null } : fallback);
        if (typeof m === 'string') y.problem('metrics', m);
        else metrics.push(m);
      });
    }
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : { metrics, over, window, anomaly }, diagnostics: y.diagnostics };
  },
  references(spec) {
    return spec.metrics.map((m) => m.path.cell.toLowerCase());
  },
  resultReads(spec) {
    return [...new Set(spec.metrics.map((m) => m.path.cell))];
  },
  defines(_spec, name) {
    return [`${name}_flagged`];
  },
  async run(spec, ctx) {
    const entries = trendEntries(spec.over, ctx);
    const series = seriesOf(spec, entries, ctx);
    const points: TrendPoint[] = [];
    for (const s of series) {
      const scored = robustZScores(s.values, { window: spec.window, threshold: spec.anomaly.z, minPoints: spec.anomaly.min_points });
      scored.forEach((p, i) => {
        const e = entries[i]!;
        const beyond = p.value !== null && ((s.threshold.min !== null && p.value < s.threshold.min) || (s.threshold.max !== null && p.value > s.threshold.max));
        points.push({
          metric: s.name,
          index: i,
          run_id: e.run_id,
          version: e.version,
          ran_at: e.ran_at,
          current: e.current,
          notebook_changed: e.notebook_changed,
          value: p.value,
          median: p.median,
          mad: p.mad,
          window_size: p.window_size,
          z: p.z,
          status: p.status,
          flagged: spec.anomaly.method === 'robust_z' && p.flagged,
          beyond_threshold: beyond,
        });
      });
    }
    await writeTables(ctx, points);
    const flagged = points.filter((p) => p.flagged);
    return {
      table: null,
      result: {
        over: spec.over,
        window: spec.window,
        anomaly: spec.anomaly,
        runs: entries.length,
        metrics: series.map((s) => ({ metric: s.name, label: s.label, threshold: s.threshold })),
        points,
        flagged,
        flagged_count: flagged.length,
      },
    };
  },
};

/**
 * The runs in x order. Over runs: every record by time, then this run. Over versions: the
 * newest record of each version of this run's manifest, the version this run reads taken
 * from this run, in parent order.
 */
export function trendEntries(over: TrendSpec['over'], ctx: Pick<CellContext, 'history' | 'results' | 'name'>): Entry[] {
  const history = ctx.history;
  const current: Entry = {
    run_id: null,
    version: history?.current.manifest?.version ?? null,
    ran_at: null,
    current: true,
    notebook_changed: false,
    result: (cell) => ctx.results?.(cell),
  };
  const sha = history?.current.notebookSha256;
  const fromRecord = (r: RunRecord): Entry => ({
    run_id: r.id,
    version: r.manifest?.version ?? null,
    ran_at: r.ran_at,
    current: false,
    notebook_changed: sha !== undefined && r.notebook_sha256 !== sha,
    result: (cell) => r.results.cells.find((c) => c.name.toLowerCase() === cell.toLowerCase())?.result,
  });
  const byTime = [...(history?.records ?? [])].sort((a, b) => (a.ran_at < b.ran_at ? -1 : a.ran_at > b.ran_at ? 1 : 0));
  if (over === 'runs') return [...byTime.map(fromRecord), current];
  const manifest = history?.current.manifest ?? null;
  if (!manifest) throw new AssayError('input', 'over: versions needs a run over a dataset version: a source {manifest: …} (or assay run --over-versions MANIFEST)', { subject: ctx.name });
  const newest = new Map<string, { record: RunRecord; order: number }>();
  for (const r of byTime) {
    if (!r.manifest || r.manifest.path !== manifest.path || r.manifest.version === manifest.version) continue;
    newest.set(r.manifest.version, { record: r, order: r.manifest.order });
  }
  const placed: { entry: Entry; order: number; version: string }[] = [...newest.entries()].map(([version, { record, order }]) => ({ entry: fromRecord(record), order, version }));
  placed.push({ entry: current, order: manifest.order, version: manifest.version });
  placed.sort((a, b) => a.order - b.order || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return placed.map((p) => p.entry);
}

/** Each series: its name, label, threshold and one value per entry (null where the run has none). */
function seriesOf(spec: TrendSpec, entries: Entry[], ctx: CellContext): { name: string; label: string; threshold: TrendThreshold; values: (number | null)[] }[] {
  const out: { name: string; label: string; threshold: TrendThreshold; values: (number | null)[] }[] = [];
  for (const m of spec.metrics) {
    const cell = m.path.cell;
    const now = ctx.results?.(cell);
    if (now === undefined) throw new AssayError('input', `metric ${m.text}: cell ${cell} has no results (it has not run)`, { subject: ctx.name });
    const here = resolveSteps(now, m.path.steps);
    if (here === undefined) throw new AssayError('input', `metric ${m.text}: the results of ${cell} have no ${m.text.slice(cell.length + 1)} (they have ${Object.keys(now).join(', ')})`, { subject: ctx.name });
    if (!m.by) {
      out.push({ name: m.text, label: m.label, threshold: m.threshold, values: entries.map((e) => metricNumber(e.result(cell), m.path.steps)) });
      continue;
    }
    if (!Array.isArray(here)) throw new AssayError('input', `metric ${m.text}: by ${m.by} needs a list of records there (one per class)`, { subject: ctx.name });
    const listOf = (e: Entry) => {
      const v = resolveSteps(e.result(cell), m.path.steps);
      return Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
    };
    // Classes in the order the cell lists them, this run's first, then any only earlier runs had.
    const classes: string[] = [];
    for (const e of [entries.find((x) => x.current)!, ...entries]) {
      for (const item of listOf(e)) {
        const c = item && typeof item === 'object' ? item[m.by] : undefined;
        if (c !== undefined && c !== null && !classes.includes(String(c))) classes.push(String(c));
      }
    }
    if (classes.length === 0) throw new AssayError('input', `metric ${m.text}: its items have no field ${m.by}`, { subject: ctx.name });
    for (const c of classes) {
      const values = entries.map((e) => {
        const item = listOf(e).find((x) => x && typeof x === 'object' && String(x[m.by!]) === c);
        const v = item?.[m.value!];
        return typeof v === 'number' && Number.isFinite(v) ? v : null;
      });
      out.push({ name: `${m.text}[${c}].${m.value}`, label: `${m.label} — ${c}`, threshold: m.threshold, values });
    }
  }
  return out;
}

/** The points as the cell's table and the flagged ones as `<cell>_flagged`, so SQL and checks read them. */
async function writeTables(ctx: CellContext, points: TrendPoint[]): Promise<void> {
  const name = quoteIdent(ctx.name);
  await ctx.query(`DROP VIEW IF EXISTS ${name}`).catch(() => undefined);
  await ctx.query(
    `CREATE OR REPLACE TABLE ${name} (metric VARCHAR, "index" INTEGER, run_id VARCHAR, version VARCHAR, ran_at VARCHAR, "current" BOOLEAN, notebook_changed BOOLEAN, value DOUBLE, median DOUBLE, mad DOUBLE, window_size INTEGER, z DOUBLE, status VARCHAR, flagged BOOLEAN, beyond_threshold BOOLEAN)`,
  );
  const lit = (v: string | number | boolean | null) => quoteLiteral(v);
  for (let i = 0; i < points.length; i += 500) {
    const rows = points
      .slice(i, i + 500)
      .map((p) => `(${[p.metric, p.index, p.run_id, p.version, p.ran_at, p.current, p.notebook_changed, p.value, p.median, p.mad, p.window_size, p.z, p.status, p.flagged, p.beyond_threshold].map(lit).join(', ')})`)
      .join(', ');
    await ctx.query(`INSERT INTO ${name} VALUES ${rows}`);
  }
  await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(`${ctx.name}_flagged`)} AS SELECT * FROM ${name} WHERE flagged`);
}
