import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAsBlob, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { profileCell } from '../../../src/core/cells/profileCell';
import { checksCell } from '../../../src/core/cells/checksCell';
import { suggestChecks, suggestionsBody, type ProfileResult } from '../../../src/core/suggest/suggestChecks';
import { backtest, contractConflicts, sameShape } from '../../../src/core/suggest/backtest';
import { parseManifest } from '../../../src/core/manifest/manifest';
import type { RuleOutcome } from '../../../src/core/stats/checks';

const sample = (name: string) => fileURLToPath(new URL(`../../../sample-data/${name}`, import.meta.url));

describe('backtest', () => {
  let engine: NodeEngine;
  const q = (sql: string) => engine.query(sql);
  const profile = async (body: string) => {
    const { spec } = profileCell.parse(body);
    return (await profileCell.run(spec!, { name: 'p', query: q, params: {} })).result as unknown as ProfileResult;
  };
  beforeAll(async () => {
    engine = await NodeEngine.create();
    for (const v of ['v1', 'v2']) await engine.openFile(await openAsBlob(sample(`defects_${v}.parquet`)), `defects_${v}.parquet`, { name: `defects_${v}` });
    // A healthy week and a bad one, decided by hand: in `bad`, 2 of 4 rows have lux out of
    // range, one has no id, one repeats an id, one has a label outside the set.
    await q(`CREATE TABLE good AS SELECT * FROM (VALUES ('a1', 'ok', 10.0), ('a2', 'ng', 20.0), ('a3', 'ok', 30.0), ('a4', 'ok', 40.0)) v(id, label, lux)`);
    await q(`CREATE TABLE bad AS SELECT * FROM (VALUES ('a1', 'ok', 100.0), (NULL, 'ng', 20.0), ('a1', 'maybe', 0.0), ('a4', 'ok', 40.0)) v(id, label, lux)`);
    await q(`CREATE TABLE other AS SELECT * FROM (VALUES (1)) v(x)`);
  });
  afterAll(() => engine.close());

  test('hand-decided: rule × version with failing rows', async () => {
    const { rules } = await suggestChecks(q, 'good', await profile('source: good\nkey: id'));
    expect(rules.map((r) => r.name)).toEqual(['row_count', 'id_not_null', 'id_unique', 'id_pattern', 'label_not_null', 'label_in_set', 'lux_not_null', 'lux_range']);
    // lux 10…40: widened by 3 to 7…43, rounded to 7 and 43 (step 1)
    expect(rules.find((r) => r.name === 'lux_range')!.item).toMatchObject({ min: 7, max: 43 });
    const bt = await backtest(
      q,
      rules.map((r) => r.check),
      [
        { label: 'good', source: 'good' },
        { label: 'bad', source: 'bad' },
        { label: 'other', source: 'other' },
      ],
    );
    expect(bt.versions.map((v) => v.rows)).toEqual([4, 4, 1]);
    const failing = Object.fromEntries(bt.rules.map((r) => [r.name, r.cells.map((c) => c.failing_rows)]));
    expect(failing).toEqual({
      row_count: [null, null, null],
      id_not_null: [0, 1, null],
      id_unique: [0, 2, null],
      id_pattern: [0, 0, null],
      label_not_null: [0, 0, null],
      label_in_set: [0, 1, null],
      lux_not_null: [0, 0, null],
      lux_range: [0, 2, null],
    });
    const fired = Object.fromEntries(bt.rules.map((r) => [r.name, r.fired]));
    // row_count 2…6 holds for 4 rows and fails on 1; every column rule fails on `other`, which lacks the column.
    expect(fired).toEqual({ row_count: 1, id_not_null: 2, id_unique: 2, id_pattern: 1, label_not_null: 1, label_in_set: 2, lux_not_null: 1, lux_range: 2 });
    expect(bt.rules[1]!.cells[2]!.error).toBe('other has no column id');
    expect(bt.rules[0]!.cells.map((c) => c.observed)).toEqual([4, 4, 1]);
  });

  test('on the sample versions the counts equal running the suggested checks cell on each version', async () => {
    const p = await profile('source: defects_v1\nkey: image_id');
    const { rules } = await suggestChecks(q, 'defects_v1', p);
    const bt = await backtest(
      q,
      rules.map((r) => r.check),
      ['v1', 'v2'].map((v) => ({ label: v, source: `defects_${v}` })),
    );
    for (const [vi, v] of ['v1', 'v2'].entries()) {
      const { spec, diagnostics } = checksCell.parse(suggestionsBody(`defects_${v}`, 'image_id', rules));
      expect(diagnostics).toEqual([]);
      const out = await checksCell.run(spec!, { name: `suggested_${v}`, query: q, params: {} });
      const outcomes = (out.result as { rules: RuleOutcome[] }).rules;
      expect(bt.versions[vi]!.rows).toBe(out.result.rows);
      for (const [i, row] of bt.rules.entries()) {
        const o = outcomes[i]!;
        expect(o.name).toBe(row.name);
        expect({ name: row.name, passed: row.cells[vi]!.passed, failing_rows: row.cells[vi]!.failing_rows, observed: row.cells[vi]!.observed }).toEqual({ name: o.name, passed: o.passed, failing_rows: o.failing_rows, observed: o.observed });
      }
    }
    // Made from v1, every rule passes on v1; v2 (vendor B's batch) fires some of them.
    expect(bt.rules.filter((r) => !r.cells[0]!.passed)).toEqual([]);
    const firedOnV2 = bt.rules.filter((r) => !r.cells[1]!.passed).map((r) => r.name);
    expect(firedOnV2).toContain('vendor_batch_in_set');
    expect(firedOnV2.length).toBeGreaterThan(0);
  });

  test('the same shape: every column of the profiled source, of the same class; extra columns allowed', () => {
    const base = [
      { name: 'id', type: 'VARCHAR' },
      { name: 'n', type: 'INTEGER' },
    ];
    expect(sameShape(base, [...base, { name: 'probs', type: 'DOUBLE[]' }])).toBe(true);
    expect(sameShape(base, [{ name: 'n', type: 'BIGINT' }, { name: 'id', type: 'VARCHAR' }])).toBe(true);
    expect(sameShape(base, [{ name: 'id', type: 'VARCHAR' }, { name: 'n', type: 'VARCHAR' }])).toBe(false);
    expect(sameShape(base, [{ name: 'id', type: 'VARCHAR' }])).toBe(false);
  });

  test('suggestions that contradict the manifest contract are marked', async () => {
    const { manifest } = parseManifest(readFileSync(sample('defects.manifest.json'), 'utf8'));
    const contract = manifest!.versions[0]!.contract!;
    const { rules } = await suggestChecks(q, 'defects_v1', await profile('source: defects_v1\nkey: image_id'));
    const marks = contractConflicts(rules, contract);
    // v1 holds camera_id NULLs (required), heights of 768 (allowed: 1024), misspelt labels,
    // and lux from 291.7 to 762.2 (contract: 300 to 900).
    expect(marks.camera_id_null_share).toBe('allows NULLs in camera_id, which the contract requires');
    expect(marks.height_in_set).toBe("allows 768, outside the contract's 1024");
    expect(marks.label_in_set).toMatch(/^allows Crack, dent , scrach, unknown, outside the contract's crack, dent, ok, scratch, stain$/);
    expect(marks.lighting_lux_range).toBe("allows 240, below the contract's min 300; refuses values from 810 to 900, which the contract allows");
    // Rules in agreement are not marked: width ∈ {1024}, the id pattern, not_null on required columns.
    expect(marks.width_in_set).toBeUndefined();
    expect(marks.image_id_pattern).toBeUndefined();
    expect(marks.image_id_not_null).toBeUndefined();
  });
});
