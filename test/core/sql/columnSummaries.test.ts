import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { NativeEngine } from '../../../src/engine/native/NativeEngine';
import type { Engine } from '../../../src/engine/Engine';
import { binFilter, columnSummaries, columnSummariesSql, valueFilter, type ColumnSummary, type SummaryColumn } from '../../../src/core/sql/columnSummaries';
import { filterPredicate, tableCountSql } from '../../../src/core/sql/tableQuery';

const HOSTILE = `a"b'; DROP TABLE t; --`;
const COLUMNS: SummaryColumn[] = [
  { name: 'x', numeric: true },
  { name: 'k', numeric: true },
  { name: 'ts', numeric: false, temporal: true },
  { name: 'label', numeric: false },
  { name: HOSTILE, numeric: false },
];
// Decided by hand (see the expectations): negatives, a value on an interior edge, the maximum
// twice, a constant column, times to the microsecond, 'dent' beside 'dent ', the text 'NULL'.
const ROWS = [
  `(-10, 7, TIMESTAMP '2024-01-01 00:00:00', 'dent', 'p')`,
  `(-9.5, 7, TIMESTAMP '2024-01-01 10:00:00', 'dent', 'p')`,
  `(-9, 7, TIMESTAMP '2024-01-01 20:00:00', 'dent', 'q')`,
  `(0, 7, NULL, 'dent ', NULL)`,
  `(10, 7, TIMESTAMP '2024-01-01 10:30:00', 'dent ', 'p')`,
  `(10, NULL, TIMESTAMP '2024-01-01 19:00:00', 'NULL', 'p')`,
  `(NULL, 7, TIMESTAMP '2024-01-01 00:00:00', NULL, 'q')`,
  `(3.25, 7, TIMESTAMP '2024-01-01 05:00:00', 'NULL', 'r')`,
  `(9, 7, TIMESTAMP '2024-01-01 09:59:59.999999', 'zzz', 'p')`,
  `(-0.5, 7, TIMESTAMP '2024-01-01 19:59:59', 'yyy', 'q')`,
].join(', ');

