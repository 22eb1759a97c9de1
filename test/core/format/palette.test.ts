import { describe, expect, test } from 'vitest';
import { CATEGORY_COLORS, seriesColor, seriesDomain } from '../../../src/core/format/palette';

describe('one palette for the app and the snapshot', () => {
  test("series in one order whatever the rows' order: numbers by value first, then code units; look-alikes apart", () => {
    const rows = ['cam-3', 'cam-1', null, 'cam-10', 'cam-2', '10', '9', 'cam-1', 'dent ', 'dent', ''];
    expect(seriesDomain(rows)).toEqual(['9', '10', 'cam-1', 'cam-10', 'cam-2', 'cam-3', 'dent', 'dent␣', '⟨empty⟩', '⟨null⟩']);
    expect(seriesDomain([...rows].reverse())).toEqual(seriesDomain(rows));
  });

  test("Plot's observable10, repeating after ten", () => {
    // d3-scale-chromatic's schemeObservable10, Plot 0.6's default categorical scheme.
    expect(CATEGORY_COLORS).toEqual(['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0']);
    expect(seriesColor(0)).toBe('#4269d0');
    expect(seriesColor(11)).toBe('#efb118');
  });
});
