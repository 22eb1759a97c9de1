import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAsBlob } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { checksCell } from '../../../src/core/cells/checksCell';
import { parseNotebook } from '../../../src/core/notebook/parseNotebook';
import { analyzeNotebook } from '../../../src/core/notebook/analyzeNotebook';
import { runCells } from '../../../src/core/notebook/runCells';
import type { RuleOutcome } from '../../../src/core/stats/checks';
import { referenceRows } from '../../e2e/referenceData';

const sample = (name: string) => openAsBlob(fileURLToPath(new URL(`../../../sample-data/${name}`, import.meta.url)));

const SPEC = `source: batch
key: image_id
rules:
  - not_null: camera_id
    name: camera_present
  - not_null: camera_id
    name: camera_mostly
    severity: warn
    mostly: 0.7
  - unique: image_id
  - in_set: label
    values: [crack, dent, ok, scratch, stain]
    name: taxonomy
  - between: lighting_lux
    min: 450
    max: 900
  - matches: image_path
    pattern: '^images/img_[0-9]{6}\\.png$'
  - relation: width >= height
  - sql: confidence >= 0.6
  - row_count: true
    min: 1000
    max: 1000000
  - max_null_share: lighting_lux
    share: 0.02`;

describe('checks cell', () => {
  let engine: NodeEngine;
  // The vendor batch parsed from its CSV copy by hand: the reference for every count.
  const ref = referenceRows('defects_v2.csv');
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.openFile(await sample('defects_v2.parquet'), 'defects_v2.parquet', { name: 'batch' });
  });
  afterAll(() => engine.close());

  test('every rule against counts taken from the CSV', async () => {
    const { spec, diagnostics } = checksCell.parse(SPEC);
    expect(diagnostics).toEqual([]);
    const out = await checksCell.run(spec!, { name: 'gates', query: (sql) => engine.query(sql), params: {} });
    const r = out.result as { passed: boolean; rules: RuleOutcome[]; errors_failed: number; warnings_failed: number; failing_examples: Record<string, unknown[]> };
    const byName = Object.fromEntries(r.rules.map((x) => [x.name, x]));
    const missingCamera = ref.filter((x) => x.camera_id === '').length;
    const idCounts = new Map<string, number>();
    for (const x of ref) idCounts.set(x.image_id!, (idCounts.get(x.image_id!) ?? 0) + 1);
    const dupRows = ref.filter((x) => idCounts.get(x.image_id!)! > 1).length;
    const offTaxonomy = ref.filter((x) => x.label !== '' && !['crack', 'dent', 'ok', 'scratch', 'stain'].includes(x.label!)).length;
    const luxOut = ref.filter((x) => x.lighting_lux !== '' && (Number(x.lighting_lux) < 450 || Number(x.lighting_lux) > 900)).length;
    const lowConfidence = ref.filter((x) => Number(x.confidence) < 0.6).length;
    const luxNullShare = ref.filter((x) => x.lighting_lux === '').length / ref.length;

    expect(byName.camera_present).toMatchObject({ passed: false, failing_rows: missingCamera, severity: 'error', view: 'gates_camera_present' });
    expect(byName.camera_present!.failing_share).toBeCloseTo(missingCamera / ref.length, 12);
    // 24 % missing: a 70 % tolerance passes.
    expect(byName.camera_mostly).toMatchObject({ passed: true, failing_rows: missingCamera, severity: 'warn' });
    expect(byName.rule_3).toMatchObject({ rule: 'unique', passed: false, failing_rows: dupRows });
    expect(dupRows).toBe(40);
    expect(byName.taxonomy).toMatchObject({ passed: false, failing_rows: offTaxonomy });
    expect(offTaxonomy).toBe(36);
    expect(byName.rule_5).toMatchObject({ passed: luxOut === 0, failing_rows: luxOut });
    expect(byName.rule_6).toMatchObject({ passed: true, failing_rows: 0 });
    expect(byName.rule_7).toMatchObject({ passed: true, failing_rows: 0 });
    expect(byName.rule_8).toMatchObject({ passed: lowConfidence === 0, failing_rows: lowConfidence });
    expect(byName.rule_9).toMatchObject({ passed: true, observed: ref.length, failing_rows: null });
    expect(byName.rule_10!.observed).toBeCloseTo(luxNullShare, 12);
    expect(byName.rule_10!.passed).toBe(luxNullShare <= 0.02);
    expect(r.passed).toBe(false);
    // Failing rows show the key and the column; the view holds all of them, no cap.
    expect(r.failing_examples.taxonomy![0]).toEqual({ image_id: expect.stringMatching(/^img_1/), label: expect.any(String) });
    const all = await engine.query('SELECT count(*)::INT AS n FROM gates_camera_present');
    expect(all.getChild('n')!.get(0)).toBe(missingCamera);
    const summary = await engine.query('SELECT count(*) FILTER (WHERE NOT passed)::INT AS failed FROM gates');
    expect(summary.getChild('failed')!.get(0)).toBe(r.errors_failed + r.warnings_failed);
  });

  test('a metric gate reads an earlier cell, which it depends on; views of failing rows are names later cells can read', async () => {
    const text = `---
sources:
  batch: x.parquet
---
\`\`\`sql later
SELECT count(*) AS n FROM gate_taxonomy
\`\`\`

\`\`\`confusion annotators
source: batch
reference: annotator_a
compared: annotator_b
\`\`\`

\`\`\`checks gate
source: batch
rules:
  - metric: annotators.kappa
    op: ">="
    value: 0.85
    name: kappa
  - metric: annotators.accuracy
    value: 0.8
    severity: warn
  - in_set: label
    values: [crack, dent, ok, scratch, stain]
    name: taxonomy
\`\`\`
`;
    const { notebook, diagnostics } = parseNotebook(text);
    expect(diagnostics).toEqual([]);
    const analysis = analyzeNotebook(notebook);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.order).toEqual(['annotators', 'gate', 'later']);
    const runs = await runCells(analysis, { query: (sql) => engine.query(sql), params: {} });
    expect(runs.map((r) => [r.name, r.status])).toEqual([['annotators', 'ok'], ['gate', 'ok'], ['later', 'ok']]);
    const gate = runs[1]!.output!.result as { passed: boolean; rules: RuleOutcome[] };
    // Annotator kappa on sample-data is 3723715/4493364 ≈ 0.8287 (test/reference): below 0.85.
    expect(gate.rules[0]).toMatchObject({ name: 'kappa', passed: false });
    expect(gate.rules[0]!.observed).toBeCloseTo(3723715 / 4493364, 12);
    expect(gate.rules[1]).toMatchObject({ passed: true, severity: 'warn' });
    expect(gate.passed).toBe(false);
    expect(runs[2]!.output!.result.head).toEqual([{ n: 36 }]);
  });

  test('spec problems by line', () => {
    expect(checksCell.parse('source: t\nrules:\n  - not_nul: a').diagnostics).toEqual([
      { line: 2, message: 'rules: rule 1: needs exactly one of not_null, unique, in_set, between, matches, max_null_share, relation, sql, row_count, metric' },
    ]);
    expect(checksCell.parse('source: t\nrules:\n  - between: x').diagnostics[0]!.message).toBe('rules: rule 1: between needs a numeric min and/or max');
    expect(checksCell.parse('source: t\nrules:\n  - not_null: a\n    mostly: 2').diagnostics[0]!.message).toBe('rules: rule 1: mostly must be a share from 0 to 1');
    expect(checksCell.parse('source: t\nrules: []').diagnostics[0]!.message).toBe('rules: must be a list of rules, e.g. - not_null: label');
  });

  test('compare: the same rules judged on a second version, side by side (counted by hand)', async () => {
    // before: labels a, x, NULL, a, y → 2 outside {a, b} (x, y: a NULL fails only not_null,
    // as in Great Expectations); after: the cleaned copy a, a, b → 0. Row counts 5 and 3 vs. min 4.
    await engine.query(`CREATE OR REPLACE TABLE before_t AS SELECT * FROM (VALUES (1, 'a'), (2, 'x'), (3, NULL), (4, 'a'), (5, 'y')) t(id, label)`);
    await engine.query(`CREATE OR REPLACE TABLE after_t AS SELECT * FROM (VALUES (1, 'a'), (4, 'a'), (6, 'b')) t(id, label)`);
    const { spec, diagnostics } = checksCell.parse('source: before_t\ncompare: after_t\nrules:\n  - in_set: label\n    values: [a, b]\n    name: taxonomy\n  - row_count: true\n    min: 4');
    expect(diagnostics).toEqual([]);
    expect([...checksCell.references(spec!)]).toEqual(['before_t', 'after_t']);
    const out = await checksCell.run(spec!, { name: 'cmp', query: (sql) => engine.query(sql), params: {} });
    const r = out.result as { passed: boolean; rules: RuleOutcome[]; compare: { source: string; rows: number; passed: boolean; rules: { name: string; passed: boolean; failing_rows: number | null; observed: number | null }[] } };
    expect(r.passed).toBe(false);
    expect(r.rules.map((x) => [x.name, x.failing_rows])).toEqual([
      ['taxonomy', 2],
      ['rule_2', null],
    ]);
    expect(r.compare).toMatchObject({ source: 'after_t', rows: 3, passed: false });
    expect(r.compare.rules).toEqual([
      { name: 'taxonomy', passed: true, failing_rows: 0, failing_share: 0, observed: null },
      { name: 'rule_2', passed: false, failing_rows: null, failing_share: null, observed: 3 },
    ]);
  });
});
