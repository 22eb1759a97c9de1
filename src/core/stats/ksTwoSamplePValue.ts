import { kstwoSf } from './kstwoSf';

/** Above this larger sample size SciPy's `method='auto'` leaves the exact count for `kstwo`. */
export const KS_EXACT_MAX_N = 10000;

/**
 * The two-sided two-sample Kolmogorov–Smirnov p-value as SciPy's `ks_2samp(a, b)` computes it
 * by default (`method='auto'`, SciPy 1.10): the exact null distribution of D when both samples
 * have at most 10 000 values, otherwise `kstwo.sf(D, round(n₁n₂/(n₁+n₂)))`. It is a function of
 * (D, n₁, n₂) only, so D can come from SQL and only three numbers cross to here.
 *
 * The exact probability counts lattice paths from (0, 0) to (n₁, n₂) that leave the band
 * |x/n₁ − y/n₂| < D (Hodges 1958), with D first rounded to a multiple of 1/lcm(n₁, n₂) as SciPy
 * does: Viehmann's (2021) recursion, which carries the exit probability itself column by
 * column, for unequal sizes, and the alternating binomial sum in Horner form when n₁ = n₂.
 * When that is not a probability (rounding at extreme sizes), SciPy falls back to `kstwo`;
 * so does this.
 */
export function ksTwoSamplePValue(d: number, n1: number, n2: number): number {
  if (!(n1 > 0 && n2 > 0) || Number.isNaN(d)) return Number.NaN;
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const p = exactPValue(d, n1, n2);
    if (p >= 0 && p <= 1) return p;
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return Math.min(1, Math.max(0, kstwoSf(roundHalfEven(en), d)));
}

/** NumPy's `np.round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const r = x - f;
  if (r > 0.5) return f + 1;
  if (r < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** P(D ≥ d) under the null, exactly; NaN-free but possibly outside [0, 1] at extreme sizes. */
function exactPValue(d: number, n1: number, n2: number): number {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  if (h === 0) return 1;
  return n1 === n2 ? outsideSquare(n1, h) : outsideBand(n1, n2, g, h);
}

/**
 * n₁ = n₂ = n: P(D ≥ h/n) = 2 Σ_k (−1)^(k−1) C(2n, n − kh)/C(2n, n), evaluated as
 * 2·A₀(1 − A₁(1 − A₂(…))) where each ratio Aₖ has h simple factors (no cancellation).
 */
function outsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * The share of lattice paths from (0, 0) to (m, n) that touch |x·n/g − y·m/g| ≥ h, by one
 * sliding column of probabilities: A(i, j) is the chance that a random path to (i, j) has already
 * left the band, A = (i·A(i−1, j) + j·A(i, j−1))/(i + j) inside it and 1 outside.
 */
function outsideBand(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}
