import type { QueryFn } from '../cells/CellKind';
import { AssayError, messageOf } from '../errors';
import { quoteLiteral } from './quote';
import { excerptAt, locateSqlError } from './sqlErrorPosition';

/**
 * Has DuckDB parse and bind `sql` alone, as the text of a string literal, and refuse it
 * unless it is exactly one SELECT statement (DuckDB's `query()` table function accepts
 * nothing else). Nothing runs: DESCRIBE only binds. Once this passed, the text has no
 * statement separator DuckDB would honour, so `CREATE VIEW v AS <sql>` is one statement
 * whose body is the user's query; and DuckDB's messages are about the user's text alone,
 * not the wrapper around it. A failure carries its place in the user's text (`at`) when
 * DuckDB gives one, with DuckDB's excerpt redrawn over that text.
 */
export async function checkSingleSelect(query: QueryFn, sql: string, subject: string): Promise<void> {
  try {
    await query(`DESCRIBE SELECT * FROM query(${quoteLiteral(sql)})`);
  } catch (cause) {
    const message = cleanProbeMessage(messageOf(cause));
    const at = (await locateSqlError(query, sql, message)) ?? undefined;
    throw new AssayError('sql', at ? `${message}\n\n${excerptAt(sql, at)}` : message, { subject, cause, at });
  }
}

/**
 * Checks that a user's condition (a checks rule's `sql:` or `relation:`) is one SQL expression
 * when put in parentheses, which is how callers must place it; else an error naming the rule. DuckDB parses and binds
 * `SELECT (<condition>) AS "<nonce>" FROM <relation> LIMIT 0` as a string, and the condition
 * passes only when the result is one BOOLEAN column named by the nonce: a condition that
 * closes the parenthesis to add columns, clauses or statements cannot also produce a column
 * whose name it cannot know. `relation` is already quoted.
 */
export async function checkCondition(query: QueryFn, condition: string, relation: string, subject: string): Promise<void> {
  const nonce = `assay_condition_${randomHex()}`;
  const probe = `SELECT (${condition}) AS "${nonce}" FROM ${relation} LIMIT 0`;
  let described;
  try {
    described = await query(`DESCRIBE SELECT * FROM query(${quoteLiteral(probe)})`);
  } catch (cause) {
    throw new AssayError('input', `the condition ${JSON.stringify(condition)} is not a valid SQL expression: ${cleanProbeMessage(messageOf(cause))}`, { subject, cause });
  }
  const columns = described.toArray().map((r) => r.toJSON() as { column_name: string; column_type: string });
  if (columns.length !== 1 || columns[0]!.column_name !== nonce) {
    throw new AssayError('input', `the condition ${JSON.stringify(condition)} is not one SQL expression (it reaches outside its parentheses)`, { subject });
  }
  if (columns[0]!.column_type !== 'BOOLEAN') {
    throw new AssayError('input', `the condition ${JSON.stringify(condition)} gives ${columns[0]!.column_type}, not true or false`, { subject });
  }
}

/**
 * DuckDB's message without the probe's own wording: its "LINE 1: DESCRIBE SELECT * FROM
 * query(…" excerpt and caret point into the probe, not into the user's text, so they go.
 */
function cleanProbeMessage(text: string): string {
  return text
    .replace(/^Parser Error: Expected a single SELECT statement$/m, 'Parser Error: expected one SELECT statement (one query per cell, no other kind of statement)')
    .replace(/\n*LINE \d+: DESCRIBE SELECT \* FROM query\([^\n]*(\n\s*\^)?/g, '')
    .trim();
}

function randomHex(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
