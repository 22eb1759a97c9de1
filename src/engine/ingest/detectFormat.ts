import type { SourceFormat } from '../Engine';

/**
 * The format of a file, from its leading bytes where they are decisive and its name otherwise.
 * Magic bytes win so a Parquet file saved as `.bin` still opens, and a CSV named `.parquet`
 * gets an honest "not a Parquet file" rather than garbage columns.
 */
export function detectFormat(fileName: string, head: Uint8Array): SourceFormat | null {
  const ascii = String.fromCharCode(...head.subarray(0, 8));
  if (ascii.startsWith('PAR1')) return 'parquet';
  if (ascii.startsWith('ARROW1')) return 'arrow';
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff) return 'arrow';
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (/\.(arrow|arrows|ipc|feather)$/.test(lower)) return 'arrow';
  if (/\.(jsonl|ndjson)$/.test(lower)) return 'jsonl';
  if (/\.(csv|tsv|txt)$/.test(lower)) return 'csv';
  return null;
}
