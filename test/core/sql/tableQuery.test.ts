import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { NativeEngine } from '../../../src/engine/native/NativeEngine';
import type { Engine } from '../../../src/engine/Engine';
import { filterPredicate, tableCountSql, tablePageSql, tableWhereSql, type BrowseColumn, type TableQuery } from '../../../src/core/sql/tableQuery';

const COLUMNS: BrowseColumn[] = [
  { name: 'id', numeric: true },
  { name: 'label', numeric: false },
  { name: 'score', numeric: true },
];
// Decided by hand: labels with a trailing space, the text 'NULL', a real NULL and ''.
const ROWS = `(1, 'dent', 0.5), (2, 'dent ', 0.9), (3, 'NULL', NULL), (4, NULL, 0.5), (5, '', 0.1), (6, 'Crack', 0.9), (7, 'crack', 2.5)`;

describe('table sort and filter in DuckDB', () => {
  const engines: [string, Engine][] = [];
  beforeAll(async () => {
    engines.push(['DuckDB-WASM', await NodeEngine.create()], ['native DuckDB', await NativeEngine.create()]);
    for (const [, e] of engines) await e.query(`CREATE TABLE t AS SELECT * FROM (VALUES ${ROWS}) v(id, label, score)`);
  });
  afterAll(async () => {
    for (const [, e] of engines) await e.close();
  });
  const ids = async (e: Engine, q: TableQuery, offset = 0, limit = 100) => Array.from((await e.query(tablePageSql('t', COLUMNS, q, offset, limit))).getChild('id')!, Number);
  const count = async (e: Engine, q: TableQuery) => Number((await e.query(tableCountSql('t', COLUMNS, q))).getChild('n')!.get(0));

  test('filters: exact text with its blanks, NULL apart from the text NULL, the empty string, ranges, comparisons, contains', async () => {
    for (const [name, e] of engines) {
      const f = (filters: Record<string, string>) => ids(e, { sort: null, filters });
      expect(await f({ label: '"dent "' }), name).toEqual([2]);
      expect(await f({ label: '"dent"' }), name).toEqual([1]);
      expect(await f({ label: 'dent' }), name).toEqual([1, 2]);
      expect(await f({ label: 'is null' }), name).toEqual([4]);
      expect(await f({ label: '"NULL"' }), name).toEqual([3]);
      expect(await f({ label: '""' }), name).toEqual([5]);
      expect(await f({ label: 'CRACK' }), name).toEqual([6, 7]);
      expect(await f({ score: '0.5..1' }), name).toEqual([1, 2, 4, 6]);
      expect(await f({ score: '1..0.5' }), name).toEqual([1, 2, 4, 6]);
      expect(await f({ score: '> 0.5' }), name).toEqual([2, 6, 7]);
      expect(await f({ score: '0.5' }), name).toEqual([1, 4]);
      expect(await f({ score: '!= 0.5' }), name).toEqual([2, 5, 6, 7]);
      expect(await f({ score: 'is not null', label: 'c' }), name).toEqual([6, 7]);
      expect(await f({ id: '1,000..2,000' }), name).toEqual([]);
      expect(await count(e, { sort: null, filters: { score: '>= 0.9' } }), name).toBe(3);
    }
  });

  test('sort: NULLs last both ways, ties in column order, pages that neither overlap nor skip', async () => {
    for (const [name, e] of engines) {
      // score ascending: 0.1 (5), 0.5 (1, 4), 0.9 (2, 6), 2.5 (7), NULL (3); ties by id, then label.
      expect(await ids(e, { sort: { column: 'score', descending: false }, filters: {} }), name).toEqual([5, 1, 4, 2, 6, 7, 3]);
      expect(await ids(e, { sort: { column: 'score', descending: true }, filters: {} }), name).toEqual([7, 2, 6, 1, 4, 5, 3]);
      // label ascending in DuckDB's byte order ('' < 'Crack' < 'NULL' < 'crack' < 'dent' < 'dent '), NULL last.
      expect(await ids(e, { sort: { column: 'label', descending: false }, filters: {} }), name).toEqual([5, 6, 3, 7, 1, 2, 4]);
      const q: TableQuery = { sort: { column: 'score', descending: true }, filters: { score: 'is not null' } };
      const pages = [...(await ids(e, q, 0, 2)), ...(await ids(e, q, 2, 2)), ...(await ids(e, q, 4, 2))];
      expect(pages, name).toEqual([7, 2, 6, 1, 4, 5]);
    }
  });

  test('a filter that does not parse is named and left out; names and values stay quoted', () => {
    expect(filterPredicate({ name: 'score', numeric: true }, 'abc')).toEqual({ error: expect.stringContaining('a number column takes') });
    expect(filterPredicate({ name: 'score', numeric: true }, '1..x')).toEqual({ error: expect.stringContaining('a range is two numbers') });
    expect(filterPredicate({ name: 'score', numeric: true }, '  ')).toBeNull();
    const where = tableWhereSql([{ name: 'a"b', numeric: false }, { name: 'n', numeric: true }], { 'a"b': "x'); DROP TABLE t; --", n: 'oops' });
    expect(where.sql).toBe(`WHERE (contains(lower(CAST("a""b" AS VARCHAR)), 'x''); drop table t; --'))`);
    expect(Object.keys(where.errors)).toEqual(['n']);
  });
});
