import { escapeHtml } from '../markdown';
import { labelText } from '../format/displayLabel';
import { seriesColor, seriesDomain } from '../format/palette';
import { tickLabels } from '../format/numberFormat';
import type { ChartMark } from '../cells/chartCell';

/** A chart cell's result: what it draws, one row per mark. */
export interface ChartResult {
  mark: ChartMark;
  title: string | null;
  x: string;
  x_kind: 'categorical' | 'numeric' | 'temporal';
  y: string;
  value: string | null;
  fill: string | null;
  facet: string | null;
  scheme: string | null;
  rows: Record<string, string | number | boolean | null>[];
}

/** The first series colour: a chart without series is drawn in it, as in the app. */
const PRIMARY = seriesColor(0);
const W = 640;
const H = 220;
const M = { top: 12, right: 12, bottom: 46, left: 56 };

const e = escapeHtml;
const label = (v: unknown) => labelText(v);
const fmt = (v: number) => (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2));

/** Round tick values covering [lo, hi] (about `count` of them), the way d3's ticks picks steps. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function yAxis(lo: number, hi: number, y: (v: number) => number): string {
  const ticks = niceTicks(lo, hi);
  const labels = tickLabels(ticks);
  return ticks
    .map((t, i) => `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e5e7eb"/><text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${labels[i]}</text>`)
    .join('');
}

/** One panel (a facet, or the whole chart) as an SVG element. */
function panel(r: ChartResult, rows: ChartResult['rows'], series: string[]): string {
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const color = (f: unknown) => (r.fill ? seriesColor(series.indexOf(label(f))) : PRIMARY);
  const parts: string[] = [];
  if (r.mark === 'heatmap') {
    const xs = [...new Set(rows.map((d) => label(d.x)))];
    const ys = [...new Set(rows.map((d) => label(d.y)))];
    const max = Math.max(1e-12, ...rows.map((d) => Number(d.value)));
    const cw = iw / Math.max(1, xs.length);
    const ch = ih / Math.max(1, ys.length);
    for (const d of rows) {
      const x = M.left + xs.indexOf(label(d.x)) * cw;
      const y = M.top + ys.indexOf(label(d.y)) * ch;
      const a = Number(d.value) / max;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(cw - 1).toFixed(1)}" height="${(ch - 1).toFixed(1)}" fill="rgba(37,99,235,${a.toFixed(3)})"><title>${e(label(d.x))} × ${e(label(d.y))}: ${fmt(Number(d.value))}</title></rect>`);
      parts.push(`<text x="${(x + cw / 2).toFixed(1)}" y="${(y + ch / 2 + 4).toFixed(1)}" text-anchor="middle" fill="${a > 0.55 ? '#fff' : '#1d2329'}">${fmt(Number(d.value))}</text>`);
    }
    xs.forEach((v, i) => parts.push(`<text x="${(M.left + (i + 0.5) * cw).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${e(v)}</text>`));
    ys.forEach((v, i) => parts.push(`<text x="${M.left - 6}" y="${(M.top + (i + 0.5) * ch + 4).toFixed(1)}" text-anchor="end">${e(v)}</text>`));
    return svg(parts, r, `${r.value} by ${r.x} and ${r.y}`);
  }
  if (r.mark === 'histogram') {
    const lo = Math.min(...rows.map((d) => Number(d.x1)));
    const hi = Math.max(...rows.map((d) => Number(d.x2)));
    const top = Math.max(1e-12, ...stackTotals(rows, (d) => `${d.x1}`));
    const x = (v: number) => M.left + ((v - lo) / Math.max(1e-12, hi - lo)) * iw;
    const y = (v: number) => M.top + ih - (v / top) * ih;
    parts.push(yAxis(0, top, y));
    const base = new Map<string, number>();
    for (const d of rows) {
      const k = `${d.x1}`;
      const b = base.get(k) ?? 0;
      base.set(k, b + Number(d.y));
      parts.push(`<rect x="${x(Number(d.x1)).toFixed(1)}" y="${y(b + Number(d.y)).toFixed(1)}" width="${Math.max(0.5, x(Number(d.x2)) - x(Number(d.x1)) - 1).toFixed(1)}" height="${(y(b) - y(b + Number(d.y))).toFixed(1)}" fill="${color(d.fill)}"><title>${fmt(Number(d.x1))}–${fmt(Number(d.x2))}: ${fmt(Number(d.y))}</title></rect>`);
    }
    const xt = niceTicks(lo, hi);
    const xl = tickLabels(xt);
    xt.forEach((t, i) => parts.push(`<text x="${x(t).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${xl[i]}</text>`));
    return svg(parts, r, `${r.value} per bin of ${r.x}`);
  }
  const numericX = r.x_kind !== 'categorical' && r.mark !== 'bar';
  const xs = [...new Set(rows.map((d) => label(d.x)))];
  const nums = rows.map((d) => Number(d.x));
  const xlo = Math.min(...nums);
  const xhi = Math.max(...nums);
  const band = iw / Math.max(1, xs.length);
  const xAt = (d: ChartResult['rows'][number]) => (numericX ? M.left + ((Number(d.x) - xlo) / Math.max(1e-12, xhi - xlo)) * iw : M.left + (xs.indexOf(label(d.x)) + 0.5) * band);
  const stacked = r.mark === 'bar' || r.mark === 'area';
  const values = stacked ? stackTotals(rows, (d) => label(d.x)) : rows.map((d) => Number(d.y));
  const lo = Math.min(0, ...values);
  const hi = Math.max(1e-12, ...values);
  const y = (v: number) => M.top + ih - ((v - lo) / (hi - lo)) * ih;
  parts.push(yAxis(lo, hi, y));
  if (r.mark === 'bar') {
    const base = new Map<string, number>();
    for (const d of rows) {
      const k = label(d.x);
      const b = base.get(k) ?? 0;
      base.set(k, b + Number(d.y));
      parts.push(`<rect x="${(xAt(d) - band * 0.4).toFixed(1)}" y="${y(b + Number(d.y)).toFixed(1)}" width="${(band * 0.8).toFixed(1)}" height="${(y(b) - y(b + Number(d.y))).toFixed(1)}" fill="${color(d.fill)}"><title>${e(k)}${r.fill ? ` · ${e(label(d.fill))}` : ''}: ${fmt(Number(d.y))}</title></rect>`);
    }
  } else {
    const bySeries = new Map<string, ChartResult['rows']>();
    for (const d of rows) bySeries.set(label(d.fill), [...(bySeries.get(label(d.fill)) ?? []), d]);
    for (const [, ds] of bySeries) {
      const points = ds.map((d) => `${xAt(d).toFixed(1)},${y(Number(d.y)).toFixed(1)}`);
      const c = color(ds[0]!.fill);
      if (r.mark === 'line') parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${c}" stroke-width="1.5"/>`);
      if (r.mark === 'area') parts.push(`<polygon points="${xAt(ds[0]!).toFixed(1)},${y(0).toFixed(1)} ${points.join(' ')} ${xAt(ds[ds.length - 1]!).toFixed(1)},${y(0).toFixed(1)}" fill="${c}" fill-opacity="0.6"/>`);
      for (const d of ds) parts.push(`<circle cx="${xAt(d).toFixed(1)}" cy="${y(Number(d.y)).toFixed(1)}" r="${r.mark === 'dot' ? 3.5 : 2}" fill="${c}"><title>${e(label(d.x))}: ${fmt(Number(d.y))}</title></circle>`);
    }
  }
  if (numericX) {
    const xt = niceTicks(xlo, xhi);
    const xl = tickLabels(xt);
    xt.forEach((t, i) => parts.push(`<text x="${(M.left + ((t - xlo) / Math.max(1e-12, xhi - xlo)) * iw).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${xl[i]}</text>`));
  }
  else {
    const every = Math.ceil(xs.length / 24);
    xs.forEach((v, i) => {
      if (i % every === 0) parts.push(`<text x="${(M.left + (i + 0.5) * band).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${e(v.length > 14 ? `${v.slice(0, 13)}…` : v)}</text>`);
    });
  }
  return svg(parts, r, `${r.y} by ${r.x}`);
}

