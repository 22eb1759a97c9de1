/** A decimal number as DuckDB prints one when it casts a numeric value to text. */
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The order of class labels everywhere they are listed (confusion, drift, sample, agreement,
 * review): labels that read as numbers by value, before all others, which follow in code-unit
 * order (as NumPy sorts strings). Labels reach the statistics as text (cast in SQL), so an
 * integer column's classes would otherwise sort "10" before "2"; numbers by value is also what
 * scikit-learn's `unique_labels` gives for an integer column. Equal values written differently
 * ("1", "1.0") fall back to code-unit order, so the order is total and the same on every run.
 */
export function labelOrder(a: string, b: string): number {
  const na = NUMERIC.test(a) ? Number(a) : Number.NaN;
  const nb = NUMERIC.test(b) ? Number(b) : Number.NaN;
  const aNum = Number.isFinite(na);
  const bNum = Number.isFinite(nb);
  if (aNum && bNum && na !== nb) return na < nb ? -1 : 1;
  if (aNum !== bNum) return aNum ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `labelOrder` with NULL (a missing label) after every label. */
export function labelOrderNullsLast(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return labelOrder(a, b);
}
