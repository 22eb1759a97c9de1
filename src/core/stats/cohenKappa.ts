/** Kappa weighting: none (unweighted), linear |i-j|, quadratic (i-j)^2 — scikit-learn's `weights`. */
export type KappaWeights = 'none' | 'linear' | 'quadratic';

/**
 * Cohen's kappa of a square count matrix (rows = first rater, columns = second), as
 * scikit-learn's cohen_kappa_score: 1 - sum(w*O) / sum(w*E) with E the outer product of the
 * margins over n. Ordinal weights use the class order of the matrix. NaN when undefined
 * (no data, or a single class on both sides).
 */
export function cohenKappa(matrix: readonly (readonly number[])[], weights: KappaWeights = 'none'): number {
  const k = matrix.length;
  let n = 0;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = matrix[i]![j]!;
      n += v;
      rows[i]! += v;
      cols[j]! += v;
    }
  }
  if (n === 0) return Number.NaN;
  const w = (i: number, j: number) => (weights === 'none' ? (i === j ? 0 : 1) : weights === 'linear' ? Math.abs(i - j) : (i - j) ** 2);
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const wij = w(i, j);
      if (wij === 0) continue;
      observed += wij * matrix[i]![j]!;
      expected += (wij * rows[i]! * cols[j]!) / n;
    }
  }
  return expected === 0 ? Number.NaN : 1 - observed / expected;
}