function stackTotals(rows: ChartResult['rows'], key: (d: ChartResult['rows'][number]) => string): number[] {
  const totals = new Map<string, number>();
  for (const d of rows) totals.set(key(d), (totals.get(key(d)) ?? 0) + Number(d.y));
  return [...totals.values()];
}

function svg(parts: string[], r: ChartResult, aria: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${e(aria)}" font-family="system-ui,sans-serif" font-size="10" fill="#1d2329">${parts.join('')}<text x="${M.left + (W - M.left - M.right) / 2}" y="${H - 6}" text-anchor="middle" fill="#4b5563">${e(r.x)}</text></svg>`;
}

/**
 * A chart cell's result as static SVG (no script), for snapshots and readouts printed without
 * the app: stacked bars, dots, lines, areas, histograms and heatmaps, one panel per facet and
 * a legend for the series. It draws from the aggregated rows only.
 */
export function svgChart(r: ChartResult): string {
  const series = r.fill ? seriesDomain(r.rows.map((d) => d.fill)) : [];
  const legend = series.length
    ? `<p class="legend">${e(r.fill!)}: ${series.map((s, i) => `<span style="color:${seriesColor(i)}">■</span> ${e(s)}`).join(' ')}</p>`
    : '';
  const title = r.title ? `<h4>${e(r.title)}</h4>` : '';
  if (!r.facet) return `${title}<figure class="chart">${panel(r, r.rows, series)}</figure>${legend}`;
  const facets = [...new Set(r.rows.map((d) => label(d.facet)))];
  return `${title}${facets.map((f) => `<figure class="chart"><figcaption>${e(r.facet!)} = ${e(f)}</figcaption>${panel(r, r.rows.filter((d) => label(d.facet) === f), series)}</figure>`).join('')}${legend}`;
}

