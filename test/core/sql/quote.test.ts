import { describe, expect, test } from 'vitest';
import { identList, quoteIdent, quoteLiteral } from '../../../src/core/sql/quote';

describe('quoteIdent', () => {
  test('doubles embedded quotes and wraps in double quotes', () => {
    expect(quoteIdent('plain')).toBe('"plain"');
    expect(quoteIdent('label "final"')).toBe('"label ""final"""');
    expect(quoteIdent('ünï 列')).toBe('"ünï 列"');
    expect(quoteIdent("x'); DROP TABLE t; --")).toBe(`"x'); DROP TABLE t; --"`);
  });
  test('refuses NUL', () => expect(() => quoteIdent('a\u0000b')).toThrow(/NUL/));
  test('lists', () => expect(identList(['a', 'b c'])).toBe('"a", "b c"'));
});

describe('quoteLiteral', () => {
  test('strings double single quotes', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral("'; DROP TABLE x; --")).toBe("'''; DROP TABLE x; --'");
  });
  test('scalars', () => {
    expect(quoteLiteral(null)).toBe('NULL');
    expect(quoteLiteral(undefined)).toBe('NULL');
    expect(quoteLiteral(true)).toBe('TRUE');
    expect(quoteLiteral(3.5)).toBe('3.5');
    expect(quoteLiteral(12345678901234567890n)).toBe('12345678901234567890');
    expect(quoteLiteral(Number.NaN)).toBe("'NaN'::DOUBLE");
    expect(quoteLiteral(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("TIMESTAMP '2026-01-02 03:04:05.000'");
  });
});
