import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAsBlob } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { driftCell, type ColumnDrift } from '../../../src/core/cells/driftCell';
import { chiSquareSf, kolmogorovSf } from '../../../src/core/stats/distributions';
import { binCountsSql, chiSquareHomogeneity, decileEdgesSql, jensenShannon, ksWassersteinSql, psi, uniqueEdges } from '../../../src/core/stats/drift';
import { ksTwoSamplePValue } from '../../../src/core/stats/ksTwoSamplePValue';

/** Reference values from test/reference/drift_reference.py (standard library, other formulas). */
const rel = (a: number | null, b: number, tol: number) => {
  expect(a).not.toBeNull();
  expect(Math.abs(a! - b) / Math.abs(b)).toBeLessThan(tol);
};
const sample = (name: string) => openAsBlob(fileURLToPath(new URL(`../../../sample-data/${name}`, import.meta.url)));

describe('distributions', () => {
  test('Kolmogorov tail (kstwobign.sf) against the alternating series', () => {
    const ref: [number, number][] = [[0.5, 0.9639452436648751], [0.8, 0.5441424115741981], [1.0, 0.26999967167735456], [1.36, 0.049485876755377876], [2.0, 0.0006709252557796953]];
    for (const [x, v] of ref) rel(kolmogorovSf(x), v, 1e-9);
    expect(kolmogorovSf(0)).toBe(1);
  });
  test('chi-square tail against the closed forms for integer degrees of freedom', () => {
    const ref: [number, number, number][] = [[3.84, 1, 0.05004352124870509], [5.99, 2, 0.05003662708658628], [10, 3, 0.018566135463043233], [20.5, 4, 0.00039777188456711226], [1, 7, 0.9948285365165153]];
    for (const [x, k, v] of ref) rel(chiSquareSf(x, k), v, 1e-9);
  });
});

