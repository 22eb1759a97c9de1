import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { decimalToString, tableToJsonRows } from '../../src/core/arrowJson';

describe('Arrow values to JSON', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
  });
  afterAll(() => engine.close());

  test('decimals keep their scale and sign', async () => {
    const t = await engine.query(
      "SELECT 0.05 AS a, 123.456::DECIMAL(10,3) AS b, -1.5::DECIMAL(4,1) AS c, -0.007::DECIMAL(5,3) AS d, round(2.345, 2) AS e, 12345678901234.5678::DECIMAL(20,4) AS f",
    );
    expect(tableToJsonRows(t)).toEqual([{ a: 0.05, b: 123.456, c: -1.5, d: -0.007, e: 2.35, f: 12345678901234.5678 }]);
    expect(decimalToString('-7', 3)).toBe('-0.007');
    expect(decimalToString('12', 0)).toBe('12');
  });

  test('timestamps are ISO UTC, big integers stay exact as text, NULLs are null', async () => {
    const t = await engine.query("SELECT TIMESTAMP '2026-03-01 02:03:04.5' AS t, 9007199254740993::BIGINT AS big, 42::BIGINT AS small, NULL::INTEGER AS n, [1, 2] AS l");
    expect(tableToJsonRows(t)).toEqual([{ t: '2026-03-01T02:03:04.500Z', big: '9007199254740993', small: 42, n: null, l: '[1,2]' }]);
  });
});
