/**
 * The one place identifiers and literals become SQL text. Everything that puts a
 * user-supplied name or value into SQL goes through here, so a column called
 * `label "final"; DROP TABLE x` stays a column name.
 */

/** Quote an identifier (table, view or column name) for DuckDB: `"a ""b"""`. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error(`Identifier contains a NUL character: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL literal for a string, number, boolean, bigint, Date or null. */
export function quoteLiteral(value: string | number | bigint | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    // NaN and infinities have no bare literal form in SQL; DuckDB parses them from text.
    if (!Number.isFinite(value)) return `'${String(value)}'::DOUBLE`;
    return String(value);
  }
  if (value instanceof Date) return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
  if (value.includes('\u0000')) throw new Error('String literal contains a NUL character');
  return `'${value.replaceAll("'", "''")}'`;
}

/** A comma-separated list of quoted identifiers. */
export function identList(names: readonly string[]): string {
  return names.map(quoteIdent).join(', ');
}
