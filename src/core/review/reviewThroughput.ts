import { byLogOrder, type ReviewEvent } from './ReviewEvent';

/** A pause longer than this between two decisions is a break, not time spent on a record. */
export const BREAK_SECONDS = 15 * 60;

export interface Throughput {
  /** Decisions made (undos not counted). */
  decisions: number;
  /** Decisions per hour of active reviewing; null with fewer than two decisions. */
  records_per_hour: number | null;
  /** Median seconds between consecutive decisions of the same reviewer, breaks excluded. */
  median_seconds: number | null;
}

/**
 * Reviewer throughput from the log. The time a record took is the gap since the same
 * reviewer's previous decision; gaps over BREAK_SECONDS are breaks and left out. Records per
 * hour divides the records those gaps cover by the active time they add up to.
 */
export function reviewThroughput(events: readonly ReviewEvent[]): Throughput {
  const decisions = [...new Map(events.map((e) => [e.id, e])).values()].filter((e) => e.action !== 'undo').sort(byLogOrder);
  const last = new Map<string, number>();
  const gaps: number[] = [];
  for (const e of decisions) {
    const t = Date.parse(e.at) / 1000;
    const prev = last.get(e.reviewer);
    if (prev !== undefined && t - prev <= BREAK_SECONDS) gaps.push(t - prev);
    last.set(e.reviewer, t);
  }
  if (!gaps.length) return { decisions: decisions.length, records_per_hour: null, median_seconds: null };
  const sorted = [...gaps].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const active = gaps.reduce((s, g) => s + g, 0);
  return { decisions: decisions.length, records_per_hour: active > 0 ? (gaps.length / active) * 3600 : null, median_seconds: median };
}
