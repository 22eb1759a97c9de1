import { quoteIdent, quoteLiteral } from '../sql/quote';
import { chiSquareSf } from './distributions';

/** Floor for a bin's share in PSI, so an empty bin does not make the index infinite (DESIGN.md). */
export const PSI_FLOOR = 0.0001;

/** A numeric column's values from both sides, NULLs dropped, with which side each is from. */
function bothSides(baseline: string, current: string, column: string): string {
  const c = quoteIdent(column);
  return `SELECT ${c}::DOUBLE AS x, 1 AS b, 0 AS c FROM ${quoteIdent(baseline)} WHERE ${c} IS NOT NULL
  UNION ALL SELECT ${c}::DOUBLE, 0, 1 FROM ${quoteIdent(current)} WHERE ${c} IS NOT NULL`;
}

/**
 * SQL for the two-sample Kolmogorov–Smirnov statistic and the Wasserstein-1 distance of a
 * numeric column, computed where the data is: both empirical CDFs are evaluated at every
 * distinct value (ties included, right-continuous, as SciPy's ks_2samp); D is their largest
 * gap and W₁ the area between them. One row comes back: d, w1, n1, n2, and the range of both
 * samples together (lo, hi) for the overlaid histogram.
 */
export function ksWassersteinSql(baseline: string, current: string, column: string): string {
  return `WITH v AS (${bothSides(baseline, current, column)}),
n AS (SELECT sum(b)::DOUBLE AS n1, sum(c)::DOUBLE AS n2 FROM v),
g AS (SELECT x, sum(b)::DOUBLE AS nb, sum(c)::DOUBLE AS nc FROM v GROUP BY x),
f AS (SELECT x, sum(nb) OVER (ORDER BY x) / n1 AS fb, sum(nc) OVER (ORDER BY x) / n2 AS fc, lead(x) OVER (ORDER BY x) - x AS dx FROM g, n)
SELECT coalesce(max(abs(fb - fc)), 0) AS d, coalesce(sum(abs(fb - fc) * dx), 0) AS w1, any_value(n1) AS n1, any_value(n2) AS n2, min(x) AS lo, max(x) AS hi FROM f, n`;
}

/** SQL for the baseline's deciles 10 %…90 % (linear interpolation): the PSI bin edges before de-duplication. */
export function decileEdgesSql(baseline: string, column: string): string {
  return `SELECT quantile_cont(${quoteIdent(column)}::DOUBLE, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) AS q FROM ${quoteIdent(baseline)}`;
}

/** Edges sorted with duplicates dropped (DESIGN.md): heavy ties collapse bins rather than make empty ones. */
export function uniqueEdges(edges: readonly (number | null)[]): number[] {
  return [...new Set(edges.filter((e): e is number => e !== null && Number.isFinite(e)))].sort((a, b) => a - b);
}

/** SQL counting each side's values in the bins (−∞,e1], (e1,e2], …, (ek,+∞). */
export function binCountsSql(baseline: string, current: string, column: string, edges: readonly number[]): string {
  const bin = edges.length ? `CASE ${edges.map((e, i) => `WHEN x <= ${quoteLiteral(e)} THEN ${i}`).join(' ')} ELSE ${edges.length} END` : '0';
  return `SELECT ${bin} AS bin, sum(b)::DOUBLE AS baseline, sum(c)::DOUBLE AS current FROM (${bothSides(baseline, current, column)}) GROUP BY 1 ORDER BY 1`;
}

/** SQL for each category's count on both sides (NULL is a category of its own, apart from the text 'NULL'). */
export function categoryCountsSql(baseline: string, current: string, column: string): string {
  const c = quoteIdent(column);
  return `SELECT category, sum(b)::DOUBLE AS baseline, sum(c)::DOUBLE AS current FROM (
  SELECT CAST(${c} AS VARCHAR) AS category, 1 AS b, 0 AS c FROM ${quoteIdent(baseline)}
  UNION ALL SELECT CAST(${c} AS VARCHAR), 0, 1 FROM ${quoteIdent(current)}
) GROUP BY 1 ORDER BY 1`;
}

/** SQL for a common equal-width histogram of both sides (the overlaid distributions chart). */
export function overlaidHistogramSql(baseline: string, current: string, column: string, min: number, max: number, bins: number): string {
  const width = max > min ? (max - min) / bins : 1;
  return `SELECT least(${bins - 1}, floor((x - ${quoteLiteral(min)}) / ${quoteLiteral(width)}))::INTEGER AS bin, sum(b)::DOUBLE AS baseline, sum(c)::DOUBLE AS current
FROM (${bothSides(baseline, current, column)}) GROUP BY 1 ORDER BY 1`;
}

/** Shares of a count vector; all zero when the total is zero. */
function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
}

/** PSI = Σ (q − p)·ln(q/p) with shares floored at 0.0001 (p: baseline, q: current). */
export function psi(baseline: readonly number[], current: readonly number[]): number {
  const p = shares(baseline).map((x) => Math.max(x, PSI_FLOOR));
  const q = shares(current).map((x) => Math.max(x, PSI_FLOOR));
  return p.reduce((s, pi, i) => s + (q[i]! - pi) * Math.log(q[i]! / pi), 0);
}

/** Jensen–Shannon distance, base 2 (SciPy's jensenshannon(p, q, base=2)): √ of the divergence. */
export function jensenShannon(baseline: readonly number[], current: readonly number[]): number {
  const p = shares(baseline);
  const q = shares(current);
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    if (p[i]! > 0) d += 0.5 * p[i]! * Math.log2(p[i]! / m);
    if (q[i]! > 0) d += 0.5 * q[i]! * Math.log2(q[i]! / m);
  }
  return Math.sqrt(Math.max(0, d));
}

/** Chi-square test of homogeneity on the 2 × k table, no continuity correction. */
export function chiSquareHomogeneity(baseline: readonly number[], current: readonly number[]): { statistic: number; dof: number; pvalue: number } {
  const cols = baseline.map((b, i) => [b, current[i]!] as const).filter(([b, c]) => b + c > 0);
  const n1 = cols.reduce((s, [b]) => s + b, 0);
  const n2 = cols.reduce((s, [, c]) => s + c, 0);
  const n = n1 + n2;
  if (n1 === 0 || n2 === 0 || cols.length < 2) return { statistic: 0, dof: Math.max(0, cols.length - 1), pvalue: cols.length < 2 ? 1 : Number.NaN };
  let stat = 0;
  for (const [b, c] of cols) {
    const eb = ((b + c) * n1) / n;
    const ec = ((b + c) * n2) / n;
    stat += (b - eb) ** 2 / eb + (c - ec) ** 2 / ec;
  }
  const dof = cols.length - 1;
  return { statistic: stat, dof, pvalue: chiSquareSf(stat, dof) };
}
