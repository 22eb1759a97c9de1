import { expect, test } from 'vitest';
import { classificationMetrics } from '../../../src/core/stats/classificationMetrics';
import { confusionMatrix } from '../../../src/core/stats/confusion';

test('per-class and averaged P/R/F1 as scikit-learn (zero_division=0), with a zero-support class and a one-sided class', () => {
  // y_true = a a a b b c a b; y_pred = a b a b d a a b  (test/reference/agreement_reference.py)
  const yTrue = ['a', 'a', 'a', 'b', 'b', 'c', 'a', 'b'];
  const yPred = ['a', 'b', 'a', 'b', 'd', 'a', 'a', 'b'];
  const counts = new Map<string, number>();
  yTrue.forEach((t, i) => counts.set(`${t}|${yPred[i]}`, (counts.get(`${t}|${yPred[i]}`) ?? 0) + 1));
  const { classes, matrix } = confusionMatrix([...counts].map(([k, n]) => ({ group: null, reference: k.split('|')[0]!, compared: k.split('|')[1]!, n })));
  expect(classes).toEqual(['a', 'b', 'c', 'd']);
  const m = classificationMetrics(classes, matrix);
  const byClass = Object.fromEntries(m.per_class.map((c) => [c.class, [c.precision, c.recall, c.f1, c.support]]));
  expect(byClass.a).toEqual([3 / 4, 3 / 4, 3 / 4, 4]);
  expect(byClass.b![0]).toBeCloseTo(2 / 3, 15);
  expect(byClass.b![1]).toBeCloseTo(2 / 3, 15);
  expect(byClass.b![2]).toBeCloseTo(2 / 3, 15);
  expect(byClass.b![3]).toBe(3);
  expect(byClass.c).toEqual([0, 0, 0, 1]);
  expect(byClass.d).toEqual([0, 0, 0, 0]);
  expect(m.accuracy).toBe(5 / 8);
  // macro over all four labels (sklearn average='macro' with labels = union): (3/4 + 2/3 + 0 + 0) / 4
  expect(m.macro_avg.precision).toBeCloseTo((3 / 4 + 2 / 3) / 4, 15);
  expect(m.macro_avg.f1).toBeCloseTo((3 / 4 + 2 / 3) / 4, 15);
  // weighted by support 4, 3, 1, 0: (4·3/4 + 3·2/3) / 8 = 5/8
  expect(m.weighted_avg.recall).toBeCloseTo(5 / 8, 15);
  expect(m.weighted_avg.precision).toBeCloseTo(5 / 8, 15);
});

test('an explicit class order comes first; classes it does not name follow, sorted', () => {
  const r = confusionMatrix(
    [
      { group: null, reference: 'minor', compared: 'major', n: 2 },
      { group: null, reference: 'critical', compared: 'none', n: 1 },
      { group: null, reference: null, compared: 'none', n: 4 },
      { group: null, reference: 'zzz', compared: null, n: 3 },
    ],
    ['none', 'minor', 'major', 'critical'],
  );
  expect(r.classes).toEqual(['none', 'minor', 'major', 'critical']);
  expect(r.matrix[1]![2]).toBe(2);
  expect(r.matrix[3]![0]).toBe(1);
  expect(r.excluded_null).toBe(7);
});