describe('column summaries in DuckDB', () => {
  const engines: [string, Engine][] = [];
  beforeAll(async () => {
    engines.push(['DuckDB-WASM', await NodeEngine.create()], ['native DuckDB', await NativeEngine.create()]);
    for (const [, e] of engines) {
      await e.query(`CREATE TABLE t AS SELECT x::DOUBLE AS x, k::INTEGER AS k, ts, label, h AS "a""b'; DROP TABLE t; --" FROM (VALUES ${ROWS}) v(x, k, ts, label, h)`);
      // Values on edges that DOUBLE arithmetic does not hit exactly: 0, 0.05, …, 1 and 0, 0.1, …, 3.
      await e.query(`CREATE TABLE f AS SELECT i * 0.05 AS a, CAST(i * 0.15 AS DECIMAL(12, 2)) AS d, -3 * i + 7 AS n FROM range(21) r(i) UNION ALL SELECT i * 0.1, i * 0.1, i FROM range(31) r(i)`);
      await e.query(`CREATE TABLE z AS SELECT 1.5::DOUBLE AS x, 'a' AS s WHERE false`);
      await e.query(`CREATE TABLE nn AS SELECT CAST(NULL AS DOUBLE) AS x, CAST(NULL AS VARCHAR) AS s FROM range(3)`);
    }
  });
  afterAll(async () => {
    for (const [, e] of engines) await e.close();
  });
  const summarise = async (e: Engine, relation: string, columns: SummaryColumn[]) => {
    const table = await e.query(columnSummariesSql(relation, columns));
    expect(table.numRows).toBe(1);
    return columnSummaries(columns, table.get(0)!.toJSON());
  };
  const count = async (e: Engine, relation: string, columns: SummaryColumn[], filters: Record<string, string>) =>
    Number((await e.query(tableCountSql(relation, columns, { sort: null, filters }))).getChild('n')!.get(0));
  const nonEmpty = (s: ColumnSummary) => (s.kind === 'histogram' ? s.bins.flatMap((b, k) => (b.count ? [[k, b.count]] : [])) : []);

  test('histograms, a constant column, times, top values with NULL and other; hand-decided', async () => {
    for (const [name, e] of engines) {
      const [x, k, ts, label, hostile] = await summarise(e, 't', COLUMNS);
      expect(x!.kind, name).toBe('histogram');
      if (x!.kind !== 'histogram' || k!.kind !== 'histogram' || ts!.kind !== 'histogram') throw new Error('kind');
      // lo −10, hi 10, w 1: [−10,−9) holds −10 and −9.5; −9 opens the next bin; the last, [9, 10], holds 9, 10, 10.
      expect(nonEmpty(x!), name).toEqual([[0, 2], [1, 1], [9, 1], [10, 1], [13, 1], [19, 3]]);
      expect(x!.bins.length).toBe(20);
      expect([x!.bins[0]!.loText, x!.bins[0]!.hiText, x!.bins[19]!.loText, x!.bins[19]!.hiText]).toEqual(['-10', '-9', '9', '10']);
      expect([x!.rows, x!.nulls, x!.nonFinite], name).toEqual([10, 1, 0]);
      expect(binFilter(x!.bins[0]!)).toBe('-10..<-9');
      expect(binFilter(x!.bins[19]!)).toBe('9..10');
      // One value: one closed bin [7, 7] with all nine non-NULL values.
      expect(k!.bins, name).toEqual([{ lo: 7, hi: 7, loText: '7', hiText: '7', last: true, count: 9 }]);
      expect(k!.nulls).toBe(1);
      // 00:00 to 20:00: hourly bins; 09:59:59.999999 is still in [09:00, 10:00); 19:00, 19:59:59 and 20:00 in the last.
      expect(nonEmpty(ts!), name).toEqual([[0, 2], [5, 1], [9, 1], [10, 2], [19, 3]]);
      expect([ts!.bins[9]!.loText, ts!.bins[9]!.hiText, ts!.bins[19]!.hiText], name).toEqual(['2024-01-01 09:00:00', '2024-01-01 10:00:00', '2024-01-01 20:00:00']);
      expect(ts!.temporal && ts!.nulls === 1).toBe(true);
      // 'dent' ×3, then 'NULL' and 'dent ' ×2 (ties in code-point order), 'zzz' and 'yyy' are other, one real NULL.
      expect(label, name).toEqual({ kind: 'top', column: 'label', rows: 10, nulls: 1, distinct: 5, top: [{ value: 'dent', count: 3 }, { value: 'NULL', count: 2 }, { value: 'dent ', count: 2 }], other: 2 });
      expect(hostile, name).toEqual({ kind: 'top', column: HOSTILE, rows: 10, nulls: 1, distinct: 3, top: [{ value: 'p', count: 5 }, { value: 'q', count: 3 }, { value: 'r', count: 1 }], other: 0 });
    }
  });

  test('a bar click filters to exactly the rows it counts: every bin, every top value, NULL', async () => {
    for (const [name, e] of engines) {
      const summaries = await summarise(e, 't', COLUMNS);
      for (const [i, s] of summaries.entries()) {
        const column = COLUMNS[i]!;
        if (s.kind === 'histogram') {
          for (const b of s.bins) expect(await count(e, 't', COLUMNS, { [column.name]: binFilter(b) }), `${name} ${column.name} ${binFilter(b)}`).toBe(b.count);
        } else {
          for (const v of s.top) expect(await count(e, 't', COLUMNS, { [column.name]: valueFilter(v.value) }), `${name} ${v.value}`).toBe(v.count);
        }
        expect(await count(e, 't', COLUMNS, { [column.name]: valueFilter(null) }), name).toBe(s.nulls);
      }
      // 'dent' and 'dent ' stay apart, and the text 'NULL' is not the NULL.
      expect(await count(e, 't', COLUMNS, { label: valueFilter('dent') }), name).toBe(3);
      expect(await count(e, 't', COLUMNS, { label: valueFilter('NULL') }), name).toBe(2);
    }
  });

  test('values on edges DOUBLE arithmetic misses land in one bin, the one its filter selects (DOUBLE, DECIMAL, negative integers)', async () => {
    const cols: SummaryColumn[] = [{ name: 'a', numeric: true }, { name: 'd', numeric: true }, { name: 'n', numeric: true }];
    for (const [name, e] of engines) {
      const summaries = await summarise(e, 'f', cols);
      for (const [i, s] of summaries.entries()) {
        if (s.kind !== 'histogram') throw new Error('kind');
        expect(s.bins.reduce((sum, b) => sum + b.count, 0), name).toBe(52);
        for (const b of s.bins) expect(await count(e, 'f', cols, { [cols[i]!.name]: binFilter(b) }), `${name} ${cols[i]!.name} ${binFilter(b)}`).toBe(b.count);
      }
      // n: −53…7 (−3i + 7) and 0…30; lo −53, hi 30, w 4.15.
      const n = summaries[2]!;
      if (n.kind !== 'histogram') throw new Error('kind');
      expect([n.bins[0]!.lo, n.bins[19]!.hi], name).toEqual([-53, 30]);
    }
  });

  test('top values are exact on a near-unique key with ties, the same on every run and engine', async () => {
    // 300,000 keys k_0000000…, each once, but k_0000100 and k_0299999 twice more and k_0150000 once
    // more, shuffled; plus 'é', 'Z' and 'a' twice each (ties: code points Z 0x5A < a 0x61 < é 0xE9).
    // By construction: k_0000100 and k_0299999 ×3, then the ties at ×2 in code-point order.
    const build = `CREATE OR REPLACE TABLE u AS SELECT s FROM (
      SELECT 'k_' || lpad(CAST(i AS VARCHAR), 7, '0') AS s FROM range(300000) r(i)
      UNION ALL SELECT * FROM (VALUES ('k_0000100'), ('k_0000100'), ('k_0299999'), ('k_0299999'), ('k_0150000'), ('é'), ('é'), ('Z'), ('Z'), ('a'), ('a'))
    ) ORDER BY hash(s || 'shuffle')`;
    const expected = { kind: 'top', column: 's', rows: 300011, nulls: 0, distinct: 300003, top: [{ value: 'k_0000100', count: 3 }, { value: 'k_0299999', count: 3 }, { value: 'Z', count: 2 }], other: 300003 };
    for (const [name, e] of engines) {
      await e.query(build);
      for (let run = 0; run < 4; run++) expect(await summarise(e, 'u', [{ name: 's', numeric: false }]), `${name} run ${run}`).toEqual([expected]);
      // Among the 2s: Z, a, é in that order once the 3s are gone.
      await e.query(`DELETE FROM u WHERE s IN ('k_0000100', 'k_0299999')`);
      const [t] = await summarise(e, 'u', [{ name: 's', numeric: false }]);
      expect(t!.kind === 'top' && t!.top, name).toEqual([{ value: 'Z', count: 2 }, { value: 'a', count: 2 }, { value: 'k_0150000', count: 2 }]);
    }
  });

  test('an empty relation and an all-NULL column give no bins and no top values', async () => {
    for (const [name, e] of engines) {
      const [x, s] = await summarise(e, 'z', [{ name: 'x', numeric: true }, { name: 's', numeric: false }]);
      expect(x, name).toEqual({ kind: 'histogram', column: 'x', temporal: false, rows: 0, nulls: 0, nonFinite: 0, bins: [] });
      expect(s, name).toEqual({ kind: 'top', column: 's', rows: 0, nulls: 0, distinct: 0, top: [], other: 0 });
      const [nx, ns] = await summarise(e, 'nn', [{ name: 'x', numeric: true }, { name: 's', numeric: false }]);
      expect(nx, name).toEqual({ kind: 'histogram', column: 'x', temporal: false, rows: 3, nulls: 3, nonFinite: 0, bins: [] });
      expect(ns, name).toEqual({ kind: 'top', column: 's', rows: 3, nulls: 3, distinct: 0, top: [], other: 0 });
    }
  });

  test('the half-open and time ranges as SQL; names stay quoted', () => {
    expect(filterPredicate({ name: 'a"b', numeric: true }, '0.1..<0.30000000000000004')).toEqual({ sql: `CAST("a""b" AS DOUBLE) >= '0.1'::DOUBLE AND CAST("a""b" AS DOUBLE) < '0.30000000000000004'::DOUBLE` });
    expect(filterPredicate({ name: 'x', numeric: true }, '-5..<-2.5')).toEqual({ sql: `CAST("x" AS DOUBLE) >= '-5'::DOUBLE AND CAST("x" AS DOUBLE) < '-2.5'::DOUBLE` });
    expect(filterPredicate({ name: 'x', numeric: true }, '1..<x')).toEqual({ error: expect.stringContaining('a range is two numbers') });
    expect(filterPredicate({ name: 't', numeric: false, temporal: true }, '2024-01-01 00:00:00..<2024-01-01 01:00:00.5')).toEqual({ sql: `CAST("t" AS TIMESTAMP) >= CAST('2024-01-01 00:00:00' AS TIMESTAMP) AND CAST("t" AS TIMESTAMP) < CAST('2024-01-01 01:00:00.5' AS TIMESTAMP)` });
    // Not a time range: still a text search.
    expect(filterPredicate({ name: 't', numeric: false, temporal: true }, '2024-01')).toEqual({ sql: `contains(lower(CAST("t" AS VARCHAR)), '2024-01')` });
    expect(columnSummariesSql('v"w', [{ name: HOSTILE, numeric: false }])).toContain(`FROM "v""w"`);
    expect(columnSummariesSql('v', [{ name: HOSTILE, numeric: false }])).toContain(`CAST("a""b'; DROP TABLE t; --" AS VARCHAR)`);
  });
});
