import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAsBlob } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { profileCell } from '../../../src/core/cells/profileCell';
import type { ColumnProfile, ProfileAlert } from '../../../src/core/stats/profile';

const sample = (name: string) => openAsBlob(fileURLToPath(new URL(`../../../sample-data/${name}`, import.meta.url)));
const close = (a: unknown, b: number) => {
  expect(typeof a).toBe('number');
  expect(Math.abs((a as number) - b) / Math.max(Math.abs(b), 1e-300)).toBeLessThan(1e-9);
};

interface Result {
  rows: number;
  duplicate_rows: number;
  repeated_keys?: number;
  key_duplicate_rows?: number;
  columns: ColumnProfile[];
  alerts: ProfileAlert[];
}

describe('profile cell', () => {
  let engine: NodeEngine;
  const run = async (body: string, name = 'p') => {
    const { spec, diagnostics } = profileCell.parse(body);
    expect(diagnostics).toEqual([]);
    return (await profileCell.run(spec!, { name, query: (sql) => engine.query(sql), params: {} })).result as unknown as Result;
  };
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.openFile(await sample('defects_v2.parquet'), 'defects_v2.parquet', { name: 'batch' });
  });
  afterAll(() => engine.close());

  test('sample-data: every statistic matches the reference (test/reference/profile_reference.py)', async () => {
    const r = await run('source: batch\nkey: image_id');
    expect(r.rows).toBe(2520);
    expect(r.duplicate_rows).toBe(12);
    expect(r.repeated_keys).toBe(20);
    expect(r.key_duplicate_rows).toBe(20);
    const col = (name: string) => r.columns.find((c) => c.name === name)!;
    const numeric: Record<string, Record<string, number>> = {
      lighting_lux: { count: 2492, nulls: 28, distinct: 1598, min: 448.9, max: 915.3, mean: 639.9156500802568, std: 69.40057182465624, q25: 594.275, q50: 637.3499999999999, q75: 687.55 },
      confidence: { count: 2520, nulls: 0, distinct: 336, min: 0.575, max: 0.999, mean: 0.8585702380952381, std: 0.07647197206853808, q25: 0.808, q50: 0.859, q75: 0.913 },
      width: { count: 2520, nulls: 0, distinct: 2, min: 1024, max: 2048, mean: 1377.1174603174604, std: 486.82068975598423, q25: 1024, q50: 1024, q75: 2048 },
      severity_b: { count: 2520, nulls: 0, distinct: 4, min: 0, max: 3, mean: 0.8551587301587301, std: 0.9126461308230952, q25: 0, q50: 1, q75: 2 },
    };
    for (const [name, ref] of Object.entries(numeric)) {
      const c = col(name) as unknown as Record<string, unknown>;
      for (const [stat, value] of Object.entries(ref)) {
        if (['count', 'nulls', 'distinct'].includes(stat)) expect(c[stat], `${name}.${stat}`).toBe(value);
        else close(c[stat], value);
      }
    }
    expect(col('label')).toMatchObject({ count: 2512, nulls: 8, distinct: 9, min: 'Crack', max: 'unknown', mean: null, std: null });
    expect(col('label').top.slice(0, 5)).toEqual([
      { value: 'ok', count: 1025 },
      { value: 'scratch', count: 690 },
      { value: 'crack', count: 271 },
      { value: 'dent', count: 261 },
      { value: 'stain', count: 229 },
    ]);
    expect(col('camera_id')).toMatchObject({ count: 1904, nulls: 616, distinct: 4, min: 'cam-1', max: 'cam-4' });
    expect(col('camera_id').top).toEqual([
      { value: 'cam-2', count: 492 },
      { value: 'cam-4', count: 482 },
      { value: 'cam-3', count: 467 },
      { value: 'cam-1', count: 463 },
    ]);
    expect(col('annotator_email').emails).toBe(711);
    // Timestamps: quartiles as text; histogram bins of numeric columns add up to the count.
    expect(col('captured_at').kind).toBe('temporal');
    expect(String(col('captured_at').min)).toMatch(/^2026-10-01 00:00:00/);
    expect(col('lighting_lux').histogram.reduce((s, b) => s + b.count, 0)).toBe(2492);
    expect(col('lighting_lux').histogram).toHaveLength(20);
  });

  test('personal data: which values count as e-mail addresses and phone numbers (decided by hand)', async () => {
    const values: [string | null, 'email' | 'phone' | 'neither'][] = [
      ['+44 20 7946 0958', 'phone'], // leading +, 12 digits
      ['+441632960961', 'phone'], // a leading + is the only separator it needs
      ['(555) 123-4567', 'phone'], // separators, 10 digits
      ['555.123.4567', 'phone'],
      ['555-1234', 'neither'], // 7 digits: too short
      ['2026-11-22', 'neither'], // 8 digits
      ['img_000000001', 'neither'], // no + and no separator
      ['1234567890', 'neither'], // digits alone: an id, not a phone
      ['img-0000000012', 'neither'], // a separator, but a letter first
      ['ana@example.org', 'email'],
      ['x@y', 'neither'], // no domain suffix
      ['two@@example.org', 'neither'],
      [null, 'neither'],
    ];
    await engine.query(`CREATE OR REPLACE TABLE pii AS SELECT * FROM (VALUES ${values.map(([v]) => (v === null ? '(NULL::VARCHAR)' : `('${v}')`)).join(', ')}) AS t("contact info")`);
    const r = await run('source: pii');
    const c = r.columns[0]!;
    expect(c.phones).toBe(values.filter(([, k]) => k === 'phone').length);
    expect(c.phones).toBe(4);
    expect(c.emails).toBe(1);
  });

  test('alerts: duplicates, constant, high nulls, imbalance, personal data; the key is not high-cardinality', async () => {
    const r = await run('source: batch\nkey: image_id');
    const kinds = (column: string | null) => r.alerts.filter((a) => a.column === column).map((a) => a.kind);
    expect(kinds(null)).toEqual(['duplicates']);
    expect(kinds('image_id')).toEqual(['duplicates']);
    expect(kinds('vendor_batch')).toEqual(['constant']);
    expect(kinds('camera_id')).toEqual(['high_nulls']);
    expect(kinds('label')).toEqual(['imbalance']);
    expect(kinds('annotator_email')).toEqual(['high_nulls', 'personal_data']);
    expect(kinds('image_path')).toEqual(['high_cardinality']);
    expect(r.alerts.find((a) => a.kind === 'imbalance')!.message).toBe('label is imbalanced: ok 1025 vs unknown 7 (146.4×)');
  });

  test('a contract counts values outside it', async () => {
    const r = await run('source: batch\ncolumns: [label, lighting_lux, image_path]\ncontract:\n  label: {allowed: [crack, dent, ok, scratch, stain]}\n  lighting_lux: {min: 450, max: 900}\n  image_path: {pattern: "^images/img_[0-9]{6}\\\\.png$"}');
    const c = Object.fromEntries(r.columns.map((x) => [x.name, x.outside_contract]));
    // Off-taxonomy labels: Crack 13, dent␠ 8, scrach 8, unknown 7 = 36 (NULLs are not "outside").
    expect(c).toEqual({ label: 36, lighting_lux: expect.any(Number), image_path: 0 });
    const lux = (await engine.query('SELECT count(*) FILTER (WHERE lighting_lux < 450 OR lighting_lux > 900)::INT AS n FROM batch')).getChild('n')!.get(0);
    expect(c.lighting_lux).toBe(lux);
    expect(r.alerts.filter((a) => a.kind === 'outside_contract').map((a) => a.column)).toEqual(['label', ...(lux ? ['lighting_lux'] : [])]);
  });

  test('hostile column names, worked by hand', async () => {
    await engine.query(`CREATE OR REPLACE TABLE "nasty ""t""" AS SELECT * FROM (VALUES (1, 'a', 2.0, NULL), (2, 'a', 4.0, 'x'), (3, 'b', 9.0, NULL), (4, 'a', NULL, NULL)) v("label ""final""", "sp ace", "ünï 列", "select")`);
    const r = await run('source: nasty "t"');
    const [a, b, c, d] = r.columns;
    expect(r.columns.map((x) => x.name)).toEqual(['label "final"', 'sp ace', 'ünï 列', 'select']);
    // 1,2,3,4: mean 2.5, sample std sqrt(5/3), quartiles 1.75, 2.5, 3.25
    expect(a).toMatchObject({ count: 4, nulls: 0, distinct: 4, min: 1, max: 4, mean: 2.5, q25: 1.75, q50: 2.5, q75: 3.25 });
    close(a!.std, Math.sqrt(5 / 3));
    expect(b).toMatchObject({ count: 4, distinct: 2, min: 'a', max: 'b', top: [{ value: 'a', count: 3 }, { value: 'b', count: 1 }] });
    // 2, 4, 9: mean 5, std sqrt(13), quartiles 3, 4, 6.5
    expect(c).toMatchObject({ count: 3, nulls: 1, mean: 5, q25: 3, q50: 4, q75: 6.5 });
    close(c!.std, Math.sqrt(13));
    expect(d).toMatchObject({ count: 1, nulls: 3, null_share: 0.75, distinct: 1 });
  });

  test('edge cases: an empty table, an all-NULL column, one row', async () => {
    await engine.query(`CREATE OR REPLACE TABLE empty_t (x DOUBLE, s VARCHAR)`);
    const e = await run('source: empty_t');
    expect(e.rows).toBe(0);
    expect(e.duplicate_rows).toBe(0);
    expect(e.columns[0]).toMatchObject({ count: 0, nulls: 0, null_share: null, distinct: 0, min: null, max: null, mean: null, std: null, q25: null, top: [], histogram: [] });
    expect(e.alerts).toEqual([]);

    await engine.query(`CREATE OR REPLACE TABLE nulls_t AS SELECT range AS id, NULL::DOUBLE AS gone FROM range(3)`);
    const n = await run('source: nulls_t');
    expect(n.columns[1]).toMatchObject({ count: 0, nulls: 3, null_share: 1, mean: null, histogram: [] });
    expect(n.alerts.map((a) => [a.column, a.kind])).toEqual([['gone', 'all_null']]);

    await engine.query(`CREATE OR REPLACE TABLE one_t AS SELECT 7.5 AS x, 'only' AS s`);
    const o = await run('source: one_t');
    // One value: the sample standard deviation is undefined; every quartile is the value.
    expect(o.columns[0]).toMatchObject({ count: 1, mean: 7.5, std: null, q25: 7.5, q50: 7.5, q75: 7.5, min: 7.5, max: 7.5 });
    expect(o.columns[0]!.histogram.reduce((s, b) => s + b.count, 0)).toBe(1);
  });

  test('a key with no NULL and no repeat answers for duplicates without their two queries; a NULL key does not', async () => {
    const queries: string[] = [];
    const runLogged = async (body: string) => {
      const { spec } = profileCell.parse(body);
      queries.length = 0;
      return (await profileCell.run(spec!, { name: 'p', query: (sql) => (queries.push(sql), engine.query(sql)), params: {} })).result as unknown as Result;
    };
    // Rows 2 and 3 are alike but for the key; with the key NULL in both they are alike in full.
    await engine.query(`CREATE OR REPLACE TABLE keyed AS SELECT * FROM (VALUES ('k1', 'a'), ('k2', 'b'), ('k3', 'b')) v(id, x)`);
    const u = await runLogged('source: keyed\nkey: id');
    expect([u.duplicate_rows, u.repeated_keys, u.key_duplicate_rows]).toEqual([0, 0, 0]);
    expect(queries.filter((q) => q.includes('__assay_repeated') || q.includes('repeated_keys'))).toEqual([]);
    await engine.query(`CREATE OR REPLACE TABLE keyed AS SELECT * FROM (VALUES ('k1', 'a'), (NULL, 'b'), (NULL, 'b')) v(id, x)`);
    const n = await runLogged('source: keyed\nkey: id');
    // The two NULL keys count as one repeated key, as before: GROUP BY puts NULLs in one group.
    expect([n.duplicate_rows, n.repeated_keys, n.key_duplicate_rows]).toEqual([1, 1, 1]);
    expect(queries.filter((q) => q.includes('__assay_repeated') || q.includes('repeated_keys'))).toHaveLength(2);
  });

  test('spec errors', () => {
    expect(profileCell.parse('key: id').diagnostics).toEqual([{ line: 1, message: 'source is required' }]);
    expect(profileCell.parse('source: t\ncontract:\n  a: {allowed: 3}').diagnostics).toEqual([{ line: 2, message: 'contract: a.allowed must be a list of values' }]);
    expect(profileCell.parse('source: t\ntop: 0').diagnostics).toEqual([{ line: 2, message: 'top: must be a number from 1 to 100' }]);
  });
});