/** A trend cell's result as the snapshot draws it (see `$defs/trend` in results.schema.json). */
export interface TrendResult {
  over: 'runs' | 'versions';
  metrics: { metric: string; label: string; threshold: { min: number | null; max: number | null } }[];
  points: {
    metric: string;
    index: number;
    version: string | null;
    ran_at: string | null;
    current: boolean;
    notebook_changed: boolean;
    value: number | null;
    flagged: boolean;
    beyond_threshold: boolean;
  }[];
}

/** The x label of a trend point: its version, or its run's time (this run: "this run"). */
export function trendPointLabel(p: TrendResult['points'][number]): string {
  if (p.version !== null) return p.version;
  if (p.current) return 'this run';
  return p.ran_at ? p.ran_at.slice(0, 16).replace('T', ' ') : `run ${p.index + 1}`;
}

/**
 * One static line chart per metric of a trend cell: the values over runs or versions, the
 * threshold lines dashed, flagged points as red rings, points of another notebook text
 * hollow. No script; drawn from the points only.
 */
export function svgTrend(r: TrendResult): string {
  return r.metrics
    .map((m) => {
      const pts = r.points.filter((p) => p.metric === m.metric);
      const iw = W - M.left - M.right;
      const ih = H - M.top - M.bottom;
      const values = pts.flatMap((p) => (p.value === null ? [] : [p.value]));
      const lines = [m.threshold.min, m.threshold.max].filter((t): t is number => t !== null);
      const all = [...values, ...lines];
      let lo = all.length ? Math.min(...all) : 0;
      let hi = all.length ? Math.max(...all) : 1;
      if (lo >= 0 && lo < (hi - lo) * 0.5) lo = 0;
      if (!(hi > lo)) [lo, hi] = [lo - Math.abs(lo || 1) * 0.1, hi + Math.abs(hi || 1) * 0.1];
      const band = iw / Math.max(1, pts.length);
      const x = (i: number) => M.left + (i + 0.5) * band;
      const y = (v: number) => M.top + ih - ((v - lo) / (hi - lo)) * ih;
      // Shares differ in the third decimal: tick labels carry as many decimals as their step.
      const ticks = niceTicks(lo, hi);
      const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
      const decimals = Math.min(8, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
      const parts = ticks.map(
        (t) => `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e5e7eb"/><text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t.toFixed(decimals)}</text>`,
      );
      for (const t of lines) parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#b42318" stroke-dasharray="5 4"/><text x="${W - M.right}" y="${(y(t) - 3).toFixed(1)}" text-anchor="end" fill="#b42318">threshold ${fmt(t)}</text>`);
      // Segments join consecutive points with a value; a missing value breaks the line.
      let run: string[] = [];
      const flush = () => {
        if (run.length > 1) parts.push(`<polyline points="${run.join(' ')}" fill="none" stroke="${PRIMARY}" stroke-width="1.5"/>`);
        run = [];
      };
      pts.forEach((p, i) => (p.value === null ? flush() : run.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`)));
      flush();
      pts.forEach((p, i) => {
        if (p.value === null) return;
        const tip = `<title>${e(trendPointLabel(p))}: ${fmt(p.value)}${p.flagged ? ' — flagged' : ''}${p.beyond_threshold ? ' — beyond the threshold' : ''}${p.notebook_changed ? ' — another notebook text' : ''}</title>`;
        parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="${p.notebook_changed ? '#fff' : PRIMARY}" stroke="${PRIMARY}">${tip}</circle>`);
        if (p.flagged) parts.push(`<circle class="flagged" cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="7" fill="none" stroke="#d92d20" stroke-width="2">${tip}</circle>`);
      });
      const every = Math.ceil(pts.length / 12);
      pts.forEach((p, i) => {
        if (i % every === 0) parts.push(`<text x="${x(i).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${e(trendPointLabel(p))}</text>`);
      });
      const svgText = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${e(`${m.label} over ${r.over}`)}" font-family="system-ui,sans-serif" font-size="10" fill="#1d2329">${parts.join('')}<text x="${M.left + iw / 2}" y="${H - 6}" text-anchor="middle" fill="#4b5563">${r.over === 'versions' ? 'dataset version' : 'run'}</text></svg>`;
      return `<h4>${e(m.label)}</h4><figure class="chart trend">${svgText}</figure>`;
    })
    .join('');
}
