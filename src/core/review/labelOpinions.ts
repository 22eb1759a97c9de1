import type { JsonScalar } from '../arrowJson';

/** One other opinion of a record's label: an annotator's or a model's, from a column of the sample. */
export interface LabelOpinion {
  column: string;
  value: string | null;
  /** The opinion is exactly the given label (code units: 'Crack' and 'crack ' are not 'crack'). */
  agrees: boolean;
}

/** The given label beside the other opinions, and whether every one of them says otherwise. */
export interface LabelOpinions {
  opinions: LabelOpinion[];
  /**
   * Every opinion that has a value differs from the given label (and there is at least one):
   * the record a reviewer must look at twice, as 'Crack' against ok, ok and ok.
   */
  disputed: boolean;
}

/**
 * Compare a record's given label with the opinions the review's `compare` columns hold.
 * An opinion that is NULL neither agrees nor disputes; it is shown as missing.
 */
export function labelOpinions(label: string | null, row: Readonly<Record<string, JsonScalar>>, columns: readonly string[]): LabelOpinions {
  const opinions = columns.map((column) => {
    const raw = row[column];
    const value = raw === null || raw === undefined ? null : String(raw);
    return { column, value, agrees: value !== null && label !== null && value === label };
  });
  const stated = opinions.filter((o) => o.value !== null);
  return { opinions, disputed: stated.length > 0 && stated.every((o) => !o.agrees) };
}
