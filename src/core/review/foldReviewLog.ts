import { byLogOrder, type Decision, type ReviewEvent } from './ReviewEvent';

/**
 * The standing decision per record: events deduplicated by id and taken in log order; an
 * undo withdraws the event it names, so the record falls back to its previous decision (or
 * to none). The latest remaining decision on a key stands.
 */
export function foldReviewLog(events: readonly ReviewEvent[]): Map<string, Decision> {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()].sort(byLogOrder);
  const withdrawn = new Set(unique.filter((e) => e.action === 'undo' && e.undoes).map((e) => e.undoes!));
  const decisions = new Map<string, Decision>();
  for (const e of unique) {
    if (e.action === 'undo' || withdrawn.has(e.id)) continue;
    decisions.set(e.key, {
      key: e.key,
      action: e.action,
      label: e.action === 'relabel' ? (e.label ?? null) : null,
      old_label: e.old_label ?? null,
      note: e.note ?? null,
      reviewer: e.reviewer,
      at: e.at,
      id: e.id,
    });
  }
  return decisions;
}

/**
 * The decision an undo by `reviewer` would withdraw: their latest decision that is still
 * standing or superseded but not withdrawn. Null when there is nothing to undo.
 */
export function lastUndoable(events: readonly ReviewEvent[], reviewer: string): ReviewEvent | null {
  const sorted = [...new Map(events.map((e) => [e.id, e])).values()].sort(byLogOrder);
  const withdrawn = new Set(sorted.filter((e) => e.action === 'undo' && e.undoes).map((e) => e.undoes!));
  for (let i = sorted.length - 1; i >= 0; i--) {
    const e = sorted[i]!;
    if (e.action !== 'undo' && e.reviewer === reviewer && !withdrawn.has(e.id)) return e;
  }
  return null;
}
