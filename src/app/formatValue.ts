import { DataType, type Field } from 'apache-arrow';
import { decimalToString } from '../core/arrowJson';

/**
 * Text for one Arrow value as a result table shows it. Timestamps are UTC (Assay
 * normalises them on ingest), big integers stay exact, floats keep their precision.
 */
export function formatValue(value: unknown, field: Field): string {
  if (value === null || value === undefined) return '';
  const type = field.type;
  if (DataType.isTimestamp(type) || DataType.isDate(type)) {
    const ms = typeof value === 'bigint' ? Number(value) : (value as number);
    const iso = new Date(ms).toISOString();
    return DataType.isDate(type) ? iso.slice(0, 10) : iso.replace('T', ' ').replace(/\.000Z$|Z$/, '');
  }
  if (DataType.isDecimal(type)) return decimalToString(value, type.scale);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === 'object' && 'toJSON' in (value as object)) return JSON.stringify((value as { toJSON(): unknown }).toJSON(), bigintReplacer);
  return String(value);
}

function bigintReplacer(_key: string, v: unknown) {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** "1,234,567" */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "12 ms", "1.24 s" */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** "4.2 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
