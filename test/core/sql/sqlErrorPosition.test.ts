import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { NativeEngine } from '../../../src/engine/native/NativeEngine';
import type { Engine } from '../../../src/engine/Engine';
import { sqlCell } from '../../../src/core/cells/sqlCell';
import { AssayError } from '../../../src/core/errors';
import { positionFromExcerpt, positionOfByteOffset } from '../../../src/core/sql/sqlErrorPosition';

/** Runs a sql cell and returns its error (message and place). */
async function failure(engine: Engine, sql: string): Promise<{ message: string; at: AssayError['at'] }> {
  const { spec } = sqlCell.parse(sql);
  try {
    await sqlCell.run(spec!, { name: 'sql_1', query: (q) => engine.query(q), params: {} });
  } catch (error) {
    return { message: (error as Error).message, at: (error as AssayError).at };
  }
  throw new Error('the cell ran');
}

describe('a SQL cell error is about the user’s SQL, placed in the user’s text', () => {
  const engines: [string, Engine][] = [];
  beforeAll(async () => {
    for (const [name, engine] of [['duckdb-wasm', await NodeEngine.create()], ['native', await NativeEngine.create()]] as const) {
      await engine.query("CREATE TABLE t AS SELECT 1 AS a, 'x' AS b");
      await engine.seal();
      engines.push([name, engine]);
    }
  });
  afterAll(async () => {
    for (const [, e] of engines) await e.close();
  });

  // Places counted by hand in each text (1-based line, column).
  const cases: [string, string, { line: number; column: number } | null, RegExp][] = [
    ['unknown column on line 2', 'SELECT a,\n  nope\nFROM t', { line: 2, column: 3 }, /Binder Error: Referenced column "nope" not found/],
    ['unknown column on line 1', 'SELECT nope FROM t', { line: 1, column: 8 }, /Binder Error/],
    ['unknown table', 'SELECT *\nFROM missing_table', { line: 2, column: 6 }, /Catalog Error: Table with name missing_table does not exist/],
    ['syntax error', 'SELECT a,\n  b FRM t', { line: 2, column: 9 }, /Parser Error: syntax error at or near "t"/],
    ['syntax error after a non-ASCII literal', "SELECT 'é' AS x FRM t", { line: 1, column: 16 }, /Parser Error: syntax error at or near "FRM"/],
    // DuckDB splits statements only at `;`: text with one is never sent outside a string literal.
    ['a syntax error in text with a semicolon in a string has no place', "SELECT ';' AS x FRM t", null, /Parser Error/],
  ];
  for (const [what, sql, at, pattern] of cases) {
    test(what, async () => {
      for (const [engine, e] of engines) {
        const f = await failure(e, sql);
        expect(f.message, engine).toMatch(pattern);
        expect(f.message, engine).not.toMatch(/CREATE OR REPLACE VIEW|DESCRIBE|query\(/);
        expect(f.at ?? null, engine).toEqual(at);
        if (!at) continue;
        // The excerpt is the user's line with the caret under the place.
        const [shown, caret] = f.message.split('\n').slice(-2);
        expect(shown, engine).toBe(`LINE ${at.line}: ${sql.split('\n')[at.line - 1]}`);
        expect(caret!.length - 1, engine).toBe(`LINE ${at.line}: `.length + at.column - 1);
      }
    });
  }

  test('a long line: DuckDB cuts its excerpt with "...", and the place is still found', () => {
    const sql = `SELECT ${Array.from({ length: 40 }, (_, i) => `c${i}`).join(', ')}, nope FROM t`;
    const statement = `DESCRIBE ${sql}`;
    const column = statement.indexOf('nope');
    // DuckDB's format: at most about 60 columns either side, "..." where cut.
    const shown = `...${statement.slice(column - 57, column + 57)}...`;
    const message = `Binder Error: x\n\nLINE 1: ${shown}\n${' '.repeat('LINE 1: '.length + 3 + 57)}^`;
    expect(positionFromExcerpt(message, statement, 'DESCRIBE '.length)).toEqual({ line: 1, column: sql.indexOf('nope') + 1 });
  });

  test('byte offsets of UTF-8 text become columns', () => {
    expect(positionOfByteOffset('é\nab', 4)).toEqual({ line: 2, column: 2 });
  });
});
