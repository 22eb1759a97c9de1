import { cellKind } from '../cells/registry';
import type { CellContext, CellOutput, QueryFn } from '../cells/CellKind';
import { AssayError, explainRefusal, messageOf } from '../errors';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import type { Analysis } from './analyzeNotebook';

/** The outcome of one cell. */
export interface CellRun {
  name: string;
  kind: string;
  status: 'ok' | 'error';
  error?: string;
  /** Where in the cell's body the error is (1-based line and column), when DuckDB said. */
  errorAt?: { line: number; column: number };
  output?: CellOutput;
  elapsedMs: number;
}

/**
 * Run cells in the analysis' order (all of them, or `only` these names and nothing else).
 * A failing cell does not stop the others; cells that read a failed one fail with a
 * message naming it, since their input is gone.
 */
export async function runCells(
  analysis: Analysis,
  ctx: {
    query: QueryFn;
    params: Record<string, unknown>;
    only?: readonly string[];
    onCell?: (run: CellRun) => void;
    now?: () => number;
    /** Results of cells not run this time (a partial run), by lowercased name. */
    earlier?: (cell: string) => Record<string, unknown> | undefined;
    /** Review logs, for review cells (see CellContext.reviewEvents). */
    reviewEvents?: CellContext['reviewEvents'];
    /** Earlier runs, for trend cells (see CellContext.history). */
    history?: CellContext['history'];
    /** The tables the sources' views read (see CellContext.fileTable). */
    fileTable?: CellContext['fileTable'];
    /** Image folders, for images cells (see CellContext.measureImages). */
    measureImages?: CellContext['measureImages'];
    /** Checked before each cell: true stops the run (a user's Cancel); the rest are not run. */
    shouldStop?: () => boolean;
    /** Why a source failed to open, by its name (undefined when it is open), so cells over it say so. */
    sourceError?: (source: string) => string | undefined;
  },
): Promise<CellRun[]> {
  const now = ctx.now ?? (() => performance.now());
  const wanted = ctx.only ? new Set(ctx.only.map((n) => n.toLowerCase())) : null;
  const failed = new Set<string>();
  const runs: CellRun[] = [];
  const results = (cell: string) => {
    const key = cell.toLowerCase();
    const run = runs.find((r) => r.name.toLowerCase() === key);
    return run ? run.output?.result : ctx.earlier?.(key);
  };
  for (const sql of paramStatements(ctx.params)) await ctx.query(sql);
  for (const key of analysis.order) {
    if (wanted && !wanted.has(key)) continue;
    if (ctx.shouldStop?.()) break;
    const cell = analysis.cells.get(key)!;
    const { block } = cell;
    const t0 = now();
    let run: CellRun;
    const kind = cellKind(block.kind);
    const brokenDep = cell.cellDeps.find((d) => failed.has(d));
    const failedSource = cell.sourceDeps.find((s) => ctx.sourceError?.(s) !== undefined);
    if (!kind) run = { name: block.name, kind: block.kind, status: 'error', error: `unknown cell kind "${block.kind}"`, elapsedMs: 0 };
    else if (cell.spec === null) {
      // Say what is wrong where the cell's status is read, not only in the notebook's problems.
      const problems = analysis.diagnostics.filter((d) => d.severity === 'error' && d.cell?.toLowerCase() === key).map((d) => d.message.replace(`${block.kind} cell ${block.name}: `, ''));
      const error = problems.length ? `not run: ${problems.join('; ')}` : 'the cell has errors (see the notebook problems)';
      run = { name: block.name, kind: block.kind, status: 'error', error, elapsedMs: 0 };
    }
    else if (analysis.blocked?.has(key)) run = { name: block.name, kind: block.kind, status: 'error', error: `not run: ${analysis.blocked.get(key)}`, elapsedMs: 0 };
    else if (brokenDep) {
      const depName = analysis.cells.get(brokenDep)!.block.name;
      run = { name: block.name, kind: block.kind, status: 'error', error: `not run: it reads ${depName}, which failed`, elapsedMs: 0 };
    } else if (failedSource) {
      run = { name: block.name, kind: block.kind, status: 'error', error: `not run: it reads source ${failedSource}, which failed to open: ${ctx.sourceError!(failedSource)}`, elapsedMs: 0 };
    } else {
      try {
        const output = await kind.run(cell.spec, { name: block.name, query: ctx.query, params: ctx.params, results, reviewEvents: ctx.reviewEvents, history: ctx.history, fileTable: ctx.fileTable, measureImages: ctx.measureImages });
        output.result = jsonSafe(output.result);
        run = { name: block.name, kind: block.kind, status: 'ok', output, elapsedMs: now() - t0 };
      } catch (error) {
        const errorAt = error instanceof AssayError ? error.at : undefined;
        run = { name: block.name, kind: block.kind, status: 'error', error: explainRefusal(explainMissingTable(messageOf(error), block.name, cell.sourceDeps)), ...(errorAt ? { errorAt } : {}), elapsedMs: now() - t0 };
      }
    }
    if (run.status === 'error') failed.add(key);
    runs.push(run);
    ctx.onCell?.(run);
  }
  return runs;
}

/**
 * DuckDB's "Table with name x does not exist! Did you mean …" where Assay knows why: the cell
 * reads its own view (a query cannot read the view it defines), or x is a source that is not
 * open. The engine's guess ("pg_sequence") would only mislead.
 */
export function explainMissingTable(message: string, cell: string, sources: readonly string[]): string {
  const m = /Table with name ([^\s!]+) does not exist/i.exec(message) ?? /Referenced table "?([^"\s]+)"? not found/i.exec(message);
  if (!m) return message;
  const name = m[1]!.toLowerCase();
  if (name === cell.toLowerCase()) return `${cell} reads itself: a cell's query cannot read the view it defines (name the source or cell it should read)`;
  const source = sources.find((s) => s.toLowerCase() === name);
  if (source !== undefined) return `source ${source} is not open (see the sources' problems above)`;
  return message;
}

/**
 * `SET VARIABLE` statements for the scalar parameters, so SQL reads them with
 * getvariable('seed'). Numbers with a fraction are written as decimal literals, which DuckDB
 * types as DECIMAL: ceil(60 * 0.05) is exactly 3, not 4.
 */
export function paramStatements(params: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      out.push(`SET VARIABLE ${quoteIdent(name)} = ${quoteLiteral(value as string | number | boolean | null)}`);
    }
  }
  return out;
}

/** A result as it reads back from JSON: NaN and infinities become null, undefined keys vanish. */
function jsonSafe(result: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : typeof v === 'bigint' ? Number(v) : v)));
}
