import { AssayError } from '../errors';
import { describeColumns } from '../sql/describe';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { tableToJsonRows, type JsonScalar } from '../arrowJson';
import type { CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';
import type { SpecSchema } from './specSchema';

export const MARKS = ['bar', 'dot', 'line', 'area', 'histogram', 'heatmap'] as const;
export type ChartMark = (typeof MARKS)[number];

/** An aggregate over the rows of each group: count, or a function of a column. */
export interface ChartAggregate {
  fn: 'count' | 'count_distinct' | 'sum' | 'mean' | 'median' | 'min' | 'max';
  column: string | null;
}

export interface ChartSpec {
  source: string;
  mark: ChartMark;
  x: string;
  /** bar, dot, line, area: the aggregate drawn; heatmap: the second dimension. */
  y: ChartAggregate | string;
  /** heatmap: the aggregate shaded. */
  value: ChartAggregate;
  /** Series (colour) column. */
  fill?: string;
  /** Small multiples, one panel per value. */
  facet?: string;
  bins: number;
  title?: string;
  scheme?: string;
  /** How many groups the chart may draw; more is refused rather than cut silently. */
  limit: number;
}

const AGG = /^(count|count_distinct|sum|mean|median|min|max)(?:\((.+)\))?$/;

/** Parse `count`, `mean(lighting_lux)`, …; null when the text is not an aggregate. */
export function parseAggregate(text: string): ChartAggregate | null {
  const m = AGG.exec(text.trim());
  if (!m) return null;
  const fn = m[1] as ChartAggregate['fn'];
  const column = m[2]?.trim() ?? null;
  // count alone counts rows, count(col) its non-NULL values; the others need a column.
  if (fn !== 'count' && !column) return null;
  return { fn, column };
}

function aggregateSql(a: ChartAggregate): string {
  const col = a.column === null ? null : quoteIdent(a.column);
  switch (a.fn) {
    case 'count':
      return col ? `count(${col})` : 'count(*)';
    case 'count_distinct':
      return `count(DISTINCT ${col})`;
    case 'mean':
      return `avg(${col})`;
    default:
      return `${a.fn}(${col})`;
  }
}

/** How an aggregate reads on an axis. */
export function aggregateLabel(a: ChartAggregate): string {
  return a.column === null ? 'count' : `${a.fn.replace('_', ' ')} of ${a.column}`;
}

/**
 * The chart's SQL: the aggregation the chart draws, so a chart over millions of rows ships
 * one row per mark. Histograms bin in SQL over the column's range ([lo, hi] in `bins` equal
 * bins, the maximum in the last).
 */
export function chartSql(spec: ChartSpec): string {
  const src = quoteIdent(spec.source);
  const dims = (extra: string[]) => [...extra, ...(spec.fill ? [`${quoteIdent(spec.fill)} AS fill`] : []), ...(spec.facet ? [`${quoteIdent(spec.facet)} AS facet`] : [])];
  if (spec.mark === 'histogram') {
    const x = quoteIdent(spec.x);
    const bin = `least(${spec.bins - 1}, floor((${x} - r.lo) / nullif((r.hi - r.lo) / ${spec.bins}, 0)))::INTEGER`;
    return `WITH r AS (SELECT min(${x})::DOUBLE AS lo, max(${x})::DOUBLE AS hi FROM ${src})
SELECT coalesce(${bin}, 0) AS bin, any_value(r.lo + coalesce(${bin}, 0) * (r.hi - r.lo) / ${spec.bins}) AS x1,
       any_value(r.lo + (coalesce(${bin}, 0) + 1) * (r.hi - r.lo) / ${spec.bins}) AS x2, ${dims([]).map((d) => `${d}, `).join('')}${aggregateSql(spec.value)}::DOUBLE AS y
FROM ${src}, r WHERE ${x} IS NOT NULL GROUP BY ALL ORDER BY ALL`;
  }
  if (spec.mark === 'heatmap') {
    return `SELECT ${[`CAST(${quoteIdent(spec.x)} AS VARCHAR) AS x`, `CAST(${quoteIdent(spec.y as string)} AS VARCHAR) AS y`, ...dims([])].join(', ')}, ${aggregateSql(spec.value)}::DOUBLE AS value
FROM ${src} GROUP BY ALL ORDER BY ALL`;
  }
  return `SELECT ${dims([`${quoteIdent(spec.x)} AS x`]).join(', ')}, ${aggregateSql(spec.y as ChartAggregate)}::DOUBLE AS y
FROM ${src} GROUP BY ALL ORDER BY ALL`;
}

/** Rows a chart may carry (and a snapshot embed). */
export const CHART_MAX_ROWS = 5_000;

/** The keys of a `chart` cell's spec. */
export const CHART_SCHEMA: SpecSchema = {
  source: { role: 'relation', required: true, doc: 'the source or cell to chart' },
  mark: { role: 'enum', values: MARKS, doc: 'the kind of chart (bar)' },
  x: { role: 'column', required: true, hint: 'label', doc: 'the column on the x axis (binned for a histogram)' },
  y: { role: 'text', doc: 'an aggregate: count, count_distinct(col), sum(col), mean(col), median(col), min(col), max(col); a heatmap’s row column' },
  value: { role: 'text', doc: 'heatmap and histogram: the aggregate shaded or counted (count)' },
  fill: { role: 'column', doc: 'a column whose values become coloured series' },
  facet: { role: 'column', doc: 'a column whose values become small multiples' },
  bins: { role: 'number', doc: 'histogram bins (20)' },
  title: { role: 'text', doc: 'the chart’s title' },
  scheme: { role: 'text', doc: 'an Observable Plot colour scheme' },
  limit: { role: 'number', doc: 'the most marks the chart may draw (200); more is an error' },
};

/**
 * `chart` — an Observable Plot chart from a YAML spec over a source or cell: bars, dots,
 * lines, areas, histograms, heatmaps, with a series colour and small multiples. DuckDB does
 * the aggregation; only what is drawn comes back.
 */
export const chartCell: CellKind<ChartSpec> = {
  kind: 'chart',
  description: 'A chart (Observable Plot) of an aggregate: bars, lines, dots, histogram, heatmap',
  schema: CHART_SCHEMA,
  template: 'source: batch\nmark: bar\nx: label\ny: count',
  parse(body) {
    const y = new YamlSpec(body, CHART_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const mark = y.choice('mark', MARKS, 'bar');
    const yText = y.text('y');
    const valueText = y.text('value');
    const spec: ChartSpec = {
      source: y.text('source', true),
      mark,
      x: y.text('x', true),
      y: { fn: 'count', column: null },
      value: { fn: 'count', column: null },
      bins: y.number('bins', 20, 1, 500),
      limit: y.number('limit', 200, 1, CHART_MAX_ROWS),
    };
    if (mark === 'heatmap') {
      if (!yText) y.problem('y', 'a heatmap needs y: the column of its rows');
      else spec.y = yText;
    } else if (mark === 'histogram') {
      if (yText) y.problem('y', 'a histogram counts rows per bin; use value: for another aggregate');
    } else if (yText) {
      const agg = parseAggregate(yText);
      if (!agg) y.problem('y', 'must be an aggregate: count, count_distinct(col), sum(col), mean(col), median(col), min(col) or max(col)');
      else spec.y = agg;
    }
    if (valueText) {
      const agg = parseAggregate(valueText);
      if (!agg) y.problem('value', 'must be an aggregate such as count or mean(col)');
      else if (mark !== 'heatmap' && mark !== 'histogram') y.problem('value', 'only heatmaps and histograms take value: (use y:)');
      else spec.value = agg;
    }
    if (!Number.isInteger(spec.bins)) y.problem('bins', 'must be a whole number');
    for (const k of ['fill', 'facet', 'title', 'scheme'] as const) {
      const v = y.text(k);
      if (v) spec[k] = v;
    }
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : spec, diagnostics: y.diagnostics };
  },
  references(spec) {
    return [spec.source.toLowerCase()];
  },
  async run(spec, ctx) {
    const columns = new Map((await describeColumns(ctx.query, spec.source)).map((c) => [c.name, c.type]));
    const used = [spec.x, typeof spec.y === 'string' ? spec.y : spec.y.column, spec.value.column, spec.fill, spec.facet].filter((c): c is string => !!c);
    for (const c of used) if (!columns.has(c)) throw new AssayError('input', `${spec.source} has no column ${c}`, { subject: ctx.name });
    if (spec.mark === 'histogram' && !/INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i.test(columns.get(spec.x) ?? '')) {
      throw new AssayError('input', `a histogram needs a numeric x; ${spec.x} is ${columns.get(spec.x)}`, { subject: ctx.name });
    }
    const sql = chartSql(spec);
    const count = Number((await ctx.query(`SELECT count(*) AS n FROM (${sql})`)).get(0)!.toJSON().n);
    if (count > spec.limit) {
      throw new AssayError('input', `the chart would draw ${count.toLocaleString('en-US')} marks, more than its limit of ${spec.limit} (raise limit:, or chart fewer groups)`, { subject: ctx.name });
    }
    const rows = tableToJsonRows(await ctx.query(sql)) as Record<string, JsonScalar>[];
    const xType = columns.get(spec.x) ?? '';
    return {
      table: null,
      result: {
        mark: spec.mark,
        title: spec.title ?? null,
        x: spec.x,
        x_kind: spec.mark === 'histogram' || /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i.test(xType) ? 'numeric' : /DATE|TIME/i.test(xType) ? 'temporal' : 'categorical',
        y: typeof spec.y === 'string' ? spec.y : aggregateLabel(spec.y),
        value: spec.mark === 'heatmap' || spec.mark === 'histogram' ? aggregateLabel(spec.value) : null,
        fill: spec.fill ?? null,
        facet: spec.facet ?? null,
        scheme: spec.scheme ?? null,
        // Each row is one mark: x (or x1, x2 for bins), y or value, and fill / facet when set.
        rows: spec.mark === 'histogram' ? rows.map(({ bin: _bin, ...r }) => r) : rows,
      },
    };
  },
};
