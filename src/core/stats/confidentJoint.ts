/**
 * Confident learning's arithmetic over the small aggregates DuckDB returns (per-class counts
 * and means, the K×K confident joint), as cleanlab 2.x does it with NumPy: the same operations
 * in the same order, NumPy's pairwise summation and round-half-to-even included, so the integer
 * matrices that decide which rows are pruned come out identical.
 */

/** cleanlab's CONFIDENT_THRESHOLDS_LOWER_BOUND (2 × FLOATING_POINT_COMPARISON). */
export const THRESHOLD_LOWER_BOUND = 2e-6;
/** The threshold of a class no row is given: no probability reaches it. */
export const ABSENT_CLASS_THRESHOLD = 2;
/** cleanlab's FLOATING_POINT_COMPARISON: the slack of threshold tests and of the argmax that keeps rows. */
export const FLOATING_POINT_COMPARISON = 1e-6;

/**
 * Per-class thresholds from each class's mean self-confidence (the mean of p[k] over the rows
 * given k), clipped from below at 2e-6; a class nobody is given gets 2.
 */
export function confidentThresholds(means: readonly (number | null)[]): number[] {
  return means.map((m) => (m === null ? ABSENT_CLASS_THRESHOLD : Math.max(m, THRESHOLD_LOWER_BOUND)));
}

/**
 * The sum NumPy's `add.reduce` computes over a contiguous float64 array: sequential under 8
 * values, eight interleaved partial sums up to 128, halves recursively above (pairwise_sum).
 */
export function numpySum(a: readonly number[], start = 0, n = a.length): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[start + i]!;
    return s;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => a[start + j]!);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[start + i + j]!;
    let s = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) s += a[start + i]!;
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(a, start, n2) + numpySum(a, start + n2, n - n2);
}

/** NumPy's `round`: to the nearest integer, halves to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * cleanlab's `round_preserving_sum`: round each value, then move the rounded sum to the
 * rounded total by adding ±1 to the values whose rounding lost (or gained) the most. Among
 * equal rounding errors NumPy's argsort (insertion sort for K ≤ 16: stable) is reversed for +1,
 * so the later class is raised first.
 */
export function roundPreservingSum(values: readonly number[]): number[] {
  const ints = values.map(roundHalfEven);
  const origSum = roundHalfEven(numpySum(values));
  let intSum = roundHalfEven(numpySum(ints));
  while (Math.abs(intSum - origSum) > FLOATING_POINT_COMPARISON) {
    const diff = roundHalfEven(origSum - intSum);
    const increment = diff < 0 ? -1 : 1;
    const changes = Math.min(Math.trunc(Math.abs(diff)), values.length);
    const err = values.map((v, i) => v - ints[i]!);
    const order = err.map((_, i) => i).sort((a, b) => err[a]! - err[b]! || a - b);
    if (increment === 1) order.reverse();
    for (const i of order.slice(0, changes)) ints[i]! += increment;
    intSum = roundHalfEven(numpySum(ints));
  }
  return ints;
}

/** `round_preserving_sum` on every row. */
export function roundPreservingRowTotals(m: readonly (readonly number[])[]): number[][] {
  return m.map((row) => roundPreservingSum(row));
}

/**
 * cleanlab's `calibrate_confident_joint`: each row (given label) scaled to that label's count,
 * the whole scaled to the number of rows, then rounded keeping row totals. The input is the
 * raw joint with its diagonal already raised to at least 1, as `compute_confident_joint` does.
 */
export function calibrateConfidentJoint(joint: readonly (readonly number[])[], labelCounts: readonly number[]): number[][] {
  const scaled = joint.map((row, i) => {
    const rowSum = Math.max(numpySum(row), 1e-100);
    return row.map((v) => (v / rowSum) * labelCounts[i]!);
  });
  // NumPy sums the whole matrix in memory order, and after `.T` that is column by column.
  const total = Math.max(numpySum(scaled[0]!.flatMap((_, j) => scaled.map((row) => row[j]!))), 1e-100);
  const n = numpySum(labelCounts);
  return roundPreservingRowTotals(scaled.map((row) => row.map((v) => (v / total) * n)));
}

/** The raw confident joint with its diagonal raised to at least 1 (before calibration). */
export function clipDiagonal(joint: readonly (readonly number[])[]): number[][] {
  return joint.map((row, i) => row.map((v, j) => (i === j ? Math.max(v, 1) : v)));
}

/**
 * cleanlab's `_keep_at_least_n_per_class` with `_reduce_prune_counts`, over the transposed
 * calibrated joint: M[j][k] is how many rows given k to prune towards j, M[k][k] how many to
 * keep. Column k's diagonal is raised to at least n, the rise taken evenly from the column's
 * other non-zero cells (floored at 0); then `frac_noise` scales the off-diagonal (the rest goes
 * to the diagonal) and the cells are truncated to integers.
 */
export function pruneCountMatrix(calibrated: readonly (readonly number[])[], n: number, fracNoise: number): number[][] {
  const k = calibrated.length;
  const m = calibrated.map((_, i) => calibrated.map((row) => row[i]!)); // transpose
  const diag = m.map((row, i) => row[i]!);
  const newDiag = diag.map((d) => Math.max(d, n));
  const diffPerCol = newDiag.map((d, j) => d - diag[j]!);
  const nonZeroPerCol = diag.map((_, j) => Math.max(m.reduce((c, row) => c + (row[j] !== 0 ? 1 : 0), 0) - 1, 1));
  const adjusted = m.map((row, i) => row.map((v, j) => (i === j ? newDiag[j]! : Math.max(v - diffPerCol[j]! / nonZeroPerCol[j]!, 0))));
  const reduced = adjusted.map((row) => row.map((v) => v * fracNoise));
  for (let j = 0; j < k; j++) {
    reduced[j]![j] = adjusted[j]![j]!;
    // A sum over axis 0 accumulates row after row (no pairwise blocks).
    const lost = adjusted.reduce((s, row, i) => s + (row[j]! - reduced[i]![j]!), 0);
    reduced[j]![j] = adjusted[j]![j]! + lost;
  }
  return roundPreservingRowTotals(reduced.map((row) => row.map((v) => Math.trunc(v))));
}

/** Per given class, the estimated share of its rows whose true label is another class; and overall. */
export function noiseRates(calibrated: readonly (readonly number[])[], labelCounts: readonly number[]): { perClass: (number | null)[]; overall: number | null } {
  const perClass = calibrated.map((row, i) => (labelCounts[i]! > 0 ? 1 - row[i]! / numpySum(row) : null));
  const total = numpySum(calibrated.flat());
  const trace = calibrated.reduce((s, row, i) => s + row[i]!, 0);
  return { perClass, overall: total > 0 ? 1 - trace / total : null };
}
