import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { parseNotebook } from '../../../src/core/notebook/parseNotebook';
import { analyzeNotebook } from '../../../src/core/notebook/analyzeNotebook';
import { runCells } from '../../../src/core/notebook/runCells';
import { reviewCell, reannotationSql } from '../../../src/core/cells/reviewCell';
import { tableToJsonRows } from '../../../src/core/arrowJson';
import type { ReviewEvent } from '../../../src/core/review/ReviewEvent';

/**
 * 580 records of class a and 400 of class b: a 5 % sample is 29 and 20 records. Reviewing
 * all of them with one rejection in a and none in b gives the proportions 1/29 and 0/20 of
 * Newcombe (1998), Table I, whose Wilson score intervals are published: 0.0061–0.1718 and
 * 0–0.1611.
 */
const notebook = (extra = '') => `---
params:
  seed: 7
---

\`\`\`sample spot
source: items
stratify: cls
key: id
\`\`\`

\`\`\`review spot_review
sample: spot
key: id
label: cls
taxonomy: [a, b, c]
\`\`\`
${extra}`;

describe('review cell', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.query(`CREATE TABLE items AS SELECT 'id-' || range AS id, CASE WHEN range < 580 THEN 'a' ELSE 'b' END AS cls FROM range(980)`);
  });
  afterAll(() => engine.close());

  const runAll = async (text: string, events: ReviewEvent[]) => {
    const { notebook: nb } = parseNotebook(text);
    const runs = await runCells(analyzeNotebook(nb), { query: (sql) => engine.query(sql), params: nb.frontMatter.params, reviewEvents: async () => events });
    return Object.fromEntries(runs.map((r) => [r.name, r]));
  };

  const sampledKeys = async () => {
    const runs = await runAll(notebook(), []);
    expect(runs.spot_review!.error).toBeUndefined();
    return tableToJsonRows(runs.spot_review!.output!.table!).map((r) => ({ id: String(r.id), cls: String(r.cls) }));
  };

  test('an empty log: everything to review, no rate yet', async () => {
    const runs = await runAll(notebook(), []);
    expect(runs.spot_review!.output!.result).toMatchObject({ total: 49, reviewed: 0, remaining: 49, rejected: 0, reject_rate: null, taxonomy: ['a', 'b', 'c'] });
  });

  test('per-class reject rates with the published Wilson intervals; a checks cell gates on the rate and on the rows', async () => {
    const queue = await sampledKeys();
    expect(queue).toHaveLength(49);
    // The queue mixes the classes (ordered by a seeded hash, not by class).
    expect(new Set(queue.slice(0, 10).map((r) => r.cls)).size).toBe(2);
    const firstA = queue.find((r) => r.cls === 'a')!;
    const events: ReviewEvent[] = queue.map((r, i) => ({
      id: `ev-${i}`,
      at: new Date(Date.UTC(2026, 10, 22, 9, 0, i * 12)).toISOString(),
      notebook: 'test',
      cell: 'spot_review',
      key: r.id,
      action: r === firstA ? 'reject' : 'accept',
      old_label: r.cls,
      note: r === firstA ? 'not a dent' : null,
      reviewer: 'ana',
      seed: '7',
    }));
    // One more event on another cell's key and one on a key outside the sample: neither counts.
    events.push({ ...events[0]!, id: 'other-cell', cell: 'elsewhere', action: 'reject' });
    events.push({ ...events[1]!, id: 'outside', key: 'id-99999', action: 'reject', reviewer: 'zed' });
    const gate = `
\`\`\`checks gate
source: spot_review
rules:
  - metric: spot_review.reject_rate
    op: '<'
    value: 0.01
  - sql: review_decision IS DISTINCT FROM 'reject'
\`\`\`
`;
    const runs = await runAll(notebook(gate), events);
    const result = runs.spot_review!.output!.result as Record<string, any>;
    expect(result).toMatchObject({ total: 49, reviewed: 49, remaining: 0, rejected: 1, outside_sample: 1 });
    const [a, b] = result.per_class;
    expect(a).toMatchObject({ class: 'a', sampled: 29, reviewed: 29, rejected: 1 });
    expect(a.reject_rate).toBeCloseTo(1 / 29, 12);
    expect(a.low).toBeCloseTo(0.0061, 4);
    expect(a.high).toBeCloseTo(0.1718, 4);
    expect(b).toMatchObject({ class: 'b', sampled: 20, reviewed: 20, rejected: 0, reject_rate: 0, low: 0 });
    expect(b.high).toBeCloseTo(0.1611, 4);
    // ana's 48 gaps of 12 s: 300 records an hour, 12 s each (zed's one decision has no gap;
    // it is still a decision of this cell's log).
    expect(result.throughput).toEqual({ decisions: 50, records_per_hour: 300, median_seconds: 12 });
    // The gate fails on both rules: 1/49 ≥ 1 %, and one row is rejected.
    const gateResult = runs.gate!.output!.result as { passed: boolean; rules: { passed: boolean; failing?: number }[] };
    expect(gateResult.passed).toBe(false);
    expect(gateResult.rules.map((r) => r.passed)).toEqual([false, false]);
    // The re-annotation request holds the rejected record.
    const re = tableToJsonRows(await engine.query(reannotationSql('spot_review', { key: 'id', label: 'cls' })));
    expect(re).toEqual([{ key: firstA.id, old_label: 'a', new_label: null, decision: 'reject', note: 'not a dent', reviewer: 'ana', reviewed_at: events[queue.indexOf(firstA)]!.at }]);
  });

  test('spec problems are reported at their line', () => {
    expect(reviewCell.parse('sample: spot\nkey: id').diagnostics).toEqual([{ line: 1, message: 'label is required' }]);
    expect(reviewCell.parse('sample: spot\nkey: id\nlabel: cls\ntaxonomy: [a, a]').diagnostics).toEqual([{ line: 4, message: 'taxonomy: lists a value twice' }]);
  });
});
