import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { quoteIdent, quoteLiteral } from '../../../src/core/sql/quote';
import {
  agreementClassesSql,
  agreementStats,
  agreementPrepSql,
  groupingSampleSql,
  useGroups,
  itemSizesSql,
  lowestItemsSql,
  pairwiseKappa,
  raterPairsSql,
  raterSummary,
  raterSummarySql,
  type ClassRow,
  type RaterPairRow,
  type RaterRow,
} from '../../../src/core/stats/agreement';

/** Reference values: exact fractions from test/reference/agreement_reference.py, and published figures. */
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

// Every test runs twice: items grouped by their ratings (weights), and each item on its own.
describe.each([
  ['each item on its own', false],
  ['items grouped by their ratings', true],
])('agreement statistics (SQL in DuckDB + post-processing), %s', (_, grouped) => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
  });
  afterAll(() => engine.close());

  /** Load (item, rater, label[, gold]) rows as a table with awkward column names. */
  async function load(table: string, rows: (readonly [string, string, string | null] | readonly [string, string, string | null, string | null])[]) {
    const values = rows.map(([i, r, l, g]: readonly (string | null | undefined)[]) => `(${quoteLiteral(i)}, ${quoteLiteral(r)}, ${quoteLiteral(l)}, ${quoteLiteral(g ?? null)})`).join(',\n');
    await engine.query(`CREATE OR REPLACE TABLE ${quoteIdent(table)} (${quoteIdent('item id')} VARCHAR, ${quoteIdent('rater "name"')} VARCHAR, ${quoteIdent('label')} VARCHAR, ${quoteIdent('gold')} VARCHAR)`);
    await engine.query(`INSERT INTO ${quoteIdent(table)} VALUES ${values}`);
    return { source: table, item: 'item id', rater: 'rater "name"', label: 'label' };
  }

  const tablesOf = (cols: { source: string }) => {
    const at = (part: string) => `${cols.source}_${part}`;
    return { keys: at('keys'), groups: at('groups'), ratings: at('ratings'), labels: at('labels'), stats: at('stats'), items: at('items') };
  };
  async function stats(cols: Awaited<ReturnType<typeof load>>, gold?: string) {
    const t = tablesOf(cols);
    for (const sql of agreementPrepSql(cols, t, grouped, gold)) await engine.query(sql);
    const classes = (await engine.query(agreementClassesSql(t))).toArray().map((r) => r.toJSON() as ClassRow);
    const sizes = (await engine.query(itemSizesSql(t))).toArray().map((r) => ({ m: Number(r.m), items: Number(r.items) }));
    return agreementStats(classes, sizes);
  }

  test("Fleiss (1971): 30 patients, 6 psychiatrists, 5 diagnoses — kappa 0.4302445 (R irr); exact 5437/12637", async () => {
    const diagnoses = [[4,4,4,4,4,4],[2,2,2,5,5,5],[2,3,3,3,3,5],[5,5,5,5,5,5],[2,2,2,4,4,4],[1,1,3,3,3,3],[3,3,3,3,5,5],[1,1,3,3,3,4],[1,1,4,4,4,4],[5,5,5,5,5,5],[1,4,4,4,4,4],[1,2,4,4,4,4],[2,2,2,3,3,3],[1,4,4,4,4,4],[2,2,4,4,4,5],[3,3,3,3,3,5],[1,1,1,4,5,5],[1,1,1,1,1,2],[2,2,4,4,4,4],[1,3,3,5,5,5],[5,5,5,5,5,5],[2,4,4,4,4,4],[2,2,4,5,5,5],[1,1,4,4,4,4],[1,4,4,4,4,5],[2,2,2,2,2,4],[1,1,1,1,5,5],[2,2,4,4,4,4],[1,3,3,3,3,3],[5,5,5,5,5,5]];
    const cols = await load('fleiss1971', diagnoses.flatMap((row, i) => row.map((d, j) => [`p${i}`, `r${j}`, `dx${d}`] as [string, string, string])));
    const s = await stats(cols);
    expect(s.items).toBe(30);
    // Four patients read 5 by all six, and three more pairs of identical rows: 24 groups.
    if (grouped) expect(Number((await engine.query(`SELECT count(*) AS n FROM ${quoteIdent(tablesOf(cols).groups)}`)).getChild('n')!.get(0))).toBe(24);
    expect(rel(s.fleiss_kappa!, 5437 / 12637)).toBeLessThan(1e-9);
    expect(s.fleiss_kappa!).toBeCloseTo(0.4302445, 7);
    expect(rel(s.krippendorff_alpha, 5477 / 12637)).toBeLessThan(1e-9);
    expect(rel(s.percent_agreement, 5 / 9)).toBeLessThan(1e-9);
  });

  test('Wikipedia Fleiss example: 10 subjects × 14 raters — kappa 0.210; exact 4211/20059', async () => {
    const table = [[0,0,0,0,14],[0,2,6,4,2],[0,0,3,5,6],[0,3,9,2,0],[2,2,8,1,1],[7,7,0,0,0],[3,2,6,3,0],[2,5,3,2,2],[6,5,2,1,0],[0,2,2,3,7]];
    const rows: [string, string, string][] = [];
    table.forEach((counts, i) => {
      let rater = 0;
      counts.forEach((n, c) => {
        for (let k = 0; k < n; k++) rows.push([`s${i}`, `r${rater++}`, `c${c + 1}`]);
      });
    });
    const s = await stats(await load('wiki', rows));
    expect(rel(s.fleiss_kappa!, 4211 / 20059)).toBeLessThan(1e-9);
    expect(s.fleiss_kappa!).toBeCloseTo(0.21, 3);
  });

  test("Krippendorff (2011): 4 observers × 12 units with missing values — alpha 0.743; exact 113/152", async () => {
    const obs = {
      A: [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
      B: [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
      C: [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
      D: [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
    };
    const rows: [string, string, string | null][] = [];
    for (const [rater, values] of Object.entries(obs)) values.forEach((v, u) => rows.push([`u${u + 1}`, rater, v === null ? null : String(v)]));
    const cols = await load('kripp2011', rows);
    const s = await stats(cols);
    expect(rel(s.krippendorff_alpha, 113 / 152)).toBeLessThan(1e-9);
    expect(s.krippendorff_alpha).toBeCloseTo(0.743, 3);
    // Unit 12 has one value: not pairable. Items have 2, 3 or 4 values: Fleiss does not apply.
    expect(s.items).toBe(11);
    expect(s.fleiss_kappa).toBeNull();
    expect(rel(s.percent_agreement, 43 / 55)).toBeLessThan(1e-9);
    // Lowest-agreement items first: unit 6 has four different values.
    const items = (await engine.query(lowestItemsSql(tablesOf(cols), grouped, 100))).toArray().map((r) => r.toJSON());
    expect(items).toHaveLength(11);
    expect(items[0]).toMatchObject({ item: 'u6', ratings: 4, agreement: 0, labels: '1 ×1, 2 ×1, 3 ×1, 4 ×1' });
    expect(items.at(-1)!.agreement).toBe(1);
  });

  test('per-class agreement, majority agreement with ties excluded, gold accuracy and pairwise kappa (worked by hand)', async () => {
    // i1: a a b (majority a)   i2: b b b (b)   i3: a b (tie: excluded)   i4: c c a — gold for i1 = a, i4 = a
    const cols = await load('small', [
      ['i1', 'x', 'a', 'a'], ['i1', 'y', 'a', 'a'], ['i1', 'z', 'b', 'a'],
      ['i2', 'x', 'b'], ['i2', 'y', 'b'], ['i2', 'z', 'b'],
      ['i3', 'x', 'a'], ['i3', 'y', 'b'],
      ['i4', 'x', 'c', 'a'], ['i4', 'y', 'c', 'a'], ['i4', 'z', 'a', 'a'],
    ]);
    const s = await stats(cols, 'gold');
    // Ordered agreeing pairs: i1 2 (a,a), i2 6, i3 0, i4 2 → 10; all ordered pairs: 6 + 6 + 2 + 6 = 20.
    expect(s.percent_agreement).toBe(10 / 20);
    // Per class: a agrees in 2 pairs of Σ n_ua (m_u − 1) = 2·2 + 1·1 + 1·2 = 7; b: 6 of (1·2 + 3·2 + 1·1) = 9; c: 2 of 2·2 = 4.
    expect(Object.fromEntries(s.per_class.map((c) => [c.class, c.agreement]))).toEqual({ a: 2 / 7, b: 6 / 9, c: 2 / 4 });
    // The most chosen label's votes per item, which decide the majority: i1 a×2, i2 b×3, i3 tied at 1, i4 c×2.
    const votes = (await engine.query(`SELECT item, top_votes FROM ${quoteIdent(tablesOf(cols).items)} ORDER BY item`)).toArray().map((r) => [r.item, r.top_votes]);
    expect(votes).toEqual([['i1', 2], ['i2', 3], ['i3', 1], ['i4', 2]]);
    const raters = raterSummary((await engine.query(raterSummarySql(cols, tablesOf(cols), grouped, 'gold'))).toArray().map((r) => r.toJSON() as RaterRow));
    // x: majority items i1 (a ✓), i2 (b ✓), i4 (c ✓) → 3/3; gold i1 ✓, i4 ✗ → 1/2
    // z: i1 b ✗, i2 ✓, i4 a ✗ → 1/3; gold i1 ✗, i4 ✓ → 1/2
    expect(raters).toEqual([
      { rater: 'x', ratings: 4, agreement_with_majority: 1, gold_items: 2, gold_accuracy: 0.5 },
      { rater: 'y', ratings: 4, agreement_with_majority: 1, gold_items: 2, gold_accuracy: 0.5 },
      { rater: 'z', ratings: 3, agreement_with_majority: 1 / 3, gold_items: 2, gold_accuracy: 0.5 },
    ]);
    const pk = pairwiseKappa((await engine.query(raterPairsSql(cols, tablesOf(cols), grouped))).toArray().map((r) => r.toJSON() as RaterPairRow));
    expect(pk.raters).toEqual(['x', 'y', 'z']);
    // x vs y on i1 (a,a), i2 (b,b), i3 (a,b), i4 (c,c): p_o = 3/4; margins x a2 b1 c1, y a1 b2 c1
    // → p_e = (2 + 2 + 1)/16 = 5/16 → kappa = (3/4 − 5/16)/(11/16) = 7/11. Shared counts are symmetric.
    expect(rel(pk.kappa[0]![1]!, 7 / 11)).toBeLessThan(1e-12);
    expect(pk.kappa[1]![0]).toBe(pk.kappa[0]![1]);
    expect(pk.shared[0]![1]).toBe(4);
    expect(pk.shared[2]![0]).toBe(3);
    // x vs z over i1 (a,b), i2 (b,b), i4 (c,a): labels a,b,c; p_o = 1/3;
    // margins x: a1 b1 c1, z: a1 b2 c0 → p_e = (1·1 + 1·2 + 1·0)/9 = 1/3 → kappa 0.
    expect(pk.kappa[0]![2]).toBeCloseTo(0, 15);
  });

  test('pairwise kappa is null where two raters only ever gave one and the same label, and missing for raters who share no item', async () => {
    const cols = await load('onelabel', [['i1', 'p', 'a'], ['i1', 'q', 'a'], ['i2', 'p', 'a'], ['i2', 'q', 'a'], ['i3', 's', 'b'], ['i3', 't', 'a']]);
    await stats(cols);
    const pk = pairwiseKappa((await engine.query(raterPairsSql(cols, tablesOf(cols), grouped))).toArray().map((r) => r.toJSON() as RaterPairRow));
    expect(pk.raters).toEqual(['p', 'q', 's', 't']);
    // p vs q: N = 2, both agree, chance = 2·2 → N² − chance = 0. s vs t: N = 1, agree 0, chance 0 → kappa 0.
    expect(pk.kappa[0]![1]).toBeNull();
    expect(pk.shared[0]![1]).toBe(2);
    expect(pk.kappa[2]![3]).toBe(0);
    expect(pk.kappa[0]![2]).toBeNull();
    expect(pk.shared[0]![2]).toBe(0);
  });
});

describe('grouping items by their ratings', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
  });
  afterAll(() => engine.close());
  const cols = { source: 'g', item: 'item', rater: 'rater', label: 'label' };
  const t = { keys: 'g_keys', groups: 'g_groups', ratings: 'g_ratings', labels: 'g_labels', stats: 'g_stats', items: 'g_items' };

  test('items share a group exactly when their (rater, label) multisets and gold labels are equal', async () => {
    // A and B: the same two ratings in another order; C: the raters swapped; D and F: x's "a" twice;
    // E: y's "b" twice (same count as D, another multiset); G: A's ratings with a gold label.
    const rows = [
      ['A', 'x', 'a', null], ['A', 'y', 'b', null],
      ['B', 'y', 'b', null], ['B', 'x', 'a', null],
      ['C', 'x', 'b', null], ['C', 'y', 'a', null],
      ['D', 'x', 'a', null], ['D', 'x', 'a', null], ['D', 'y', 'b', null],
      ['E', 'x', 'a', null], ['E', 'y', 'b', null], ['E', 'y', 'b', null],
      ['F', 'y', 'b', null], ['F', 'x', 'a', null], ['F', 'x', 'a', null],
      ['G', 'x', 'a', 'a'], ['G', 'y', 'b', null],
    ];
    await engine.query(`CREATE OR REPLACE TABLE g AS SELECT * FROM (VALUES ${rows.map((r) => `(${r.map(quoteLiteral).join(', ')})`).join(', ')}) v(item, rater, label, gold)`);
    for (const sql of agreementPrepSql(cols, t, true, 'gold')) await engine.query(sql);
    const groups = (await engine.query(`SELECT g, w, m FROM g_groups ORDER BY g`)).toArray().map((r) => [r.g, r.w, r.m]);
    expect(groups).toEqual([['A', 2, 2], ['C', 1, 2], ['D', 2, 3], ['E', 1, 3], ['G', 1, 2]]);
    // The view of items maps each item back to its group's statistics: D and F agree in 2 of 6 ordered pairs.
    const items = (await engine.query(`SELECT item, ratings, agreement FROM g_items ORDER BY item`)).toArray().map((r) => [r.item, r.ratings, r.agreement]);
    expect(items).toEqual([['A', 2, 0], ['B', 2, 0], ['C', 2, 0], ['D', 3, 1 / 3], ['E', 3, 1 / 3], ['F', 3, 1 / 3], ['G', 2, 0]]);
    // The lowest five: the four items at 0 (groups A×2, C, G), then D, the first of the three at 1/3.
    const lowest = async (n: number) => (await engine.query(lowestItemsSql(t, true, n))).toArray().map((r) => r.item);
    expect(await lowest(5)).toEqual(['A', 'B', 'C', 'G', 'D']);
    expect(await lowest(2)).toEqual(['A', 'B']);
    expect(await lowest(0)).toEqual([]);
    expect(await lowest(50)).toEqual(['A', 'B', 'C', 'G', 'D', 'E', 'F']);
    // Run again ungrouped under the same names: the grouped tables go, the view reads the items alike.
    for (const sql of agreementPrepSql(cols, t, false, 'gold')) await engine.query(sql);
    expect(Number((await engine.query(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name IN ('g_keys', 'g_groups', 'g_ratings')`)).getChild('n')!.get(0))).toBe(0);
    expect((await engine.query(`SELECT item, ratings, agreement FROM g_items ORDER BY item`)).toArray().map((r) => [r.item, r.ratings, r.agreement])).toEqual(items);
  });

  test('the sample of items estimates whether grouping pays', async () => {
    // 6,400 items: all rated alike (one key), then each with a label of its own (all keys distinct).
    const estimate = async (label: string) => {
      await engine.query(`CREATE OR REPLACE TABLE g AS SELECT i // 2 AS item, 'r' || (i % 2) AS rater, ${label} AS label, NULL AS gold FROM range(12800) t(i)`);
      const r = (await engine.query(groupingSampleSql(cols))).toArray()[0]!;
      return { groups: Number(r.groups), items: Number(r.items) };
    };
    const alike = await estimate(`'ok'`);
    expect(alike.groups).toBe(1);
    expect(alike.items).toBeGreaterThan(100);
    expect(alike.items).toBeLessThan(300);
    expect(useGroups(alike)).toBe(true);
    const distinct = await estimate(`'c' || (i // 2)`);
    expect(distinct.groups).toBe(distinct.items);
    expect(useGroups(distinct)).toBe(false);
  });

  test('grouping is used only when it at least halves the items', () => {
    expect(useGroups({ groups: 5, items: 10 })).toBe(true);
    expect(useGroups({ groups: 6, items: 10 })).toBe(false);
    expect(useGroups({ groups: 0, items: 0 })).toBe(true);
  });
});
