import type { Table } from 'apache-arrow';
import { tableToJsonRows, type JsonScalar } from './arrowJson';

/** Formats a relation can be exported in. Parquet is written by the engine, the others here. */
export type ExportFormat = 'csv' | 'jsonl' | 'parquet';

/** File extension and MIME type of each export format. */
export const EXPORT_TYPES: Record<ExportFormat, { extension: string; type: string }> = {
  csv: { extension: 'csv', type: 'text/csv;charset=utf-8' },
  jsonl: { extension: 'jsonl', type: 'application/jsonl;charset=utf-8' },
  parquet: { extension: 'parquet', type: 'application/vnd.apache.parquet' },
};

function csvField(value: JsonScalar): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A table as CSV (RFC 4180: a header line, fields quoted when they hold a comma, quote or line break; NULL as empty). */
export function tableToCsv(table: Table): string {
  const names = table.schema.fields.map((f) => f.name);
  const lines = [names.map(csvField).join(',')];
  for (const row of tableToJsonRows(table)) lines.push(names.map((n) => csvField(row[n] ?? null)).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A table as JSON Lines: one object per row, values as tableToJsonRows gives them. */
export function tableToJsonLines(table: Table): string {
  return tableToJsonRows(table)
    .map((r) => JSON.stringify(r))
    .join('\n')
    .concat(table.numRows ? '\n' : '');
}
