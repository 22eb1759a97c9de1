/**
 * The one-sided Kolmogorov–Smirnov survival function P(D⁺ₙ ≥ x) for a sample of n (SciPy's
 * `scipy.special.smirnov`), which the two-sided finite-n distribution needs where
 * 2·P(D⁺ₙ ≥ x) is exact (x ≥ 0.5) or as close as SciPy takes it to be (large n·x²).
 *
 * The Birnbaum–Tingey sum P = x Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (1 − x − v/n)^(n−v) (x + v/n)^(v−1),
 * each term in log space so that neither the binomial nor the powers overflow; all terms are
 * positive, so plain doubles keep about 12 significant digits (SciPy uses double-double).
 * SciPy's "upper sum" alternative is only chosen for x ≤ 0.5/√n, which the two-sided callers
 * never pass; the lower sum is the same quantity there, only less accurate, so it is used for
 * every x. Above n = 10⁶ SciPy switches to the approximation e^(−(6nx+1)²/(18n)); so does this.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && Number.isInteger(n) && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  let nxfl = Math.floor(nx);
  let alpha = nx - nxfl;
  if (alpha === 1) {
    nxfl += 1;
    alpha = 0;
  }
  // Terms v = 0 … ⌈n(1 − x)⌉ − 1: when n·x is an integer the last one, with its power of 0, is left out.
  const lastV = n - nxfl - 1;
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return 1 - x * Math.pow(1 + x, n - 1);
  if (-2 * n * x * x < MINLOG) return 0;
  if (nxfl >= n - 1) return Math.pow(1 - x, n);
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -Math.pow(6 * n * x + 1, 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  const nTerms = lastV + 1;
  const vmid = Math.floor(n / 2);
  let logC = 0;
  let sum = 0;
  for (let v = 0; v < nTerms; v++) {
    const t2x = (n - v) / n - x;
    const t1x = v / n + x;
    const a = Math.exp(logC + (n - v) * Math.log(t2x) + (v - 1) * Math.log(t1x));
    if (Number.isFinite(a)) sum += a;
    // SciPy's early stop: the remaining terms cannot change the sum in the last bit.
    if (a > 0) {
      if (4 * (nTerms - v) * a < Number.EPSILON * sum && v !== nTerms - 1) break;
    } else if (v > vmid) break;
    logC += Math.log((n - v) / (v + 1));
  }
  return Math.min(1, Math.max(0, x * sum));
}

/** Cephes' MINLOG, ln(2⁻¹⁰⁷⁵): below it e^y underflows a double. */
const MINLOG = -7.451332191019412076235e2;
/** Above this n SciPy's smirnov uses an approximation rather than the sum. */
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;
