import type { CellBlock } from './types';

/**
 * Words after a cell's name in its fence (```` ```sql both_batches hide ````) that change how
 * it is shown, never what it computes.
 */
export const CELL_OPTIONS = {
  /** Left out of readouts, prints and snapshots: an intermediate step (a union, a filter) later cells read. */
  hide: 'hide',
} as const;

/** Whether a cell is left out of the documents made from a run (readout, print, snapshot). */
export function hiddenInDocuments(block: Pick<CellBlock, 'options'>): boolean {
  return block.options.includes(CELL_OPTIONS.hide);
}
