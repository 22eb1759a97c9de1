import { describe, expect, test } from 'vitest';
import { columnDecimals, exactNumberText, formatFixed, tickLabels } from '../../../src/core/format/numberFormat';

describe('one number format', () => {
  test('a column takes the most decimals any value needs, capped at six; exponent forms do not count', () => {
    expect(columnDecimals(['677', '794.7'])).toBe(1);
    expect(columnDecimals(['0.155', '0.2787', '0.1236'])).toBe(4);
    expect(columnDecimals(['0.1234567891'])).toBe(6);
    expect(columnDecimals(['1e-7', '3'])).toBe(0);
    expect(exactNumberText(0.1 + 0.2)).toBe('0.3');
  });

  test('fixed decimals with separators; huge and tiny magnitudes keep their exponent', () => {
    expect(formatFixed(12000.25, 2)).toBe('12,000.25');
    expect(formatFixed(677, 1)).toBe('677.0');
    expect(formatFixed(0.2787, 4)).toBe('0.2787');
    expect(formatFixed(2.5e-7, 4)).toBe('2.5e-7');
    expect(formatFixed(3e15, 0)).toBe('3000000000000000');
  });

  test("ticks as d3's fixed-precision format writes them", () => {
    // d3.scaleLinear().domain([0, 1]).tickFormat(5) gives 0.0 … 1.0; ([0, 5000]) 0 … 5,000.
    expect(tickLabels([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(tickLabels([0, 1000, 2000, 3000, 4000, 5000])).toEqual(['0', '1,000', '2,000', '3,000', '4,000', '5,000']);
    expect(tickLabels([0, 0.05, 0.1, 0.15])).toEqual(['0.00', '0.05', '0.10', '0.15']);
  });
});
