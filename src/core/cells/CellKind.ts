import type { Table } from 'apache-arrow';
import type { ReviewEvent } from '../review/ReviewEvent';
import type { RunHistory } from './trendCell';
import type { SpecSchema } from './specSchema';
import type { ImageMeasure, ImageMeasureName } from '../images/measure';

/** A problem in a cell body, at a 1-based line of the body. */
export interface BodyDiagnostic {
  line: number;
  message: string;
}

/** How a cell runs SQL: the engine's query, as a plain function so core never sees an engine. */
export type QueryFn = (sql: string) => Promise<Table>;

/** What a running cell may use. */
export interface CellContext {
  /** The cell's name; a cell that defines a view names it so. */
  name: string;
  query: QueryFn;
  /** The notebook's parameters (front matter `params`). */
  params: Record<string, unknown>;
  /** The result of an earlier cell by name, when it ran (for gates on metrics). */
  results?: (cell: string) => Record<string, unknown> | undefined;
  /**
   * A review cell's log: the events the host keeps for the cell (IndexedDB in the app),
   * merged with the log file the spec names, if any (resolved against the notebook).
   */
  reviewEvents?: (cell: string, logFile: string | null) => Promise<ReviewEvent[]>;
  /**
   * The notebook's earlier runs and what this run reads, for trend cells. The host supplies
   * it: the CLI from --history DIR and --over-versions, the app from IndexedDB. Absent, a
   * trend has only this run's point.
   */
  history?: RunHistory;
  /**
   * The table a source's view reads unchanged, where the host gives each notebook a view
   * (`SELECT *`) of a table it loaded a file into: a cell may then use that table's rowid.
   * Null for a source that is not such a view.
   */
  fileTable?: (source: string) => { schema: string; table: string } | null;
  /**
   * Read and measure every file under an images cell's folder (see ImageRequest). The host
   * finds the files — the CLI under the notebook's folder, the app among the files opened
   * with the dataset — and measures them with src/core/images (the app in a pool of workers,
   * with progress and Cancel). Absent, an images cell cannot run.
   */
  measureImages?: (request: ImageRequest) => Promise<ImageMeasure[]>;
}

/** What an images cell asks its host for. */
export interface ImageRequest {
  /** The cell asking (progress is shown under it). */
  cell: string;
  /** The folder as the spec writes it, relative to the notebook. */
  folder: string;
  measures: readonly ImageMeasureName[];
}

/** What a cell produced: a table to show (optional) and a JSON-able result for snapshots and the CLI. */
export interface CellOutput {
  table: Table | null;
  /** Plain data: numbers, strings, arrays, objects. Compared by the golden tests. */
  result: Record<string, unknown>;
  /** True when `table` holds only the first rows of a longer result. */
  truncated?: boolean;
}

/**
 * One kind of cell. Adding a kind means adding one module that exports one of these
 * (spec parsing and validation, what it reads, how it runs) and registering it in
 * registry.ts, plus one Svelte view in src/ui/cells/.
 */
export interface CellKind<Spec = unknown> {
  readonly kind: string;
  /** One line for the add-cell menu and the docs. */
  readonly description: string;
  /** The keys of the YAML spec (none for sql): what `parse` accepts, the editor completes and the README lists. */
  readonly schema?: SpecSchema;
  /** Body of a new cell of this kind. */
  readonly template: string;
  /** Parse and validate the body; a null spec means the diagnostics say why. */
  parse(body: string): { spec: Spec | null; diagnostics: BodyDiagnostic[] };
  /** Lowercased names (sources, earlier cells) this cell may read. Only names the notebook defines become edges. */
  references(spec: Spec): Iterable<string>;
  /** Cells whose results (not tables) it reads, such as a gate's `metric: cell.field`: each must be a cell. */
  resultReads?(spec: Spec): string[];
  /** Further names the cell defines besides its own (views of failing rows, say), so later cells can depend on them. */
  defines?(spec: Spec, name: string): string[];
  /** Run the cell; the SQL goes to DuckDB, only small results come back. */
  run(spec: Spec, ctx: CellContext): Promise<CellOutput>;
}