describe('drift statistics', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
  });
  afterAll(() => engine.close());

  test('KS and Wasserstein on small samples with ties, worked by hand', async () => {
    // a = 1 2 2 3 5, b = 2 2 4 6 6 7. ECDF gaps at 1..7: .2 .267 .467 .3 .5 .167 0 → D = 0.5;
    // W1 = Σ gap × step = .2 + .267 + .467 + .3 + .5 + .167 = 1.9.
    await engine.query(`CREATE OR REPLACE TABLE ka AS SELECT * FROM (VALUES (1), (2), (2), (3), (5), (NULL)) v(x)`);
    await engine.query(`CREATE OR REPLACE TABLE kb AS SELECT * FROM (VALUES (2), (2), (4), (6), (6), (7)) v(x)`);
    const r = (await engine.query(ksWassersteinSql('ka', 'kb', 'x'))).get(0)!.toJSON();
    expect(r.d).toBeCloseTo(0.5, 15);
    rel(r.w1, 1.9, 1e-12);
    expect([r.n1, r.n2]).toEqual([5, 6]);
    // SciPy 1.10.1: stats.ks_2samp([1, 2, 2, 3, 5], [2, 2, 4, 6, 6, 7]).pvalue (exact: 5 and 6 values).
    rel(ksTwoSamplePValue(r.d, r.n1, r.n2), 0.35714285714285715, 1e-6);
  });

  test('PSI with duplicate decile edges: the repeated edges are dropped', async () => {
    await engine.query(`CREATE OR REPLACE TABLE pa AS SELECT * FROM (VALUES (1), (1), (1), (1), (1), (1), (2), (3), (4), (5)) v(x)`);
    await engine.query(`CREATE OR REPLACE TABLE pb AS SELECT * FROM (VALUES (1), (1), (2), (2), (3), (3), (4), (4), (5), (9)) v(x)`);
    const q = (await engine.query(decileEdgesSql('pa', 'x'))).getChild('q')!.get(0)!;
    const edges = uniqueEdges(Array.from(q.toArray() as ArrayLike<number>));
    // NumPy's (and DuckDB's) floating-point position 9 × 0.6 = 5.3999999999999995 gives 1.3999999999999995.
    expect(edges).toEqual([1, 1.3999999999999995, 2.3, 3.2, 4.1]);
    const bins = (await engine.query(binCountsSql('pa', 'pb', 'x', edges))).toArray().map((r) => [r.bin, r.baseline, r.current]);
    expect(bins).toEqual([[0, 6, 2], [2, 1, 2], [3, 1, 2], [4, 1, 2], [5, 1, 2]]);
    rel(psi([6, 0, 1, 1, 1, 1], [2, 0, 2, 2, 2, 2]), 0.7167037876912219, 1e-9);
  });

  test('categorical: PSI, Jensen–Shannon (base 2), chi-square on a 2 × k table with an empty category', () => {
    const b = [50, 30, 20, 0];
    const c = [40, 30, 20, 10];
    rel(psi(b, c), 0.7123991075017365, 1e-9);
    rel(jensenShannon(b, c), 0.2324129365435583, 1e-9);
    const chi = chiSquareHomogeneity(b, c);
    rel(chi.statistic, 11.11111111111111, 1e-9);
    expect(chi.dof).toBe(3);
    rel(chi.pvalue, 0.011139980641667718, 1e-6);
    expect(jensenShannon([1, 2], [1, 2])).toBe(0);
  });

  test("categorical: a NULL and the text 'NULL' are two categories, as are 'dent' and 'dent '", async () => {
    await engine.query(`CREATE OR REPLACE TABLE na AS SELECT * FROM (VALUES ('dent'), ('dent '), ('NULL'), (NULL), (NULL), ('ok')) v(label)`);
    await engine.query(`CREATE OR REPLACE TABLE nb AS SELECT * FROM (VALUES ('dent'), ('NULL'), ('NULL'), (NULL), ('ok'), ('ok')) v(label)`);
    const out = await driftCell.run(driftCell.parse('baseline: na\ncurrent: nb\ncolumns: [label]').spec!, { name: 'd', query: (q) => engine.query(q), params: {} });
    const column = (out.result.columns as ColumnDrift[])[0]!;
    // Counted by hand from the two tables above; NULL listed last.
    expect(column.bins.map((b) => [b.bin, b.baseline, b.current])).toEqual([
      ['NULL', 1, 2],
      ['dent', 1, 1],
      ['dent ', 1, 0],
      ['ok', 1, 2],
      [null, 2, 1],
    ]);
    expect(column.categories).toBe(5);
    expect(column.gone_categories).toEqual(['dent ']);
  });

  test('sample-data: drift where it was seeded, none where it was not', async () => {
    await engine.openFile(await sample('defects_v1.parquet'), 'defects_v1.parquet', { name: 'v1' });
    await engine.openFile(await sample('defects_v2.parquet'), 'defects_v2.parquet', { name: 'v2' });
    const { spec, diagnostics } = driftCell.parse('baseline: v1\ncurrent: v2\ncolumns: [lighting_lux, confidence, label, camera_id]\nlabel: label');
    expect(diagnostics).toEqual([]);
    const out = await driftCell.run(spec!, { name: 'drift', query: (sql) => engine.query(sql), params: {} });
    const col = (n: string) => (out.result.columns as ColumnDrift[]).find((c) => c.column === n)!;
    const lux = col('lighting_lux');
    rel(lux.ks_statistic, 0.6470999816863628, 1e-9);
    expect(lux.ks_pvalue).toBeLessThan(1e-300);
    rel(lux.wasserstein, 119.39971048294119, 1e-9);
    rel(lux.psi, 2.9757735418893527, 1e-9);
    const conf = col('confidence');
    rel(conf.ks_statistic, 0.01643237082066873, 1e-9);
    // SciPy 1.10.1's ks_2samp on the same columns (test/reference/ks_reference.py: sample_data).
    rel(conf.ks_pvalue, 0.844754308870255, 1e-6);
    rel(conf.wasserstein, 0.001940499408983451, 1e-9);
    rel(conf.psi, 0.004898558648117256, 1e-9);
    const label = col('label');
    rel(label.psi, 0.0930419277507767, 1e-9);
    rel(label.js_distance, 0.12880788510041652, 1e-9);
    rel(label.chi2_statistic, 127.02989679737054, 1e-9);
    expect(label.chi2_dof).toBe(9);
    rel(label.chi2_pvalue, 4.8354708542605434e-23, 1e-6);
    rel(col('camera_id').psi, 2.9306693474619676, 1e-9);
    expect(col('camera_id').gone_categories).toEqual(['cam-5', 'cam-6']);
    expect(Object.fromEntries((out.result.columns as ColumnDrift[]).map((c) => [c.column, c.drifted]))).toEqual({ lighting_lux: true, confidence: false, label: true, camera_id: true });
    expect(out.result.drifted_share).toBe(0.75);
    expect((out.result.label_shift as ColumnDrift).bins.find((b) => b.bin === 'scratch')!.current_share).toBeCloseTo(690 / 2520, 12);
    // The vendor batch's Parquet also holds the probabilities as one list column, probs.
    expect(out.result.schema).toEqual({ added: ['probs'], removed: [], retyped: [] });
  });
});
