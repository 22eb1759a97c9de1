import { describe, expect, test } from 'vitest';
import { secondStatementLine } from '../../../src/core/sql/statementBreaks';

// Decided by hand from DuckDB's (Postgres') lexical rules; every `;` below that is not a
// statement break sits inside a token that DuckDB reads as one string, identifier or comment.
describe('secondStatementLine', () => {
  test.each([
    ['SELECT 1', null],
    ['SELECT 1;', null],
    ['SELECT 1;  -- done\n', null],
    ['SELECT 1; /* trailing */ ;', null],
    ["SELECT 'a;b'", null],
    ["SELECT 'it''s; fine'", null],
    ['SELECT "col;name" FROM t', null],
    ['SELECT "a""; b" FROM t', null],
    ['SELECT $$a;b$$', null],
    ['SELECT $x$ a; $$ b; $x$', null],
    ["SELECT E'\\\\'", null],
    ['SELECT 1 /* outer /* inner; */ still; comment */', null],
    ['SELECT 1 -- a; b\nFROM t', null],
    ['SELECT 1; SELECT 2', 1],
    ['SELECT 1;\n\nSELECT 2', 3],
    // The bypasses of issue 17: a backslash-escaped quote and a dollar quote.
    ["SELECT E'\\'' AS q; COPY (SELECT 1) TO '/tmp/x.csv' -- '", 1],
    ['SELECT $$a$$ AS q; COPY t TO \'/tmp/x\'', 1],
    ["SELECT 'x' AS q;\nCOPY t TO '/tmp/x'", 2],
    // `$1` is a parameter, not a dollar quote; the `;` after it is a break.
    ['SELECT $1; DROP TABLE t', 1],
    // `e'` only starts an escape string at the start of a token.
    ["SELECT some' ; x'", null],
  ])('%j → %s', (sql, line) => {
    expect(secondStatementLine(sql)).toBe(line);
  });
});
