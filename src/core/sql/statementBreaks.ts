/**
 * Where a second statement starts in a SQL text: the 1-based line of the first `;` outside
 * strings, quoted identifiers, dollar-quoted strings and comments that has more SQL after
 * it, or null. This is only a friendly early message ("split it into its own cell"): what
 * keeps a notebook from running a second statement is DuckDB's own parser (see
 * `singleSelect.ts`) and the sealed engine (src/engine/sandbox.ts), not this scan.
 *
 * It lexes as DuckDB's (Postgres') scanner does: `'…'` with `''` inside, `E'…'` with
 * backslash escapes, `"…"` with `""`, `$tag$…$tag$` (tag empty or an identifier),
 * `-- …` to the end of the line, and `/* … *\/` nested.
 */
export function secondStatementLine(sql: string): number | null {
  let line = 1;
  let i = 0;
  const n = sql.length;
  const advance = (to: number) => {
    for (let k = i; k < to && k < n; k++) if (sql.charCodeAt(k) === 10) line++;
    i = to;
  };
  while (i < n) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      advance(end < 0 ? n : end);
    } else if (ch === '/' && next === '*') {
      let depth = 1;
      let k = i + 2;
      while (k < n && depth > 0) {
        if (sql[k] === '/' && sql[k + 1] === '*') (depth++, (k += 2));
        else if (sql[k] === '*' && sql[k + 1] === '/') (depth--, (k += 2));
        else k++;
      }
      advance(k);
    } else if ((ch === 'e' || ch === 'E') && next === "'" && !isIdentChar(sql[i - 1])) {
      // E'…': a backslash escapes the next character; '' is a quote too.
      let k = i + 2;
      while (k < n) {
        if (sql[k] === '\\') k += 2;
        else if (sql[k] === "'" && sql[k + 1] === "'") k += 2;
        else if (sql[k] === "'") break;
        else k++;
      }
      advance(k + 1);
    } else if (ch === "'" || ch === '"') {
      let k = i + 1;
      while (k < n) {
        if (sql[k] === ch && sql[k + 1] === ch) k += 2;
        else if (sql[k] === ch) break;
        else k++;
      }
      advance(k + 1);
    } else if (ch === '$' && !isIdentChar(sql[i - 1])) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
      if (!tag) {
        advance(i + 1);
        continue;
      }
      const end = sql.indexOf(tag[0], i + tag[0].length);
      advance(end < 0 ? n : end + tag[0].length);
    } else if (ch === ';') {
      const rest = sql.slice(i + 1);
      if (hasCode(rest)) return line + (rest.match(/^\s*/)![0].split('\n').length - 1);
      advance(i + 1);
    } else advance(i + 1);
  }
  return null;
}

/** True when a text holds anything but white space, comments and semicolons. */
function hasCode(text: string): boolean {
  let rest = text;
  for (;;) {
    const trimmed = rest.replace(/^[\s;]+/, '');
    if (trimmed.startsWith('--')) {
      const end = trimmed.indexOf('\n');
      rest = end < 0 ? '' : trimmed.slice(end);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      rest = end < 0 ? '' : trimmed.slice(end + 2);
    } else return trimmed !== '';
  }
}

function isIdentChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_$]/.test(ch);
}
