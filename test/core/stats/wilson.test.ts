import { expect, test } from 'vitest';
import { wilsonInterval } from '../../../src/core/stats/wilson';

// Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
// methods", the score method without continuity correction, published to 4 decimals; and the
// same intervals from the formula in test/reference/agreement_reference.py to full precision.
const cases: [number, number, [number, number], [number, number]][] = [
  [81, 263, [0.2553, 0.3662], [0.2552885198782742, 0.36620957698280004]],
  [15, 148, [0.0624, 0.1605], [0.0623863995307363, 0.16048724172330803]],
  [0, 20, [0, 0.1611], [0, 0.16112515805281938]],
  [1, 29, [0.0061, 0.1718], [0.006113214292762653, 0.17175521879320288]],
];

for (const [x, n, published, exact] of cases) {
  test(`Wilson 95 % interval for ${x}/${n}`, () => {
    const w = wilsonInterval(x, n);
    expect(w.rate).toBe(x / n);
    expect(w.low!).toBeCloseTo(published[0], 4);
    expect(w.high!).toBeCloseTo(published[1], 4);
    expect(Math.abs(w.low! - exact[0])).toBeLessThan(1e-12);
    expect(Math.abs(w.high! - exact[1]) / exact[1]).toBeLessThan(1e-12);
  });
}

test('no records: no interval', () => {
  expect(wilsonInterval(0, 0)).toEqual({ rate: null, low: null, high: null });
});
