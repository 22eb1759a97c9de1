import type { Table } from 'apache-arrow';
import { quoteIdent } from './quote';

/** A column as DuckDB's DESCRIBE names and types it. */
export interface DescribedColumn {
  name: string;
  type: string;
}

/** The columns of a table or view, in order. */
export async function describeColumns(query: (sql: string) => Promise<Table>, table: string): Promise<DescribedColumn[]> {
  const t = await query(`SELECT column_name, column_type FROM (DESCRIBE ${quoteIdent(table)})`);
  return t.toArray().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/**
 * Turn a freshly loaded table's TIMESTAMP WITH TIME ZONE columns into plain UTC timestamps, so
 * no later query needs the icu extension (which DuckDB-WASM would try to download). Returns
 * the table's columns afterwards. Every engine's ingest ends with this.
 */
export async function normaliseTimestamps(query: (sql: string) => Promise<Table>, table: string): Promise<DescribedColumn[]> {
  const columns = await describeColumns(query, table);
  const zoned = columns.filter((c) => c.type.startsWith('TIMESTAMP WITH TIME ZONE'));
  for (const c of zoned) await query(`ALTER TABLE ${quoteIdent(table)} ALTER ${quoteIdent(c.name)} TYPE TIMESTAMP USING ${quoteIdent(c.name)}::TIMESTAMP`);
  return zoned.length ? describeColumns(query, table) : columns;
}
