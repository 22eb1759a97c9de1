import { DataType, type Field, type Vector } from 'apache-arrow';
import { formatValue } from './formatValue';
import { displayLabel, NULL_LABEL } from '../core/format/displayLabel';
import { columnDecimals, formatFixed } from '../core/format/numberFormat';

/** A cell's text in a result table, how to style it, and (when rounded) its exact value. */
export interface ShownValue {
  text: string;
  special: 'null' | 'empty' | 'marked' | null;
  title?: string;
}

/** How one column's values are shown. */
export interface ColumnFormatter {
  numeric: boolean;
  /** The type as a short name for under the header (`VARCHAR`, `DOUBLE`, `TIMESTAMP`). */
  typeName: string;
  format(value: unknown): ShownValue;
}

/**
 * A formatter for one column of a result table. Numbers are right-aligned with thousands
 * separators and, for fractions, one number of decimals for the whole column (the most any of
 * the first `sample` values needs, up to six), so 677 and 794.7 read 677.0 and 794.7. Text goes
 * through displayLabel: a NULL, the empty string and invisible characters read as themselves.
 */
export function columnFormatter(field: Field, column: Vector | null, sample: number): ColumnFormatter {
  const type = field.type;
  const typeName = shortType(type);
  const isInt = DataType.isInt(type);
  const isFloat = DataType.isFloat(type) || DataType.isDecimal(type);
  if (isInt || isFloat) {
    const texts: string[] = [];
    if (isFloat && column) for (let i = 0; i < Math.min(sample, column.length); i++) texts.push(formatValue(column.get(i), field));
    const decimals = columnDecimals(texts);
    return {
      numeric: true,
      typeName,
      format(value) {
        if (value === null || value === undefined) return { text: NULL_LABEL, special: 'null' };
        const exact = formatValue(value, field);
        if (typeof value === 'bigint') return { text: value.toLocaleString('en-US'), special: null };
        const n = typeof value === 'number' ? value : Number(exact);
        if (!Number.isFinite(n)) return { text: exact, special: null };
        const text = formatFixed(n, decimals, exact);
        return { text, special: null, ...(isFloat && Number(text.replace(/,/g, '')) !== Number(exact) ? { title: exact } : {}) };
      },
    };
  }
  const textual = DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type);
  return {
    numeric: false,
    typeName,
    format(value) {
      if (value === null || value === undefined) return { text: NULL_LABEL, special: 'null' };
      if (!textual) return { text: formatValue(value, field), special: null };
      const shown = displayLabel(value);
      return shown.special === 'marked' ? { ...shown, title: JSON.stringify(value) } : shown;
    },
  };
}

function shortType(type: DataType): string {
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return 'VARCHAR';
  if (DataType.isInt(type)) return `${type.isSigned ? '' : 'U'}${({ 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' } as Record<number, string>)[type.bitWidth] ?? `INT${type.bitWidth}`}`;
  if (DataType.isFloat(type)) return type.precision === 2 ? 'DOUBLE' : type.precision === 1 ? 'FLOAT' : 'HALF';
  if (DataType.isDecimal(type)) return `DECIMAL(${type.precision},${type.scale})`;
  if (DataType.isTimestamp(type)) return 'TIMESTAMP';
  if (DataType.isDate(type)) return 'DATE';
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isList(type)) return 'LIST';
  if (DataType.isStruct(type)) return 'STRUCT';
  if (DataType.isDictionary(type)) return 'VARCHAR';
  return String(type);
}
