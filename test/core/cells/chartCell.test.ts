import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { chartCell, chartSql, parseAggregate, type ChartSpec } from '../../../src/core/cells/chartCell';

describe('chart cell', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    // 12 rows: class a ×5 (lux 100..500), b ×4 (lux 600..900), NULL class ×3 (lux 0, 50, 1000); vendor alternates.
    await engine.query(`CREATE TABLE "t w" AS SELECT CASE WHEN i < 5 THEN 'a' WHEN i < 9 THEN 'b' END AS "class name",
      CASE WHEN i < 5 THEN (i + 1) * 100 WHEN i < 9 THEN (i + 1) * 100 WHEN i = 9 THEN 0 WHEN i = 10 THEN 50 ELSE 1000 END AS lux,
      CASE WHEN i % 2 = 0 THEN 'v1' ELSE 'v2' END AS vendor FROM range(12) r(i)`);
  });
  afterAll(() => engine.close());

  const run = async (body: string) => {
    const { spec, diagnostics } = chartCell.parse(body);
    expect(diagnostics).toEqual([]);
    return (await chartCell.run(spec!, { name: 'c', query: (sql) => engine.query(sql), params: {} })).result as { rows: Record<string, unknown>[]; x_kind: string; y: string };
  };

  test('bars: one row per group, aggregated in SQL (counted by hand)', async () => {
    const out = await run('source: t w\nmark: bar\nx: class name\ny: count\nfill: vendor');
    expect(out.rows).toEqual([
      { x: 'a', fill: 'v1', y: 3 },
      { x: 'a', fill: 'v2', y: 2 },
      { x: 'b', fill: 'v1', y: 2 },
      { x: 'b', fill: 'v2', y: 2 },
      { x: null, fill: 'v1', y: 1 },
      { x: null, fill: 'v2', y: 2 },
    ]);
    expect(out.x_kind).toBe('categorical');
    const mean = await run('source: t w\nx: class name\ny: mean(lux)');
    expect(mean.rows).toEqual([{ x: 'a', y: 300 }, { x: 'b', y: 750 }, { x: null, y: 350 }]);
    expect(mean.y).toBe('mean of lux');
  });

  test('histogram: equal bins over [min, max], the maximum in the last bin', async () => {
    // lux: 0, 50, 100..900, 1000 → 4 bins of 250: [0,250) 0 50 100 200 → 4; [250,500) 300 400 → 2;
    // [500,750) 500 600 700 → 3; [750,1000] 800 900 1000 → 3.
    const out = await run('source: t w\nmark: histogram\nx: lux\nbins: 4');
    expect(out.rows).toEqual([
      { x1: 0, x2: 250, y: 4 },
      { x1: 250, x2: 500, y: 2 },
      { x1: 500, x2: 750, y: 3 },
      { x1: 750, x2: 1000, y: 3 },
    ]);
  });

  test('heatmap and facets; too many marks is refused, not cut', async () => {
    const heat = await run('source: t w\nmark: heatmap\nx: class name\ny: vendor\nvalue: max(lux)');
    expect(heat.rows).toContainEqual({ x: 'b', y: 'v2', value: 800 });
    const { spec } = chartCell.parse('source: t w\nx: lux\ny: count\nlimit: 5');
    await expect(chartCell.run(spec!, { name: 'c', query: (sql) => engine.query(sql), params: {} })).rejects.toThrow(/would draw 12 marks, more than its limit of 5/);
  });

  test('spec problems name the key; every generated query binds in DuckDB, hostile names included', async () => {
    expect(chartCell.parse('source: t\nx: a\ny: total(b)').diagnostics[0]!.message).toMatch(/^y: must be an aggregate/);
    expect(chartCell.parse('source: t\nmark: pie\nx: a').diagnostics[0]!.message).toMatch(/^mark: must be one of bar, dot/);
    expect(parseAggregate('count')).toEqual({ fn: 'count', column: null });
    expect(parseAggregate('sum(a b)')).toEqual({ fn: 'sum', column: 'a b' });
    expect(parseAggregate('sum')).toBeNull();
    const base: ChartSpec = { source: 'we"ird', mark: 'bar', x: 'x"', y: { fn: 'median', column: 'é' }, value: { fn: 'count', column: null }, bins: 10, limit: 10, fill: 'f f', facet: 'select' };
    await engine.query('CREATE TABLE "we""ird" ("x""" DOUBLE, "é" DOUBLE, "f f" VARCHAR, "select" VARCHAR, y VARCHAR)');
    for (const mark of ['bar', 'line', 'histogram', 'heatmap'] as const) {
      const sql = chartSql({ ...base, mark, y: mark === 'heatmap' ? 'y' : base.y });
      await expect(engine.query(`EXPLAIN ${sql}`)).resolves.toBeDefined();
    }
  });
});
