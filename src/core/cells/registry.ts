import type { CellKind } from './CellKind';
import { sqlCell } from './sqlCell';

/** Every cell kind Assay knows, by name. Add a kind's module here. */
export const CELL_KINDS: ReadonlyMap<string, CellKind<any>> = new Map<string, CellKind<any>>([[sqlCell.kind, sqlCell]]);

/** The kind module for a name, or undefined. */
export function cellKind(kind: string): CellKind<any> | undefined {
  return CELL_KINDS.get(kind);
}
