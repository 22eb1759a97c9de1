import type { CellKind } from './CellKind';
import { sqlCell } from './sqlCell';
import { confusionCell } from './confusionCell';
import { agreementCell } from './agreementCell';
import { profileCell } from './profileCell';
import { checksCell } from './checksCell';
import { driftCell } from './driftCell';
import { sampleCell } from './sampleCell';
import { reviewCell } from './reviewCell';
import { chartCell } from './chartCell';
import { labelIssuesCell } from './labelIssuesCell';
import { trendCell } from './trendCell';
import { imagesCell } from './imagesCell';

/** Every cell kind Assay knows, by name. Add a kind's module here. */
export const CELL_KINDS: ReadonlyMap<string, CellKind<any>> = new Map<string, CellKind<any>>([sqlCell, profileCell, checksCell, confusionCell, agreementCell, driftCell, sampleCell, reviewCell, chartCell, labelIssuesCell, imagesCell, trendCell].map((k) => [k.kind, k]));

/** The kind module for a name, or undefined. */
export function cellKind(kind: string): CellKind<any> | undefined {
  return CELL_KINDS.get(kind);
}
