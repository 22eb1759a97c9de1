import { labelOrderNullsLast } from './labelOrder';

/**
 * How many categories a result lists (drift bins, a sample's classes); the rest are summed into
 * one "other" bucket, so results and snapshots stay the same size at 20 or 200,000 classes.
 * The full table stays in DuckDB as a view.
 */
export const TOP_CATEGORIES = 50;

/**
 * The `n` rows of largest weight (ties: label order), listed in label order, and the rest.
 * Statistics are computed over all rows before this; only what is listed is cut.
 */
export function topCategories<T>(rows: readonly T[], weight: (r: T) => number, label: (r: T) => string | null, n = TOP_CATEGORIES): { kept: T[]; rest: T[] } {
  if (rows.length <= n) return { kept: [...rows], rest: [] };
  const ranked = rows.map((r, i) => ({ r, i })).sort((a, b) => weight(b.r) - weight(a.r) || labelOrderNullsLast(label(a.r), label(b.r)));
  const keep = new Set(ranked.slice(0, n).map((x) => x.i));
  return { kept: rows.filter((_, i) => keep.has(i)), rest: rows.filter((_, i) => !keep.has(i)) };
}

/** A list cut to its first `n` entries in label order, with how many there were. */
export function firstLabels<T extends string | null>(labels: readonly T[], n = TOP_CATEGORIES): { shown: T[]; count: number } {
  return { shown: labels.slice(0, n), count: labels.length };
}
