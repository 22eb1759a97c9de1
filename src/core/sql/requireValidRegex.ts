import { AssayError, messageOf } from '../errors';
import type { QueryFn } from '../cells/CellKind';
import { quoteLiteral } from './quote';

/**
 * Check regular expressions with the engine that will run them (DuckDB's RE2, whose syntax
 * differs from JavaScript's both ways) before a cell's main query, so a bad one is reported
 * by what the spec calls it — `rule format (matches)` — instead of RE2's bare "missing ]: [".
 * `patterns` maps that description to the pattern.
 */
export async function requireValidRegex(query: QueryFn, patterns: readonly (readonly [what: string, pattern: string])[], subject: string): Promise<void> {
  for (const [what, pattern] of patterns) {
    try {
      await query(`SELECT regexp_matches('', ${quoteLiteral(pattern)}) AS ok`);
    } catch (error) {
      const why = messageOf(error).replace(/^Invalid Input Error:\s*/, '');
      throw new AssayError('input', `${what}: invalid regular expression ${JSON.stringify(pattern)} (${why})`, { subject, cause: error });
    }
  }
}
