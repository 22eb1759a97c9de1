import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openAsBlob } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { NativeEngine } from '../../../src/engine/native/NativeEngine';
import type { Engine } from '../../../src/engine/Engine';
import { sampleCell } from '../../../src/core/cells/sampleCell';
import reference from '../../reference/sample_keys.json';

const sample = (name: string) => fileURLToPath(new URL(`../../../sample-data/${name}`, import.meta.url));
const run = async (engine: Engine, body: string, params: Record<string, unknown> = {}) => {
  const { spec, diagnostics } = sampleCell.parse(body);
  expect(diagnostics).toEqual([]);
  return sampleCell.run(spec!, { name: 'spot', query: (sql) => engine.query(sql), params });
};

describe('sample cell', () => {
  let wasm: NodeEngine;
  let native: NativeEngine;
  beforeAll(async () => {
    wasm = await NodeEngine.create();
    native = await NativeEngine.create();
    await wasm.openFile(await openAsBlob(sample('defects_v2.parquet')), 'defects_v2.parquet', { name: 'batch' });
    await native.openPath(sample('defects_v2.parquet'), { name: 'batch' });
  });
  afterAll(async () => {
    await wasm.close();
    await native.close();
  });

  test('exact per-class sizes on imbalanced data, classes smaller than the minimum included (worked by hand)', async () => {
    // a: 60 rows → ceil(0.05 × 60) = 3 exactly (in floating point 0.05 × 60 = 3.0000000000000004 → 4);
    // b: 7 → ceil(0.35) = 1 → the minimum 2; c: 1 → capped at its 1 row; NULL: 3 → 2.
    await wasm.query(`CREATE OR REPLACE TABLE imb AS
      SELECT 'k' || range AS k, CASE WHEN range < 60 THEN 'a' WHEN range < 67 THEN 'b' WHEN range < 68 THEN 'c' ELSE NULL END AS cls FROM range(71)`);
    const out = await run(wasm, 'source: imb\nstratify: cls\nkey: k\nfraction: 0.05\nmin_per_class: 2\nseed: 1');
    expect(out.result.per_class).toEqual([
      { class: 'a', population: 60, size: 3, share: 3 / 60 },
      { class: 'b', population: 7, size: 2, share: 2 / 7 },
      { class: 'c', population: 1, size: 1, share: 1 },
      { class: null, population: 3, size: 2, share: 2 / 3 },
    ]);
    expect(out.result.total).toBe(8);
    // 0.1 × 70 is 7.000000000000001 in floating point; the decimal fraction gives exactly 7.
    await wasm.query(`CREATE OR REPLACE TABLE seventy AS SELECT 'k' || range AS k, 'x' AS cls FROM range(70)`);
    expect((await run(wasm, 'source: seventy\nstratify: cls\nkey: k\nfraction: 0.1\nseed: 1')).result.total).toBe(7);
  });

  test('over a view (the app names sources by views) the same rows as over the table, which ranks narrow columns only', async () => {
    await wasm.query('CREATE OR REPLACE VIEW batch_view AS SELECT * FROM batch');
    const body = (source: string) => `source: ${source}\nstratify: label\nkey: image_id\nfraction: 0.05\nmin_per_class: 5\nmask: [annotator_email]`;
    const runAs = (name: string, source: string) => sampleCell.run(sampleCell.parse(body(source)).spec!, { name, query: (sql) => wasm.query(sql), params: { seed: 20261121 } });
    const overTable = await runAs('spot_t', 'batch');
    const overView = await runAs('spot_v', 'batch_view');
    expect(overView.result.keys).toEqual(overTable.result.keys);
    expect(overView.result.total).toBe(152);
    // Whole rows, masking included, in the same order.
    const rows = (name: string) => wasm.query(`SELECT * FROM ${name}`).then((t) => JSON.stringify(t.toArray().map((r) => r.toJSON()), (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    const [t, v] = [await rows('spot_t'), await rows('spot_v')];
    expect(t).toBe(v);
    expect(t).toContain('•••');
  });

  test('a source that is a view in a notebook schema, beside a same-named table elsewhere: the view is sampled, through the file table the host names', async () => {
    // As the app has it: the file's table in assay_files, the notebook's source a view of it
    // under the same name in the notebook's schema.
    await wasm.query('CREATE SCHEMA IF NOT EXISTS files_x; CREATE OR REPLACE TABLE files_x.batch AS SELECT * FROM main.batch');
    await wasm.query('CREATE SCHEMA IF NOT EXISTS nb_x; SET schema = nb_x');
    try {
      await wasm.query('CREATE OR REPLACE VIEW batch AS SELECT * FROM files_x.batch');
      const body = 'source: batch\nstratify: label\nkey: image_id\nfraction: 0.05\nmin_per_class: 5\nseed: 20261121';
      const queries: string[] = [];
      const runWith = (name: string, fileTable?: (s: string) => { schema: string; table: string } | null) =>
        sampleCell.run(sampleCell.parse(body).spec!, { name, query: (sql) => (queries.push(sql), wasm.query(sql)), params: {}, ...(fileTable ? { fileTable } : {}) });
      const plain = await runWith('spot_plain');
      const viaFile = await runWith('spot_file', (s) => (s === 'batch' ? { schema: 'files_x', table: 'batch' } : null));
      expect(viaFile.result.keys).toEqual(plain.result.keys);
      expect(viaFile.result.total).toBe(152);
      // The narrow path ran over the file table; the plain one over the view.
      expect(queries.some((q) => q.includes('"spot_file__chosen"') && q.includes('"files_x"."batch"'))).toBe(true);
      expect(queries.some((q) => q.includes('"spot_plain__chosen"'))).toBe(false);
      const rows = (name: string) => wasm.query(`SELECT * FROM ${name}`).then((t) => JSON.stringify(t.toArray().map((r) => r.toJSON()), (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
      expect(await rows('spot_file')).toBe(await rows('spot_plain'));
    } finally {
      await wasm.query('SET schema = main');
    }
  });

  for (const [setting, ref] of Object.entries(reference)) {
    test(`sample-data ${setting}: the keys of the Python reference, on DuckDB-WASM and on native DuckDB`, async () => {
      const [seed, fraction, minimum] = setting.split('/');
      const body = `source: batch\nstratify: label\nkey: image_id\nfraction: ${fraction}\nmin_per_class: ${minimum}`;
      for (const engine of [wasm, native] as Engine[]) {
        const out = await run(engine, body, { seed: Number(seed) });
        expect(out.result.keys).toEqual(ref.keys);
        expect(Object.fromEntries((out.result.per_class as { class: string | null; population: number; size: number }[]).map((c) => [c.class ?? 'NULL', [c.population, c.size]]))).toEqual(ref.sizes);
      }
    });
  }

  test('a source reloaded in another row order can drop rows from the view but never shows other records', async () => {
    await wasm.query(`CREATE OR REPLACE TABLE reord AS SELECT 'k' || range AS k, range % 3 AS cls, range * 10 AS v FROM range(300)`);
    const before = await run(wasm, 'source: reord\nstratify: cls\nkey: k\nfraction: 0.1\nmin_per_class: 1\nseed: 7');
    expect(before.result.total).toBe(30);
    // The same records reloaded in reverse order: every rowid now belongs to another record.
    await wasm.query('CREATE OR REPLACE TABLE reord AS SELECT * FROM reord ORDER BY k DESC');
    const rows = (await wasm.query('SELECT k, v FROM spot')).toArray().map((r) => r.toJSON() as { k: string; v: bigint });
    for (const r of rows) {
      expect(before.result.keys).toContain(r.k);
      expect(Number(r.v)).toBe(Number(r.k.slice(1)) * 10);
    }
    // Run again, the view holds the sample of the reloaded data: the same keys, all 30.
    const again = await run(wasm, 'source: reord\nstratify: cls\nkey: k\nfraction: 0.1\nmin_per_class: 1\nseed: 7');
    expect(again.result.keys).toEqual(before.result.keys);
    expect(Number((await wasm.query('SELECT count(*) AS n FROM spot')).get(0)!.toJSON().n)).toBe(30);
  });

  test('on 200,000 rows the bucketed ranking takes exactly the rows a full ranking by the md5 hex string takes (NULL and repeated keys included)', async () => {
    // Strata by hand: a 120,000 → ceil(0.05 × 120,000) = 6,000; b 60,000 → 3,000; c 19,997 →
    // ceil(999.85) = 1,000; d 3 rows (one with a NULL key) → the minimum 5 capped at 3. Total 10,003.
    const create = `CREATE OR REPLACE TABLE big AS SELECT CASE WHEN range % 1000 = 7 THEN NULL WHEN range % 997 = 3 THEN 'dup' ELSE 'k' || range END AS k,
        CASE WHEN range < 120000 THEN 'a' WHEN range < 180000 THEN 'b' ELSE 'c' END AS cls FROM range(199997)
      UNION ALL SELECT * FROM (VALUES ('d1', 'd'), (NULL, 'd'), ('d2', 'd'))`;
    // The definition written plainly: rank by the 32-character hex string, keep the first n.
    const reference = `SELECT cls, k, row_number() OVER (PARTITION BY cls ORDER BY md5('5:' || k)) AS r, count(*) OVER (PARTITION BY cls) AS n FROM big
      QUALIFY r <= least(n, greatest(5, ceil(n * 0.05)))`;
    for (const engine of [wasm, native] as Engine[]) {
      await engine.query(create);
      const out = await run(engine, 'source: big\nstratify: cls\nkey: k\nfraction: 0.05\nmin_per_class: 5\nseed: 5');
      expect(out.result.total).toBe(10_003);
      const got = (await engine.query('SELECT cls, k FROM spot')).toArray().map((r) => `${r.cls}/${r.k}`);
      const want = (await engine.query(`SELECT cls, k FROM (${reference}) ORDER BY cls, r`)).toArray().map((r) => `${r.cls}/${r.k}`);
      expect(want).toHaveLength(10_003);
      // In rank order; rows that tie (a repeated key) are the same text either way.
      expect(got).toEqual(want);
      expect(got).toContain('d/null');
      // The cell shows the first 10,000 in the same order, picked before the wide rows are joined.
      const shown = out.table!.toArray().map((r) => `${r.cls}/${r.k}`);
      expect(shown).toEqual(want.slice(0, 10_000));
    }
  });

  test('another seed gives another sample of the same sizes', () => {
    const a = reference['20261121/0.05/5'];
    const b = reference['7/0.05/5'];
    expect(a.sizes).toEqual(b.sizes);
    const overlap = a.keys.filter((k) => b.keys.includes(k)).length;
    expect(overlap).toBeLessThan(a.keys.length / 2);
  });

  test('masked columns are blanked for reviewers; the seed can come from the notebook', async () => {
    const out = await run(wasm, 'source: batch\nstratify: label\nkey: image_id\nmask: [annotator_email]', { seed: 20261121 });
    const emails = new Set(out.table!.getChild('annotator_email')!.toArray());
    expect([...emails].filter((e) => e !== null)).toEqual(['•••']);
    const err = await sampleCell.run(sampleCell.parse('source: batch\nstratify: label\nkey: image_id').spec!, { name: 's', query: (sql) => wasm.query(sql), params: {} }).catch((e) => e);
    expect((err as Error).message).toMatch(/no seed/);
  });
});
