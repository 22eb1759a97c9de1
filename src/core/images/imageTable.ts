import { quoteIdent, quoteLiteral } from '../sql/quote';
import type { ImageMeasure } from './measure';

/** The columns of the image table, in order, with their DuckDB types. `dhash_bits` is the hash as a number, for XOR. */
export const IMAGE_TABLE_COLUMNS = [
  ['path', 'VARCHAR'],
  ['bytes', 'BIGINT'],
  ['sha256', 'VARCHAR'],
  ['format', 'VARCHAR'],
  ['width', 'INTEGER'],
  ['height', 'INTEGER'],
  ['channels', 'INTEGER'],
  ['decode_error', 'VARCHAR'],
  ['mean_luminance', 'DOUBLE'],
  ['sharpness', 'DOUBLE'],
  ['dhash', 'VARCHAR'],
  ['dhash_bits', 'UBIGINT'],
] as const;

/** Rows per INSERT statement. */
const CHUNK = 250;

/**
 * Statements that put the measured rows into a table: one CREATE, then INSERTs of literal
 * rows (every value through quoteLiteral), so any engine takes them and nothing but the
 * numbers and texts measured reaches SQL. Doubles are written with enough digits to read
 * back as the same double.
 */
export function imageTableStatements(table: string, rows: readonly ImageMeasure[]): string[] {
  const out = [`CREATE OR REPLACE TABLE ${quoteIdent(table)} (${IMAGE_TABLE_COLUMNS.map(([c, t]) => `${quoteIdent(c)} ${t}`).join(', ')})`];
  const dbl = (x: number | null) => (x === null ? 'NULL' : `${quoteLiteral(String(x))}::DOUBLE`);
  for (let s = 0; s < rows.length; s += CHUNK) {
    const values = rows.slice(s, s + CHUNK).map((r) =>
      `(${[
        quoteLiteral(r.path),
        quoteLiteral(r.bytes),
        quoteLiteral(r.sha256),
        quoteLiteral(r.format),
        quoteLiteral(r.width),
        quoteLiteral(r.height),
        quoteLiteral(r.channels),
        quoteLiteral(r.decode_error),
        dbl(r.mean_luminance),
        dbl(r.sharpness),
        quoteLiteral(r.dhash),
        r.dhash === null ? 'NULL' : `${BigInt(`0x${r.dhash}`).toString()}::UBIGINT`,
      ].join(', ')})`,
    );
    out.push(`INSERT INTO ${quoteIdent(table)} VALUES ${values.join(',\n')}`);
  }
  return out;
}
