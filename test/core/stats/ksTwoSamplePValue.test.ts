import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { ksTwoSamplePValue } from '../../../src/core/stats/ksTwoSamplePValue';
import { kstwoSf } from '../../../src/core/stats/kstwoSf';
import { smirnovSf } from '../../../src/core/stats/smirnovSf';

/** Values from SciPy (test/reference/ks_reference.py, run with Debian's python3-scipy 1.10.1). */
const ref = JSON.parse(readFileSync(new URL('../../reference/ks_reference.json', import.meta.url), 'utf8')) as {
  scipy: string;
  pairs: { name: string; n1: number; n2: number; d: number; p: number }[];
  kstwo: { n: number; x: number; sf: number }[];
};
const relErr = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));

describe(`KS p-value as SciPy ${ref.scipy}'s ks_2samp (method='auto')`, () => {
  test.each(ref.pairs)('$name: n1 $n1, n2 $n2, D $d', ({ n1, n2, d, p }) => {
    expect(relErr(ksTwoSamplePValue(d, n1, n2), p)).toBeLessThan(1e-6);
    // Symmetric in the two samples, as the statistic is.
    expect(relErr(ksTwoSamplePValue(d, n2, n1), p)).toBeLessThan(1e-6);
  });
  test('D = 0 gives 1; an empty side gives NaN', () => {
    expect(ksTwoSamplePValue(0, 30, 40)).toBe(1);
    expect(ksTwoSamplePValue(0, 30000, 40000)).toBe(1);
    expect(ksTwoSamplePValue(0.2, 0, 40)).toBeNaN();
  });
  test('the exact and the finite-n p-values really differ near the switch (the switch is tested, not skipped)', () => {
    const exact = ref.pairs.find((r) => r.name.startsWith('exact edge 10000 vs 9999'))!;
    const bigN = kstwoSf(Math.round((10000 * 9999) / 19999), exact.d);
    expect(relErr(bigN, exact.p)).toBeGreaterThan(1e-4);
  });
});

describe(`kstwo.sf as SciPy ${ref.scipy}`, () => {
  test.each(ref.kstwo)('n $n, x $x', ({ n, x, sf }) => {
    expect(relErr(kstwoSf(n, x), sf)).toBeLessThan(1e-6);
  });
  test('one-sided smirnov at the closed forms: n = 1, x ≥ 1 − 1/n, and x ≤ 1/n', () => {
    expect(smirnovSf(1, 0.3)).toBeCloseTo(0.7, 15);
    expect(relErr(smirnovSf(10, 0.95), 0.05 ** 10)).toBeLessThan(1e-12);
    expect(relErr(smirnovSf(10, 0.05), 1 - 0.05 * 1.05 ** 9)).toBeLessThan(1e-12);
  });
});
