/**
 * Survival functions the drift tests need, in plain TypeScript (no SciPy in a browser).
 * Accurate to about 1e-12 over the range the tests use.
 */

/**
 * P(K > x) for the Kolmogorov distribution (SciPy's kstwobign.sf): the limiting distribution of
 * √n·D. Two series, each where it converges fast: Q(x) = 2 Σ (−1)^(k−1) e^(−2k²x²) for x ≥ 1,
 * and 1 − (√(2π)/x) Σ e^(−(2k−1)²π²/(8x²)) below.
 */
export function kolmogorovSf(x: number): number {
  if (!(x > 0)) return 1;
  if (x < 1) {
    let s = 0;
    for (let k = 1; k <= 50; k++) {
      const term = Math.exp(-((2 * k - 1) ** 2) * Math.PI ** 2 / (8 * x * x));
      s += term;
      if (term < 1e-300) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / x) * s;
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    s += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-300) break;
  }
  return Math.max(0, Math.min(1, 2 * s));
}

/** ln Γ(x) by the Lanczos approximation (g = 7, 9 terms). */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized upper incomplete gamma function Q(a, x): series below a + 1, continued fraction above. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }
  // Lentz's method for the continued fraction of Γ(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** P(X > x) for a chi-square variable with `dof` degrees of freedom (SciPy's chi2.sf). */
export function chiSquareSf(x: number, dof: number): number {
  if (dof <= 0) return Number.NaN;
  return gammaQ(dof / 2, x / 2);
}
