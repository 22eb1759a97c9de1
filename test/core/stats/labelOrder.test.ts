import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { labelOrder, labelOrderNullsLast } from '../../../src/core/stats/labelOrder';
import { confusionMatrix } from '../../../src/core/stats/confusion';
import { driftCell, type ColumnDrift } from '../../../src/core/cells/driftCell';
import { sampleCell } from '../../../src/core/cells/sampleCell';
import { confusionCell } from '../../../src/core/cells/confusionCell';

describe('label order', () => {
  test('numbers by value, before text in code-unit order', () => {
    expect(['10', '2', '1', '-3', '2.5', '1e1', 'b', 'B', 'a10', 'a2'].sort(labelOrder)).toEqual(['-3', '1', '2', '2.5', '10', '1e1', 'B', 'a10', 'a2', 'b']);
    expect(['b', null, 'a'].sort(labelOrderNullsLast)).toEqual(['a', 'b', null]);
  });
  test('the confusion matrix of integer classes lists "10" after "2"', () => {
    const m = confusionMatrix([
      { group: null, reference: '10', compared: '2', n: 3 },
      { group: null, reference: '2', compared: '2', n: 1 },
      { group: null, reference: '1', compared: '10', n: 2 },
    ]);
    expect(m.classes).toEqual(['1', '2', '10']);
    expect(m.matrix).toEqual([[0, 0, 2], [0, 1, 0], [0, 3, 0]]);
  });
});

describe('integer label columns in cells', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    // 12 integer classes, class k appearing k times (so sizes tell the classes apart).
    await engine.query(`CREATE TABLE ints AS SELECT k AS label, k % 3 AS pred, (k * 100 + i) AS id FROM range(1, 13) r(k), range(0, 12) s(i) WHERE i < k`);
  });
  afterAll(() => engine.close());
  const ctx = (name: string) => ({ name, query: (sql: string) => engine.query(sql), params: { seed: 1 } });
  const order = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];

  test('drift: the label shift bins', async () => {
    const out = await driftCell.run(driftCell.parse('baseline: ints\ncurrent: ints\ncolumns: [label]\nlabel: label').spec!, ctx('d'));
    expect((out.result.label_shift as ColumnDrift).bins.map((b) => b.bin)).toEqual(order);
  });
  test('sample: the per-class table', async () => {
    const out = await sampleCell.run(sampleCell.parse('source: ints\nstratify: label\nkey: id\nfraction: 0.5').spec!, ctx('s'));
    const perClass = out.result.per_class as { class: string; population: number }[];
    expect(perClass.map((c) => c.class)).toEqual(order);
    expect(perClass.map((c) => c.population)).toEqual(order.map(Number));
  });
  test('confusion: the classes', async () => {
    const out = await confusionCell.run(confusionCell.parse('source: ints\nreference: label\ncompared: pred').spec!, ctx('c'));
    expect((out.result as { classes: string[] }).classes).toEqual(['0', ...order]);
  });
});
