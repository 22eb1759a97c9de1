import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAsBlob } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { confusionCell, type ConfusionResult } from '../../../src/core/cells/confusionCell';
import { agreementCell } from '../../../src/core/cells/agreementCell';
import { AssayError } from '../../../src/core/errors';

const sample = (name: string) => openAsBlob(fileURLToPath(new URL(`../../../sample-data/${name}`, import.meta.url)));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('confusion and agreement cells on sample-data', () => {
  let engine: NodeEngine;
  const ctx = (name: string) => ({ name, query: (sql: string) => engine.query(sql), params: {} });
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.openFile(await sample('defects_v2.parquet'), 'defects_v2.parquet', { name: 'batch' });
    await engine.openFile(await sample('ratings.parquet'), 'ratings.parquet', { name: 'ratings' });
  });
  afterAll(() => engine.close());

  const parse = (body: string) => {
    const { spec, diagnostics } = confusionCell.parse(body);
    expect(diagnostics).toEqual([]);
    return spec!;
  };

  test('annotator A vs B: matrix, kappa and accuracy match the reference (test/reference/agreement_reference.py)', async () => {
    const out = await confusionCell.run(parse('source: batch\nreference: annotator_a\ncompared: annotator_b'), ctx('ab'));
    const r = out.result as unknown as ConfusionResult;
    expect(r.classes).toEqual(['crack', 'dent', 'ok', 'scratch', 'stain']);
    expect(r.matrix).toEqual([
      [180, 6, 10, 66, 2],
      [7, 240, 11, 4, 6],
      [14, 5, 996, 10, 11],
      [78, 6, 10, 609, 0],
      [6, 2, 47, 6, 175],
    ]);
    expect(r.excluded_null).toBe(13);
    expect(rel(r.kappa, 3723715 / 4493364)).toBeLessThan(1e-9);
    expect(rel(r.accuracy, 2200 / 2507)).toBeLessThan(1e-9);
    // The cell's view holds the pair counts: crack confused with scratch 66 times.
    const v = await engine.query(`SELECT n FROM ab WHERE reference = 'crack' AND compared = 'scratch'`);
    expect(v.getChild('n')!.get(0)).toBe(66);
  });

  test('ordinal severity with quadratic and linear weights', async () => {
    const q = await confusionCell.run(parse('source: batch\nreference: severity_a\ncompared: severity_b\nweights: quadratic\nclasses: [0, 1, 2, 3]'), ctx('sev'));
    expect(rel((q.result as unknown as ConfusionResult).kappa, 928369 / 997417)).toBeLessThan(1e-9);
    const l = await confusionCell.run(parse('source: batch\nreference: severity_a\ncompared: severity_b\nweights: linear\nclasses: [0, 1, 2, 3]'), ctx('sev'));
    expect(rel((l.result as unknown as ConfusionResult).kappa, 531443 / 600491)).toBeLessThan(1e-9);
  });

  test('label vs prediction: off-taxonomy labels are classes of their own; F1 of crack matches', async () => {
    const out = await confusionCell.run(parse('source: batch\nreference: label\ncompared: prediction\nnormalize: row\nby: vendor_batch'), ctx('lp'));
    const r = out.result as unknown as ConfusionResult & { groups: ConfusionResult[] };
    expect(r.classes).toEqual(['Crack', 'crack', 'dent', 'dent ', 'ok', 'scrach', 'scratch', 'stain', 'unknown']);
    const crack = r.per_class.find((c) => c.class === 'crack')!;
    expect(rel(crack.f1, 382 / 631)).toBeLessThan(1e-9);
    // 'Crack' is never predicted: precision 0 by zero_division=0; it has support 13.
    expect(r.per_class.find((c) => c.class === 'Crack')).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 13 });
    for (const row of r.shown) {
      const s = row.reduce((a, b) => a + b, 0);
      expect(s === 0 || Math.abs(s - 1) < 1e-12).toBe(true);
    }
    expect(r.groups.map((g) => g.classes)).toEqual([r.classes]);
    expect(r.groups[0]!.matrix).toEqual(r.matrix);
  });

  test('a label column with 200,000 distinct values is refused politely', async () => {
    await engine.query(`CREATE OR REPLACE TABLE wide AS SELECT 'id' || range AS a, 'id' || (range % 7) AS b FROM range(200000)`);
    const err = await confusionCell.run(parse('source: wide\nreference: a\ncompared: b'), ctx('wide_cm')).catch((e) => e);
    expect(err).toBeInstanceOf(AssayError);
    expect((err as Error).message).toMatch(/wide_cm: a and b hold 200,00\d distinct labels; a confusion matrix shows at most 500 classes/);
  });

  test('spec errors are reported by line and never thrown', () => {
    expect(confusionCell.parse('source: batch\nrefrence: a\ncompared: b').diagnostics).toEqual([
      { line: 1, message: 'reference is required' },
      { line: 2, message: 'unknown key "refrence" (expected source, reference, compared, classes, normalize, weights, by)' },
    ]);
    expect(confusionCell.parse('source: batch\nreference: a\ncompared: b\nweights: cubic').diagnostics).toEqual([{ line: 4, message: 'weights: must be one of none, linear, quadratic' }]);
    expect(confusionCell.parse('source: [unclosed').diagnostics[0]!.message).toMatch(/^YAML:/);
    expect(confusionCell.parse('').diagnostics).toEqual([{ line: 1, message: 'the spec is empty' }]);
    expect(confusionCell.parse('- a\n- b').diagnostics).toEqual([{ line: 1, message: 'the spec must be YAML key: value lines' }]);
  });

  test('agreement over the sample ratings (uneven numbers of ratings): alpha, percent agreement, gold accuracy', async () => {
    const { spec, diagnostics } = agreementCell.parse('source: ratings\nitem: item_id\nrater: rater\nlabel: label\ngold: gold_label\nlowest: 5');
    expect(diagnostics).toEqual([]);
    const out = await agreementCell.run(spec!, ctx('agree'));
    const r = out.result as Record<string, unknown> & { raters: { rater: string; gold_accuracy: number; agreement_with_majority: number }[] };
    expect(rel(r.krippendorff_alpha as number, 385391 / 583616)).toBeLessThan(1e-9);
    expect(rel(r.percent_agreement as number, 161 / 216)).toBeLessThan(1e-9);
    expect(r.fleiss_kappa).toBeNull();
    expect(Object.fromEntries(r.raters.map((x) => [x.rater, x.gold_accuracy]))).toEqual({ r1: 19 / 22, r2: 19 / 22, r3: 15 / 16, r4: 13 / 14, r5: 9 / 14 });
    expect(out.table!.numRows).toBe(5);
    expect((r.lowest_items as { agreement: number }[]).map((x) => x.agreement)).toEqual([...(r.lowest_items as { agreement: number }[]).map((x) => x.agreement)].sort((a, b) => a - b));
    // The careless rater r5 agrees least with the majority.
    const byMajority = [...r.raters].sort((a, b) => a.agreement_with_majority - b.agreement_with_majority);
    expect(byMajority[0]!.rater).toBe('r5');
  });
});
