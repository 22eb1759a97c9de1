import { labelOrderNullsLast } from '../stats/labelOrder';
import { labelText } from '../format/displayLabel';
import { escapeHtml } from '../markdown';

/** The two versions' colours, as the app's drift view draws them. */
export const DRIFT_COLORS = { baseline: '#94a3b8', current: '#2563eb' } as const;

/** What a drift column's result carries for drawing: the shared-edge histogram (numeric) or the bins (categorical). */
export interface DriftSparkInput {
  column: string;
  kind: 'numeric' | 'categorical' | string;
  histogram?: { x0: number; x1: number; baseline: number; current: number }[] | null;
  bins?: { bin: string | null; baseline_share: number; current_share: number }[] | null;
}

const W = 180;
const H = 40;
/** Categories drawn side by side, largest first; the rest are in the bin table. */
const MAX_CATEGORIES = 8;

/**
 * A small static SVG of one drift column for the snapshot: the two versions' histograms
 * overlaid (numeric) or their shares side by side per category (categorical), with a title
 * naming what it shows. Null when the result has nothing to draw.
 */
export function svgDriftSpark(c: DriftSparkInput): string | null {
  const title = `<title>${escapeHtml(c.column)}: baseline (grey) and current (blue) ${c.kind === 'numeric' ? 'distributions' : 'shares'}</title>`;
  if (c.kind === 'numeric' && c.histogram?.length) {
    const bins = c.histogram;
    const max = Math.max(1e-12, ...bins.flatMap((b) => [b.baseline, b.current]));
    const bw = W / bins.length;
    const bar = (v: number, i: number, color: string) => {
      const h = (v / max) * (H - 2);
      return h > 0 ? `<rect x="${(i * bw).toFixed(2)}" y="${(H - h).toFixed(2)}" width="${Math.max(0.5, bw - 0.5).toFixed(2)}" height="${h.toFixed(2)}" fill="${color}" fill-opacity="0.55"/>` : '';
    };
    const rects = bins.map((b, i) => bar(b.baseline, i, DRIFT_COLORS.baseline) + bar(b.current, i, DRIFT_COLORS.current)).join('');
    return `<svg class="spark" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img">${title}${rects}<line x1="0" x2="${W}" y1="${H - 0.5}" y2="${H - 0.5}" stroke="#9ca3af"/></svg>`;
  }
  if (c.bins?.length) {
    const bins = [...c.bins].sort((a, b) => Math.max(b.baseline_share, b.current_share) - Math.max(a.baseline_share, a.current_share) || labelOrderNullsLast(a.bin, b.bin)).slice(0, MAX_CATEGORIES);
    const max = Math.max(1e-12, ...bins.flatMap((b) => [b.baseline_share, b.current_share]));
    const gw = W / bins.length;
    const bw = Math.max(1, gw / 2 - 1);
    const rects = bins
      .map((b, i) => {
        const hb = (b.baseline_share / max) * (H - 2);
        const hc = (b.current_share / max) * (H - 2);
        return `<g><title>${escapeHtml(labelText(b.bin))}: ${(b.baseline_share * 100).toFixed(1)} % → ${(b.current_share * 100).toFixed(1)} %</title><rect x="${(i * gw).toFixed(2)}" y="${(H - hb).toFixed(2)}" width="${bw.toFixed(2)}" height="${hb.toFixed(2)}" fill="${DRIFT_COLORS.baseline}"/><rect x="${(i * gw + bw).toFixed(2)}" y="${(H - hc).toFixed(2)}" width="${bw.toFixed(2)}" height="${hc.toFixed(2)}" fill="${DRIFT_COLORS.current}"/></g>`;
      })
      .join('');
    return `<svg class="spark" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img">${title}${rects}</svg>`;
  }
  return null;
}
