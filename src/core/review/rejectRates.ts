import { quoteIdent } from '../sql/quote';
import { wilsonInterval } from '../stats/wilson';

/** Decisions that count as a failed spot check: the record was wrong as labelled. */
export const FAILING_ACTIONS = ['reject', 'relabel'] as const;

/** SQL: per class, records sampled, reviewed, and rejected (rejected or relabelled), over a review view. */
export function reviewCountsSql(view: string, labelColumn: string): string {
  return `SELECT CAST(${quoteIdent(labelColumn)} AS VARCHAR) AS class, count(*)::DOUBLE AS sampled,
       count(review_decision)::DOUBLE AS reviewed,
       count(*) FILTER (WHERE review_decision IN ('reject', 'relabel'))::DOUBLE AS rejected
FROM ${quoteIdent(view)} GROUP BY ALL ORDER BY class NULLS LAST`;
}

export interface RejectRate {
  class: string | null;
  sampled: number;
  reviewed: number;
  rejected: number;
  /** rejected / reviewed, with its 95 % Wilson interval; nulls before anything is reviewed. */
  reject_rate: number | null;
  low: number | null;
  high: number | null;
}

/** Reject rates with 95 % Wilson intervals, per class and overall, from reviewCountsSql's rows. */
export function rejectRates(rows: readonly { class: string | null; sampled: number; reviewed: number; rejected: number }[]): { per_class: RejectRate[]; overall: RejectRate } {
  const rate = (r: { class: string | null; sampled: number; reviewed: number; rejected: number }): RejectRate => {
    const w = wilsonInterval(r.rejected, r.reviewed);
    return { class: r.class, sampled: r.sampled, reviewed: r.reviewed, rejected: r.rejected, reject_rate: w.rate, low: w.low, high: w.high };
  };
  const total = rows.reduce((s, r) => ({ class: null, sampled: s.sampled + r.sampled, reviewed: s.reviewed + r.reviewed, rejected: s.rejected + r.rejected }), { class: null as string | null, sampled: 0, reviewed: 0, rejected: 0 });
  return { per_class: rows.map(rate), overall: rate(total) };
}
