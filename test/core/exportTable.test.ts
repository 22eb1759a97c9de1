import { describe, expect, test } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { tableToCsv, tableToJsonLines } from '../../src/core/exportTable';

describe('table exports', () => {
  test('CSV quotes what needs quoting (RFC 4180) and writes NULL as empty; JSON Lines keeps values', () => {
    const t = tableFromArrays({ key: ['a', 'b,c', 'say "hi"', 'two\nlines', ' pad'], n: Float64Array.from([1, 2.5, -3, 0, 7]) });
    expect(tableToCsv(t)).toBe('key,n\r\na,1\r\n"b,c",2.5\r\n"say ""hi""",-3\r\n"two\nlines",0\r\n" pad",7\r\n');
    expect(tableToJsonLines(t).split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual([
      { key: 'a', n: 1 },
      { key: 'b,c', n: 2.5 },
      { key: 'say "hi"', n: -3 },
      { key: 'two\nlines', n: 0 },
      { key: ' pad', n: 7 },
    ]);
  });
});
