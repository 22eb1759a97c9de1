import { expect, test } from 'vitest';
import { edgeLabels } from '../../../src/core/stats/edgeLabels';

test('edges at four significant digits, more only where neighbours would read alike (decided by hand)', () => {
  expect(edgeLabels([594.3, 598.8399999999999, 637.3])).toEqual(['594.3', '598.8', '637.3']);
  expect(edgeLabels([598.8399999999999, 598.85])).toEqual(['598.8', '598.9']);
  // Four digits read both as 598.8; five tell them apart.
  expect(edgeLabels([598.84, 598.845])).toEqual(['598.84', '598.85']);
  expect(edgeLabels([0.1, 0.2, 0.30000000000000004])).toEqual(['0.1', '0.2', '0.3']);
  expect(edgeLabels([1024])).toEqual(['1024']);
  expect(edgeLabels([0.000123456, 0.000123457])).toEqual(['0.000123456', '0.000123457']);
  expect(edgeLabels([12345.678])).toEqual(['12350']);
  expect(edgeLabels([])).toEqual([]);
  expect(edgeLabels([1, 1 + 2 ** -52])).toEqual(['1', String(1 + 2 ** -52)]);
});
