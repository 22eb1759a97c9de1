import { DataType, type Table } from 'apache-arrow';

/** A JSON-safe scalar. */
export type JsonScalar = string | number | boolean | null;

/**
 * Rows of an Arrow table as plain JSON values, for results files and golden tests:
 * safe integers as numbers (larger ones as strings), timestamps as ISO-8601 UTC strings,
 * nested values as JSON.
 */
export function tableToJsonRows(table: Table, limit = Number.POSITIVE_INFINITY): Record<string, JsonScalar>[] {
  const fields = table.schema.fields;
  const columns = fields.map((_, i) => table.getChildAt(i));
  const n = Math.min(table.numRows, limit);
  const rows: Record<string, JsonScalar>[] = [];
  for (let r = 0; r < n; r++) {
    const row: Record<string, JsonScalar> = {};
    fields.forEach((f, c) => {
      row[f.name] = toJson(columns[c]?.get(r), f.type);
    });
    rows.push(row);
  }
  return rows;
}

/** One Arrow value as JSON. */
export function toJson(value: unknown, type: DataType): JsonScalar {
  if (value === null || value === undefined) return null;
  if (DataType.isTimestamp(type) || DataType.isDate(type)) {
    const ms = typeof value === 'bigint' ? Number(value) : (value as number);
    return new Date(ms).toISOString();
  }
  if (DataType.isDecimal(type)) return Number(decimalToString(value, type.scale));
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'object' && 'toJSON' in (value as object)) {
    return JSON.stringify((value as { toJSON(): unknown }).toJSON(), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return String(value);
}

/**
 * The exact decimal text of an Arrow Decimal value: Arrow JS hands out the unscaled integer
 * (123.456 as DECIMAL(10,3) arrives as 123456), so the point is placed by the type's scale.
 */
export function decimalToString(value: unknown, scale: number): string {
  const digits = String(value);
  const negative = digits.startsWith('-');
  const abs = negative ? digits.slice(1) : digits;
  if (scale <= 0) return digits;
  const padded = abs.padStart(scale + 1, '0');
  const text = `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
