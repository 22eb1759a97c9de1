import { NON_NAME_KEYWORDS } from './sqlKeywords';

/**
 * The identifiers a SQL text mentions, lowercased: bare words and "quoted" names, with
 * string literals and comments skipped. Intersected with the names a notebook defines,
 * this is how a SQL cell's dependencies are found. (DuckDB-WASM cannot serialise a parse
 * tree offline — json_serialize_sql lives in the json extension — so this scans tokens;
 * a mention in a column alias can at worst add an edge, never lose one. Unquoted keywords that
 * cannot be names, `select` or `from`, are skipped.)
 */
export function referencedNames(sql: string): Set<string> {
  const out = new Set<string>();
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (ch === "'") {
      i++;
      while (i < n) {
        if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
    } else if (ch === '"') {
      let name = '';
      i++;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') (name += '"'), (i += 2);
        else if (sql[i] === '"') break;
        else name += sql[i++];
      }
      i++;
      out.add(name.toLowerCase());
    } else if (/[\p{L}_]/u.test(ch)) {
      let j = i + 1;
      while (j < n && /[\p{L}\p{N}_$]/u.test(sql[j]!)) j++;
      const word = sql.slice(i, j).toLowerCase();
      // A bare keyword is never a name: a cell called `select` is read as "select".
      if (!NON_NAME_KEYWORDS.has(word)) out.add(word);
      i = j;
    } else i++;
  }
  return out;
}
