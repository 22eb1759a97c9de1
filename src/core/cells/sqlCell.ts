import { quoteIdent } from '../sql/quote';
import { referencedNames } from '../sql/referencedNames';
import { describeColumns } from '../sql/describe';
import { secondStatementLine } from '../sql/statementBreaks';
import { checkSingleSelect } from '../sql/singleSelect';
import { tableToJsonRows } from '../arrowJson';
import { AssayError, messageOf } from '../errors';
import { withoutExcerpt } from '../sql/sqlErrorPosition';
import type { CellKind } from './CellKind';

export interface SqlSpec {
  sql: string;
}

/** Rows a sql cell brings back for display; the view itself holds them all. */
export const SQL_DISPLAY_LIMIT = 100_000;
/** Rows kept in the JSON result (snapshots, golden files). */
export const SQL_RESULT_ROWS = 50;

/**
 * `sql` — one SELECT query. The cell defines a view named after itself, so later cells
 * can query it by name.
 */
export const sqlCell: CellKind<SqlSpec> = {
  kind: 'sql',
  description: 'A SQL query; later cells can query it by the cell name',
  template: 'SELECT 1',
  parse(body) {
    const sql = stripTrailingSemicolons(body);
    if (sql.trim() === '') return { spec: null, diagnostics: [{ line: 1, message: 'the SQL cell is empty' }] };
    const extra = secondStatementLine(sql);
    if (extra !== null) {
      return { spec: null, diagnostics: [{ line: extra, message: 'a SQL cell holds one query; split further statements into their own cells' }] };
    }
    return { spec: { sql }, diagnostics: [] };
  },
  references(spec) {
    return referencedNames(spec.sql);
  },
  async run(spec, ctx) {
    await checkSingleSelect(ctx.query, spec.sql, ctx.name);
    try {
      await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${spec.sql}`);
    } catch (cause) {
      // The probe above bound the same text, so this is rare; DuckDB's excerpt would quote the wrapper.
      throw new AssayError('sql', withoutExcerpt(messageOf(cause)), { subject: ctx.name, cause });
    }
    const table = await ctx.query(`SELECT * FROM ${quoteIdent(ctx.name)} LIMIT ${SQL_DISPLAY_LIMIT + 1}`);
    const truncated = table.numRows > SQL_DISPLAY_LIMIT;
    const shown = truncated ? table.slice(0, SQL_DISPLAY_LIMIT) : table;
    const rows = truncated
      ? Number((await ctx.query(`SELECT count(*) AS n FROM ${quoteIdent(ctx.name)}`)).getChild('n')!.get(0))
      : table.numRows;
    // DuckDB's own type names, the same whichever engine (and Arrow build) ran the query.
    const columns = await describeColumns(ctx.query, ctx.name);
    return {
      table: shown,
      truncated,
      result: { columns, rows, head: tableToJsonRows(shown, SQL_RESULT_ROWS) },
    };
  },
};

function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}
