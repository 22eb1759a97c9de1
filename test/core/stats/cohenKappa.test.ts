import { describe, expect, test } from 'vitest';
import { cohenKappa } from '../../../src/core/stats/cohenKappa';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("Cohen's kappa", () => {
  // The SAS example used by statsmodels (table10); exact values worked in test/reference/agreement_reference.py
  // and by hand: p_o = 13/19, p_e = 140/361, kappa = 107/221 (SAS prints 0.4842; linear 0.4701).
  const table10 = [
    [0, 4, 1],
    [0, 8, 0],
    [0, 1, 5],
  ];
  test('unweighted, linear and quadratic weights on the SAS example', () => {
    expect(rel(cohenKappa(table10), 107 / 221)).toBeLessThan(1e-12);
    expect(rel(cohenKappa(table10, 'linear'), 118 / 251)).toBeLessThan(1e-12);
    expect(rel(cohenKappa(table10, 'quadratic'), 140 / 311)).toBeLessThan(1e-12);
  });

  test("R irr's kappa2 on the anxiety data (raters 2 and 3, classes 1,2,3,4,6)", () => {
    const r2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4];
    const r3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2];
    const classes = [1, 2, 3, 4, 6];
    const m = classes.map(() => classes.map(() => 0));
    r2.forEach((a, i) => m[classes.indexOf(a)]![classes.indexOf(r3[i]!)]!++);
    // Published to 7 significant digits by R's irr package (statsmodels' test_inter_rater.py).
    expect(cohenKappa(m)).toBeCloseTo(-0.006289308, 8);
    expect(cohenKappa(m, 'linear')).toBeCloseTo(0.1459075, 7);
    expect(cohenKappa(m, 'quadratic')).toBeCloseTo(0.2520325, 7);
  });

  test('Wikipedia: 50 proposals, yes/no: p_o = 0.7, p_e = 0.5, kappa = 0.4', () => {
    expect(rel(cohenKappa([[20, 5], [10, 15]]), 0.4)).toBeLessThan(1e-12);
  });

  test('undefined cases are NaN, not a crash', () => {
    expect(cohenKappa([])).toBeNaN();
    expect(cohenKappa([[5]])).toBeNaN();
    expect(cohenKappa([[0, 0], [0, 0]])).toBeNaN();
  });
});
