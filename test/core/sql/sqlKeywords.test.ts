import { afterAll, beforeAll, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { NON_NAME_KEYWORDS } from '../../../src/core/sql/sqlKeywords';
import { referencedNames } from '../../../src/core/sql/referencedNames';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await NodeEngine.create();
});
afterAll(() => engine.close());

test("the list is the engine's reserved and type_function keywords", async () => {
  const rows = (await engine.query(`SELECT keyword_name AS k FROM duckdb_keywords() WHERE keyword_category IN ('reserved', 'type_function') ORDER BY 1`)).toArray();
  expect([...NON_NAME_KEYWORDS].sort()).toEqual(rows.map((r) => String(r.k)));
});

test('such a keyword cannot name a table unquoted, so skipping it loses no reference', async () => {
  for (const word of ['select', 'from', 'join', 'left', 'by']) {
    await engine.query(`CREATE OR REPLACE TABLE "${word}" AS SELECT 1 AS x`);
    await expect(engine.query(`SELECT * FROM ${word}`)).rejects.toThrow();
    expect(Number((await engine.query(`SELECT count(*) AS n FROM "${word}"`)).get(0)!.toJSON().n)).toBe(1);
  }
});

test('the scanner: bare keywords skipped, quoted ones kept, other words kept', () => {
  expect([...referencedNames('SELECT x FROM "select" JOIN data USING (id) LEFT JOIN "from" ON true -- from')].sort()).toEqual(['data', 'from', 'id', 'select', 'x']);
  expect(referencedNames('select * from a where b in (select c from d)')).toEqual(new Set(['a', 'b', 'c', 'd']));
});
