import { AssayError } from '../../core/errors';

/** C0 and C1 control characters and DEL: never part of a usable column name. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks every engine makes on a table it has just read, so one file means one thing
 * everywhere: a column name holding a control character (a NUL in a CSV header, say) is
 * refused, naming the column and the character. DuckDB keeps such a name, but it does not
 * survive the way out — JSON rows key it `la` for `la\0bel` and its values are lost.
 */
export function validateLoaded(columns: readonly { name: string }[], fileName: string): void {
  for (const [i, { name }] of columns.entries()) {
    const m = CONTROL.exec(name);
    if (!m) continue;
    const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new AssayError('input', `column ${i + 1} (${JSON.stringify(name)}) has a control character (${code}) in its name: rename it in the file`, { subject: fileName });
  }
}
