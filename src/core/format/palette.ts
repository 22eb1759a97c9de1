import { labelText } from './displayLabel';
import { labelOrder } from '../stats/labelOrder';

/**
 * The colours of a chart's series, in the app (Plot) and the snapshot's SVG alike: Plot's
 * default categorical scheme, `observable10`, written out so both draw from one list.
 */
export const CATEGORY_COLORS = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'] as const;

/**
 * The series of a chart as its legend lists them and in the order they take colours: the
 * values' display texts (so 'dent' and 'dent ' are two series), numbers by value first, then
 * code-unit order (labelOrder). The same data gives the same colour to the same class wherever
 * it is drawn, whatever order the rows came in.
 */
export function seriesDomain(values: Iterable<unknown>): string[] {
  return [...new Set([...values].map((v) => labelText(v)))].sort(labelOrder);
}

/** The colour of the series at `index` of its domain (the palette repeats after ten). */
export function seriesColor(index: number): string {
  return CATEGORY_COLORS[((index % CATEGORY_COLORS.length) + CATEGORY_COLORS.length) % CATEGORY_COLORS.length]!;
}
