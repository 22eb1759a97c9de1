import { readJsonLines } from '../jsonLines';
import { byLogOrder, type ReviewEvent } from './ReviewEvent';

const ACTIONS = new Set(['accept', 'reject', 'relabel', 'undo']);

/** A line of a review log file that could not be read, 1-based. */
export interface LogProblem {
  line: number;
  message: string;
}

/** A review log as a file: one JSON event per line, in log order. */
export function serializeReviewLog(events: readonly ReviewEvent[]): string {
  return mergeReviewEvents([], events)
    .map((e) => JSON.stringify(e))
    .join('\n')
    .concat(events.length ? '\n' : '');
}

/**
 * Read a review log file. Lines that are not a well-formed event are reported by number
 * and skipped; the rest are kept, so one bad line does not lose a day of reviewing.
 */
export function parseReviewLog(text: string): { events: ReviewEvent[]; problems: LogProblem[] } {
  const events: ReviewEvent[] = [];
  const problems = readJsonLines(text, 'not JSON', (value) => {
    const problem = eventProblem(value);
    if (!problem) events.push(value as ReviewEvent);
    return problem;
  });
  return { events, problems };
}

/** Why a value is not a review event, or null when it is one. */
export function eventProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const e = value as Record<string, unknown>;
  for (const field of ['id', 'at', 'notebook', 'cell', 'key', 'reviewer', 'seed'] as const) {
    if (typeof e[field] !== 'string' || (field !== 'notebook' && e[field] === '')) return `${field} must be text`;
  }
  if (!ACTIONS.has(e.action as string)) return 'action must be accept, reject, relabel or undo';
  if (Number.isNaN(Date.parse(e.at as string))) return 'at must be an ISO 8601 time';
  if (e.action === 'undo' && typeof e.undoes !== 'string') return 'an undo names the event it undoes (undoes)';
  if (e.action === 'relabel' && typeof e.label !== 'string') return 'a relabel gives the new label (label)';
  for (const field of ['label', 'old_label', 'note'] as const) {
    if (e[field] !== undefined && e[field] !== null && typeof e[field] !== 'string') return `${field} must be text`;
  }
  return null;
}

/** Two logs as one: every event once (by id), in log order. */
export function mergeReviewEvents(a: readonly ReviewEvent[], b: readonly ReviewEvent[]): ReviewEvent[] {
  return [...new Map([...a, ...b].map((e) => [e.id, e])).values()].sort(byLogOrder);
}
