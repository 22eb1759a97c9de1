import { describe, expect, test } from 'vitest';
import { MAD_CONSTANT, median, robustZScores } from '../../../src/core/stats/robustZ';

// Every expected value below is worked by hand in the comment beside it.
describe('robust z-scores against the previous window', () => {
  test('median and MAD of the earlier points, z = 0.6745 (x − median) / MAD, flagged at |z| ≥ 3.5', () => {
    const p = robustZScores([10, 12, 11, 13, 30]);
    // p0: no earlier point; p1: one earlier point (fewer than min_points 2): not scored.
    expect(p[0]).toMatchObject({ status: 'short_window', window_size: 0, median: null, z: null, flagged: false });
    expect(p[1]).toMatchObject({ status: 'short_window', window_size: 1, median: 10, z: null, flagged: false });
    // p2: W = [10, 12], median 11, |dev| = [1, 1], MAD 1, z = 0.6745 · 0 = 0.
    expect(p[2]).toMatchObject({ status: 'scored', window_size: 2, median: 11, mad: 1, z: 0, flagged: false });
    // p3: W = [10, 12, 11], median 11, |dev| = [1, 1, 0], MAD 1, z = 0.6745 · 2 = 1.349.
    expect(p[3]).toMatchObject({ median: 11, mad: 1, flagged: false });
    expect(p[3]!.z).toBeCloseTo(1.349, 12);
    // p4: W = [10, 12, 11, 13], median 11.5, |dev| = [1.5, 0.5, 0.5, 1.5], MAD 1, z = 0.6745 · 18.5 = 12.47825.
    expect(p[4]).toMatchObject({ median: 11.5, mad: 1, flagged: true, window_size: 4 });
    expect(p[4]!.z).toBeCloseTo(12.47825, 12);
  });

  test('the window holds only the last `window` points', () => {
    const p = robustZScores([10, 12, 11, 13, 30], { window: 3 });
    // p4: W = [12, 11, 13], median 12, |dev| = [0, 1, 1], MAD 1, z = 0.6745 · 18 = 12.141.
    expect(p[4]).toMatchObject({ median: 12, mad: 1, window_size: 3 });
    expect(p[4]!.z).toBeCloseTo(12.141, 12);
    // A window shorter than asked (3 of 10 earlier points exist) is used as it is.
    const q = robustZScores([1, 2, 4, 3], { window: 10 });
    // q3: W = [1, 2, 4], median 2, |dev| = [1, 0, 2], MAD 1, z = 0.6745 · 1.
    expect(q[3]).toMatchObject({ window_size: 3, median: 2, mad: 1, z: MAD_CONSTANT });
  });

  test('a downward jump scores negative and is flagged by |z|', () => {
    // p3: W = [100, 102, 101], median 101, MAD 1, z = 0.6745 · (90 − 101) = −7.4195.
    const p = robustZScores([100, 102, 101, 90]);
    expect(p[3]!.z).toBeCloseTo(-7.4195, 12);
    expect(p[3]!.flagged).toBe(true);
  });

  test('MAD = 0: a value equal to the median is not flagged, any other is (z is not finite, so null)', () => {
    const p = robustZScores([5, 5, 5, 6]);
    expect(p[2]).toMatchObject({ status: 'constant_window', median: 5, mad: 0, z: null, flagged: false });
    expect(p[3]).toMatchObject({ status: 'constant_window', median: 5, mad: 0, z: null, flagged: true });
    // Not a constant window but MAD 0 all the same: W = [1, 1, 1, 5], median 1, |dev| = [0, 0, 0, 4], MAD 0.
    const q = robustZScores([1, 1, 1, 5, 1, 2]);
    expect(q[4]).toMatchObject({ status: 'constant_window', median: 1, mad: 0, flagged: false });
    // q5: W = [1, 1, 1, 5, 1], median 1, |dev| = [0, 0, 0, 4, 0], MAD 0; 2 ≠ 1: flagged.
    expect(q[5]).toMatchObject({ status: 'constant_window', mad: 0, flagged: true });
    // Floating-point noise (1e-12 relative) is not a difference.
    expect(robustZScores([0.25, 0.25, 0.25 * (1 + 1e-12)])[2]!.flagged).toBe(false);
  });

  test('missing values are skipped: not scored, not in any window', () => {
    const p = robustZScores([1, null, 3, 2]);
    expect(p[1]).toMatchObject({ status: 'no_value', value: null, flagged: false });
    expect(p[2]).toMatchObject({ status: 'short_window', window_size: 1 });
    // p3: W = [1, 3], median 2, MAD 1, z = 0.
    expect(p[3]).toMatchObject({ status: 'scored', window_size: 2, median: 2, mad: 1, z: 0 });
  });

  test('the threshold is inclusive, and min_points can ask for a longer history', () => {
    // W = [0, 2], median 1, MAD 1: x = 2 gives z = 0.6745 exactly.
    expect(robustZScores([0, 2, 2], { threshold: MAD_CONSTANT })[2]!.flagged).toBe(true);
    expect(robustZScores([0, 2, 2], { threshold: 0.675 })[2]!.flagged).toBe(false);
    expect(robustZScores([10, 12, 11, 13, 30], { minPoints: 5 })[4]).toMatchObject({ status: 'short_window', flagged: false });
  });

  test('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
