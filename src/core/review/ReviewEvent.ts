/** What a reviewer decided about one sampled record. */
export type ReviewAction = 'accept' | 'reject' | 'relabel';

/**
 * One entry of a review log. Logs are append-only: a decision is never edited, an `undo`
 * event withdraws it. `id` is unique, which is what lets a log be imported again without
 * duplicating anything.
 */
export interface ReviewEvent {
  id: string;
  /** ISO 8601 time of the decision. */
  at: string;
  /** The notebook (title or file) and the review cell it belongs to. */
  notebook: string;
  cell: string;
  /** The record's key, as text. */
  key: string;
  action: ReviewAction | 'undo';
  /** The record's label when it was judged. */
  old_label?: string | null;
  /** For `relabel`: the label it should have. */
  label?: string | null;
  note?: string | null;
  reviewer: string;
  /** The seed of the sample the record was drawn in. */
  seed: string;
  /** For `undo`: the id of the event it withdraws. */
  undoes?: string;
}

/** The standing decision on one record, after undos. */
export interface Decision {
  key: string;
  action: ReviewAction;
  label: string | null;
  old_label: string | null;
  note: string | null;
  reviewer: string;
  at: string;
  /** The event that made it. */
  id: string;
}

/** Events in log order: by time, then id, so every engine and every import agrees. */
export function byLogOrder(a: ReviewEvent, b: ReviewEvent): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
