import { describe, expect, test } from 'vitest';
import { foldReviewLog, lastUndoable } from '../../../src/core/review/foldReviewLog';
import { mergeReviewEvents, parseReviewLog, serializeReviewLog } from '../../../src/core/review/reviewLogFile';
import { reviewThroughput } from '../../../src/core/review/reviewThroughput';
import type { ReviewEvent } from '../../../src/core/review/ReviewEvent';

let n = 0;
const ev = (sec: number, key: string, action: ReviewEvent['action'], extra: Partial<ReviewEvent> = {}): ReviewEvent => ({
  id: `e${String(++n).padStart(3, '0')}`,
  at: new Date(Date.UTC(2026, 10, 22, 9, 0, 0) + sec * 1000).toISOString(),
  notebook: 'spot-check',
  cell: 'spot_review',
  key,
  action,
  reviewer: 'ana',
  seed: '20261121',
  ...extra,
});

describe('the review log', () => {
  test('undo withdraws one decision and the record falls back to the one before it', () => {
    const a1 = ev(0, 'img-1', 'accept');
    const r1 = ev(10, 'img-1', 'reject', { note: 'blurry' });
    const a2 = ev(20, 'img-2', 'relabel', { label: 'dent', old_label: 'crack' });
    const u = ev(30, 'img-1', 'undo', { undoes: r1.id });
    const log = [a1, r1, a2, u];
    const d = foldReviewLog(log);
    expect(d.get('img-1')).toMatchObject({ action: 'accept', id: a1.id, note: null });
    expect(d.get('img-2')).toMatchObject({ action: 'relabel', label: 'dent', old_label: 'crack' });
    // Undo the accept too: no decision is left on img-1.
    const u2 = ev(40, 'img-1', 'undo', { undoes: a1.id });
    expect(foldReviewLog([...log, u2]).has('img-1')).toBe(false);
    // The next undo takes back the newest decision still standing: img-2's relabel.
    expect(lastUndoable([...log, u2], 'ana')?.id).toBe(a2.id);
    expect(lastUndoable([...log, u2], 'ben')).toBeNull();
    // Order is by time, not by position in the array.
    expect(foldReviewLog([u, a2, r1, a1]).get('img-1')?.id).toBe(a1.id);
  });

  test('a log written to a file reads back whole, and importing it twice duplicates nothing', () => {
    const log = [ev(0, 'a', 'accept'), ev(5, 'b', 'reject', { note: 'wrong "class"\nsee <img>' }), ev(9, 'c', 'relabel', { label: 'stain', old_label: null })];
    const text = serializeReviewLog(log);
    expect(text.trim().split('\n')).toHaveLength(3);
    const back = parseReviewLog(text);
    expect(back.problems).toEqual([]);
    expect(back.events).toEqual(log);
    const merged = mergeReviewEvents(mergeReviewEvents(log, back.events), parseReviewLog(text).events);
    expect(merged).toEqual(log);
    expect(foldReviewLog(merged).size).toBe(3);
  });

  test('bad lines are reported by number and skipped; good lines are kept', () => {
    const good = JSON.stringify(ev(0, 'a', 'accept'));
    const text = [good, '{not json', JSON.stringify({ ...ev(1, 'b', 'accept'), action: 'maybe' }), JSON.stringify({ ...ev(2, 'c', 'relabel') }), '', JSON.stringify({ ...ev(3, 'd', 'undo') }), JSON.stringify({ ...ev(4, 'e', 'accept'), at: 'yesterday' })].join('\n');
    const { events, problems } = parseReviewLog(text);
    expect(events.map((e) => e.key)).toEqual(['a']);
    expect(problems).toEqual([
      { line: 2, message: 'not JSON' },
      { line: 3, message: 'action must be accept, reject, relabel or undo' },
      { line: 4, message: 'a relabel gives the new label (label)' },
      { line: 6, message: 'an undo names the event it undoes (undoes)' },
      { line: 7, message: 'at must be an ISO 8601 time' },
    ]);
  });

  test('throughput: gaps between a reviewer’s decisions, breaks over 15 minutes left out (worked by hand)', () => {
    // ana decides at 0, 30, 90, 100 s, pauses 20 min, then 1300 s → 1340 s. ben at 50 and 70 s.
    // ana's gaps: 30, 60, 10, (1200: a break), 40; ben's: 20. Gaps 10, 20, 30, 40, 60 → median 30 s.
    // 5 records in 160 s of active time → 5 / 160 × 3600 = 112.5 records per hour.
    const log = [ev(0, 'a', 'accept'), ev(30, 'b', 'accept'), ev(90, 'c', 'reject'), ev(100, 'd', 'accept'), ev(1300, 'e', 'accept'), ev(1340, 'f', 'accept'), ev(50, 'g', 'accept', { reviewer: 'ben' }), ev(70, 'h', 'accept', { reviewer: 'ben' })];
    const undo = ev(1345, 'f', 'undo', { undoes: log[5]!.id });
    expect(reviewThroughput([...log, undo])).toEqual({ decisions: 8, records_per_hour: 112.5, median_seconds: 30 });
    expect(reviewThroughput(log.slice(0, 1))).toEqual({ decisions: 1, records_per_hour: null, median_seconds: null });
  });
});
