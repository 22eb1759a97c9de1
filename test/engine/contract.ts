import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/Engine';
import { AssayError } from '../../src/core/errors';
import { quoteIdent, quoteLiteral } from '../../src/core/sql/quote';
import { parseSimpleCsv } from '../helpers/simpleCsv';

/** What a platform provides to the shared engine contract suite. */
export interface ContractHarness {
  create(): Promise<Engine>;
  /** A file from sample-data/ as a Blob. */
  sample(name: string): Promise<Blob>;
  /** SHA-256 computed by the platform's own crypto (not Assay's hasher), hex. */
  referenceSha256(blob: Blob): Promise<string>;
  /** A generated Parquet file of `rows` rows in row groups of `rowGroupSize`. */
  bigParquet(rows: number, rowGroupSize: number): Promise<Blob>;
}

const HOSTILE_NAMES = ['label "final"', 'sp ace', 'ünïcödé 列', 'select', "x'); DROP TABLE t; --", 'a.b', ''];

/**
 * The contract every Engine implementation meets. Run from test/engine/NodeEngine.test.ts
 * under Node and from test/engine/WorkerEngine.browser.test.ts in Chromium.
 */
export function engineContract(label: string, harness: ContractHarness) {
  describe(`Engine contract: ${label}`, () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await harness.create();
    }, 60_000);
    afterAll(async () => {
      await engine?.close();
    });

    test('runs SQL and returns an Arrow table', async () => {
      const t = await engine.query('SELECT 1 + 1 AS two, 2.5::DOUBLE AS d, \'x\' AS s UNION ALL SELECT 3, NULL, NULL');
      expect(t.numRows).toBe(2);
      expect(t.schema.fields.map((f) => f.name)).toEqual(['two', 'd', 's']);
      expect(t.getChild('two')!.toArray()).toEqual(new Int32Array([2, 3]));
      expect(t.getChild('d')!.get(0)).toBe(2.5);
      expect(t.getChild('s')!.get(1)).toBeNull();
    });

    test('reports versions', async () => {
      const v = await engine.versions();
      expect(v.duckdb).toMatch(/^v1\.4\./);
      expect(v.threads).toBeGreaterThanOrEqual(1);
    });

    test('hostile identifiers and literals survive the quoting helper', async () => {
      const names = HOSTILE_NAMES.filter((n) => n !== '');
      const cols = names.map((n, i) => `${quoteLiteral(`v${i} '${n}'`)} AS ${quoteIdent(n)}`).join(', ');
      await engine.query(`CREATE OR REPLACE TABLE ${quoteIdent('t "hostile" ü')} AS SELECT ${cols}`);
      const t = await engine.query(`SELECT ${names.map(quoteIdent).join(', ')} FROM ${quoteIdent('t "hostile" ü')}`);
      expect(t.schema.fields.map((f) => f.name)).toEqual(names);
      names.forEach((n, i) => expect(t.getChild(n)!.get(0)).toBe(`v${i} '${n}'`));
      expect(() => quoteIdent('nul\u0000byte')).toThrow();
    });

    test('a SQL error is an AssayError of kind sql, and the engine stays usable', async () => {
      const err = await engine.query('SELECT * FROM no_such_table').catch((e) => e);
      expect(err).toBeInstanceOf(AssayError);
      expect((err as AssayError).kind).toBe('sql');
      expect((err as Error).message).toMatch(/no_such_table/);
      expect((await engine.query('SELECT 7 AS x')).getChild('x')!.get(0)).toBe(7);
    });

    test('a query needing a missing extension fails cleanly, without a download or a hang', async () => {
      const err = await engine.query(`SELECT * FROM read_parquet('nothing.parquet')`).catch((e) => e);
      expect((err as Error).message).toMatch(/parquet/i);
      const err2 = await engine.query(`SELECT * FROM read_json('nothing.json')`).catch((e) => e);
      expect((err2 as Error).message).toMatch(/json/i);
      expect((await engine.query('SELECT 1 AS x')).numRows).toBe(1);
    }, 20_000);

    test('a long query can be cancelled and the engine stays usable', async () => {
      // About 7 s uncancelled on the threaded bundle, which finishes a running task after a
      // cancel (WorkerEngine.cancel replaces such a worker in the app; not this suite's engine).
      const running = engine.query('SELECT count(*) FROM range(400000000) a WHERE a.range % 7 = 3');
      await new Promise((r) => setTimeout(r, 150));
      await engine.cancel();
      const err = await running.catch((e) => e);
      expect(err).toBeInstanceOf(AssayError);
      expect((err as AssayError).kind).toBe('cancelled');
      expect((await engine.query('SELECT 5 AS x')).getChild('x')!.get(0)).toBe(5);
    }, 30_000);

    test('only the columns asked for are loaded (Parquet decodes only those); an unknown one is named', async () => {
      const blob = await harness.sample('defects_v1.parquet');
      const info = await engine.openFile(blob, 'defects_v1.parquet', { name: 'narrow', columns: ['label', 'image_id'] });
      // Asked for in another order: the file's order is kept, the same on every format.
      expect(info.columns.map((c) => c.name)).toEqual(['image_id', 'label']);
      expect(info.rows).toBe(3008);
      const full = await engine.openFile(blob, 'defects_v1.parquet', { name: 'wide' });
      expect(full.sha256).toBe(info.sha256);
      const diff = await engine.query('SELECT count(*) AS n FROM (SELECT label, image_id FROM wide EXCEPT ALL SELECT label, image_id FROM narrow)');
      expect(Number(diff.get(0)!.toJSON().n)).toBe(0);
      const csv = await engine.openFile(await harness.sample('defects_v1.csv'), 'defects_v1.csv', { name: 'narrow_csv', columns: ['label', 'image_id'] });
      expect(csv.columns.map((c) => c.name)).toEqual(['image_id', 'label']);
      const csvErr = await engine.openFile(await harness.sample('defects_v1.csv'), 'defects_v1.csv', { name: 'narrow_csv', columns: ['Label'] }).catch((e) => e);
      expect(String(csvErr.message)).toMatch(/^defects_v1\.csv: has no column Label \(it has image_id, /);
      expect(csv.rows).toBe(3008);
      const err = await engine.openFile(blob, 'defects_v1.parquet', { name: 'narrow', columns: ['label', 'no_such'] }).catch((e) => e);
      expect(String(err.message)).toMatch(/^defects_v1\.parquet: has no column no_such \(it has image_id, /);
      expect((await engine.query('SELECT count(*) AS n FROM narrow')).get(0)!.toJSON().n).toBe(3008n);
    });

    test('a query that runs out of memory fails with DuckDB’s message and the engine stays usable', async () => {
      await engine.query("SET memory_limit = '64MB'");
      try {
        const err = await engine.query('SELECT list(range) AS l FROM range(50000000) GROUP BY range % 3').catch((e) => e);
        expect(err).toBeInstanceOf(AssayError);
        expect((err as AssayError).message).toMatch(/Out of Memory Error/);
      } finally {
        await engine.query('RESET memory_limit');
      }
      expect((await engine.query('SELECT 6 AS x')).getChild('x')!.get(0)).toBe(6);
    }, 60_000);

    describe('opening sample-data', () => {
      let reference: Record<string, string>[];
      beforeAll(async () => {
        reference = parseSimpleCsv(await (await harness.sample('defects_v1.csv')).text());
      });
      const labelCounts = (rows: Record<string, string>[]) => {
        const m: Record<string, number> = {};
        for (const r of rows) m[r.label === '' ? '<null>' : r.label!] = (m[r.label === '' ? '<null>' : r.label!] ?? 0) + 1;
        return m;
      };

      for (const file of ['defects_v1.parquet', 'defects_v1.csv', 'defects_v1.jsonl']) {
        test(`${file}: rows, schema, fingerprint and values`, async () => {
          const blob = await harness.sample(file);
          const phases = new Set<string>();
          const info = await engine.openFile(blob, file, { name: 'd1', onProgress: (p) => phases.add(p.phase) });
          expect(info.rows).toBe(reference.length);
          expect(info.bytes).toBe(blob.size);
          expect(info.sha256).toBe(await harness.referenceSha256(blob));
          expect(info.columns.map((c) => c.name)).toEqual(Object.keys(reference[0]!));
          expect(info.columns.find((c) => c.name === 'captured_at')!.type).toMatch(/^TIMESTAMP/);
          expect(info.columns.find((c) => c.name === 'captured_at')!.type).not.toMatch(/TIME ZONE/);
          expect(phases.has('hash')).toBe(true);
          const t = await engine.query(`SELECT coalesce(label, '<null>') AS label, count(*)::INT AS n FROM d1 GROUP BY ALL`);
          const got = Object.fromEntries(t.toArray().map((r) => [r.label, r.n]));
          expect(got).toEqual(labelCounts(reference));
          const sum = reference.reduce((s, r) => s + (r.lighting_lux === '' ? 0 : Number(r.lighting_lux)), 0);
          const s2 = await engine.query(`SELECT sum(lighting_lux) AS s, count(*) FILTER (WHERE camera_id IS NULL)::INT AS nulls FROM d1`);
          expect(s2.getChild('s')!.get(0)).toBeCloseTo(sum, 6);
          expect(s2.getChild('nulls')!.get(0)).toBe(reference.filter((r) => r.camera_id === '').length);
          // Timestamps are UTC whatever offset the file wrote them in.
          const ts = await engine.query(`SELECT strftime(captured_at, '%Y-%m-%dT%H:%M:%S') AS t FROM d1 WHERE image_id = 'img_000001' LIMIT 1`);
          expect(ts.getChild('t')!.get(0)).toBe(reference[1]!.captured_at!.slice(0, 19));
        }, 30_000);
      }

      test('ratings.arrow (Arrow IPC file)', async () => {
        const blob = await harness.sample('ratings.arrow');
        const info = await engine.openFile(blob, 'ratings.arrow');
        const ref = parseSimpleCsv(await (await harness.sample('ratings.csv')).text());
        expect(info.name).toBe('ratings');
        expect(info.format).toBe('arrow');
        expect(info.rows).toBe(ref.length);
        const t = await engine.query(`SELECT count(*) FILTER (WHERE is_gold)::INT AS g FROM ratings`);
        expect(t.getChild('g')!.get(0)).toBe(ref.filter((r) => r.is_gold === 'true').length);
      });
    });

    test('a Parquet load reports progress per row group and can be cancelled', async () => {
      const blob = await harness.bigParquet(1_000_000, 25_000);
      const seen: string[] = [];
      let schemaRows: number | null = null;
      const loading = engine.openFile(blob, 'big.parquet', {
        name: 'big',
        onProgress: (p) => {
          seen.push(p.phase);
          if (p.phase === 'schema') schemaRows = p.rows;
          if (p.phase === 'rows' && p.done >= 50_000) void engine.cancel();
        },
      });
      const err = await loading.catch((e) => e);
      expect(err).toBeInstanceOf(AssayError);
      expect((err as AssayError).kind).toBe('cancelled');
      expect((err as Error).message).toContain('big.parquet');
      expect(seen.filter((p) => p !== 'hash')[0]).toBe('schema');
      expect(schemaRows).toBe(1_000_000);
      // Nothing half-loaded is left behind, and the engine answers.
      const t = await engine.query(`SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name = 'big' OR table_name LIKE '__assay_staging%'`);
      expect(t.getChild('n')!.get(0)).toBe(0);
      const info = await engine.openFile(blob, 'big.parquet', { name: 'big' });
      expect(info.rows).toBe(1_000_000);
      const sum = await engine.query('SELECT sum(id)::BIGINT AS s, count(DISTINCT label)::INT AS k FROM big');
      expect(sum.getChild('s')!.get(0)).toBe(BigInt((1_000_000 * 999_999) / 2));
      expect(sum.getChild('k')!.get(0)).toBe(4);
      await engine.dropSource('big');
    }, 60_000);

    test('a query exports to Parquet that opens again with the same rows', async () => {
      await engine.openFile(await harness.sample('defects_v1.parquet'), 'defects_v1.parquet', { name: 'exp_src' });
      const bytes = await engine.exportParquet(`SELECT * FROM exp_src WHERE label = 'crack' ORDER BY image_id`);
      expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('PAR1');
      const info = await engine.openFile(new Blob([bytes as Uint8Array<ArrayBuffer>]), 'crack_only.parquet', { name: 'exp_back' });
      const expected = await engine.query(`SELECT count(*)::INT AS n, sum(lighting_lux) AS s FROM exp_src WHERE label = 'crack'`);
      expect(info.rows).toBe(expected.getChild('n')!.get(0));
      const back = await engine.query(`SELECT sum(lighting_lux) AS s, min(captured_at) AS t FROM exp_back`);
      expect(back.getChild('s')!.get(0)).toBeCloseTo(expected.getChild('s')!.get(0), 6);
      expect(info.columns.map((c) => c.name)).toContain('captured_at');
    });

    describe('bad input names the file and breaks nothing', () => {
      beforeAll(async () => {
        await engine.openFile(new Blob(['k,v\n1,keep\n']), 'keep.csv', { name: 'victim' });
      });
      const cases: [string, () => Promise<Blob>, RegExp][] = [
        ['empty.csv', async () => new Blob([]), /empty/],
        ['corrupt.parquet', async () => new Blob(['PAR1', new Uint8Array(200).fill(7), 'PAR1']), /Parquet/],
        ['truncated.parquet', async () => (await harness.sample('defects_v1.parquet')).slice(0, 40_000), /Parquet/],
        ['ragged.csv', async () => new Blob(['a,b,c\n1,2,3\n4,5\n6,7,8,9\n']), /ragged rows: line 3 has 2 fields where the header has 3/],
        ['ragged-tail.csv', async () => new Blob(['a,b\n1,2\n3,4,5\n6,7\n']), /line 3 has 3 fields/],
        ['broken.jsonl', async () => new Blob(['{"a":1}\n{"a":\n']), /line 2/],
        ['mystery.bin', async () => new Blob(['hello']), /unknown file type/],
        // Issue 21's cases, also in test/reliability/badInputs.test.ts (both CLI engines).
        ['array.jsonl', async () => new Blob(['{"a": 1}\n[1, 2]\n']), /^array\.jsonl: line 2 is not a JSON object$/],
        ['late.jsonl', async () => new Blob([Array.from({ length: 50 }, (_, i) => `{"a": ${i}}\n`).join('') + '{"a": \n']), /^late\.jsonl: line 51 is not valid JSON/],
        ['late.csv', async () => new Blob(['a,b,c\n' + Array.from({ length: 49 }, (_, i) => `${i},x,y\n`).join('') + '1,2\n']), /ragged rows: line 51 has 2 fields where the header has 3/],
        ['nul.csv', async () => new Blob(['id,la\u0000bel\n1,x\n']), /^nul\.csv: column 2 \("la\\u0000bel"\) has a control character \(U\+0000\) in its name/],
        ['bell.jsonl', async () => new Blob(['{"a\\u0007b": 1}\n']), /^bell\.jsonl: column 1 \("a\\u0007b"\) has a control character \(U\+0007\)/],
      ];
      for (const [fileName, make, pattern] of cases) {
        test(fileName, async () => {
          const err = await engine.openFile(await make(), fileName, { name: 'victim' }).catch((e) => e);
          expect(err).toBeInstanceOf(AssayError);
          expect((err as Error).message).toContain(fileName);
          expect((err as Error).message).toMatch(pattern);
          // The table the failed load would have replaced is untouched, and the engine works.
          const t = await engine.query('SELECT v FROM victim');
          expect(t.getChild('v')!.get(0)).toBe('keep');
        }, 20_000);
      }
    });
  });
}
