import { AssayError } from '../../core/errors';

/**
 * The columns to keep when a load asks for only some: the requested names in the file's own
 * order, so every format and engine gives the same schema (re-ordering a loaded Parquet table
 * would cost a full copy). A name the file lacks fails the load, naming the file and what it has.
 */
export function projectColumns(fileName: string, available: readonly string[], wanted: readonly string[]): string[] {
  const missing = wanted.filter((c) => !available.includes(c));
  if (missing.length) {
    throw new AssayError('input', `has no column ${missing.join(', ')} (it has ${available.join(', ')})`, { subject: fileName });
  }
  return available.filter((c) => wanted.includes(c));
}
