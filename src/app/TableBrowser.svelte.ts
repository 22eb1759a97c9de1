import type { Table } from 'apache-arrow';
import { messageOf } from '../core/errors';
import { columnSummaries, columnSummariesSql, type ColumnSummary } from '../core/sql/columnSummaries';
import { tableCountSql, tablePageSql, tableWhereSql, type BrowseColumn, type TableQuery } from '../core/sql/tableQuery';

/** Rows fetched per query while a sorted or filtered table scrolls. */
export const BROWSE_PAGE_ROWS = 200;
/** A filter runs once typing pauses this long. */
const FILTER_PAUSE_MS = 250;

/**
 * A result table sorted and filtered in DuckDB over a cell's view: the count of matching rows,
 * then pages of rows as the table scrolls to them. The rows already shown (the cell's own
 * first rows) serve while no sort or filter is set.
 */
export class TableBrowser {
  sort = $state<TableQuery['sort']>(null);
  filters = $state<Record<string, string>>({});
  /** Why a filter cannot be read, by column (that filter is left out). */
  filterErrors = $state<Record<string, string>>({});
  /** Matching rows once a sort or filter is set and counted; null before. */
  total = $state<number | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  /** The last sort or filter's time in DuckDB, from the count to the first page (ms). */
  elapsedMs = $state<number | null>(null);
  /** Fetched pages by index; replaced whole, so a view reading it redraws. */
  pages = $state.raw<ReadonlyMap<number, Table>>(new Map());
  /** Each column's header summary over the whole view (one statement), null until computed. */
  summaries = $state.raw<readonly ColumnSummary[] | null>(null);
  summaryError = $state<string | null>(null);
  /** The summary statement's time in DuckDB (ms). */
  summaryMs = $state<number | null>(null);
  #summaryGeneration = 0;
  #summarised: object | null = null;
  #generation = 0;
  #pending = new Set<number>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  /**
   * @param relation the view to browse (a cell's name, in the notebook's namespace)
   * @param columns its columns, in order
   * @param query runs SQL in the notebook's namespace
   * @param idle resolves when the notebook runs nothing: the summaries (a scan of the whole
   *   view, seconds at 1M rows) wait for it, so they never hold up the cells of a run
   */
  constructor(
    readonly relation: string,
    readonly columns: readonly BrowseColumn[],
    readonly query: (sql: string) => Promise<Table>,
    readonly idle: () => Promise<void> = async () => {},
  ) {}

  /** Whether rows come from DuckDB under a sort or filter (else the cell's own rows). */
  get active(): boolean {
    return this.sort !== null || Object.values(this.filters).some((f) => f.trim() !== '');
  }

  /** A header click: ascending, then descending, then unsorted. */
  toggleSort(column: string): void {
    const s = this.sort;
    this.sort = s?.column !== column ? { column, descending: false } : s.descending ? null : { column, descending: true };
    void this.refresh();
  }

  /** A filter typed into a column's box; it runs once typing pauses. */
  setFilter(column: string, text: string): void {
    this.filters = { ...this.filters, [column]: text };
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.refresh();
    }, FILTER_PAUSE_MS);
  }

  /**
   * A summary bar's click: set the column's filter to the bar's (at once, no typing pause), or
   * clear it when it is already that.
   */
  toggleFilter(column: string, text: string): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.filters = { ...this.filters, [column]: (this.filters[column] ?? '').trim() === text ? '' : text };
    void this.refresh();
  }

  /**
   * Compute every column's header summary over the whole view, once per result: `of` is the
   * cell's result (a re-run gives a new one, and the summary is computed again).
   */
  async summarise(of: object): Promise<void> {
    if (this.#summarised === of) return;
    this.#summarised = of;
    const generation = ++this.#summaryGeneration;
    this.summaryError = null;
    await this.idle();
    if (generation !== this.#summaryGeneration) return;
    const t0 = performance.now();
    try {
      const table = await this.query(columnSummariesSql(this.relation, this.columns));
      if (generation !== this.#summaryGeneration) return;
      this.summaries = columnSummaries(this.columns, table.get(0)?.toJSON() ?? {});
      this.summaryMs = performance.now() - t0;
    } catch (error) {
      if (generation === this.#summaryGeneration) (this.summaries = null), (this.summaryError = messageOf(error));
    }
  }

  /** Drop every sort and filter. */
  clear(): void {
    this.sort = null;
    this.filters = {};
    this.elapsedMs = null;
    void this.refresh();
  }

  /** Count the matching rows and fetch the first page again (also after the cell re-ran). */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    this.#pending.clear();
    this.pages = new Map();
    this.filterErrors = tableWhereSql(this.columns, this.filters).errors;
    this.error = null;
    if (!this.active) {
      this.total = null;
      this.loading = false;
      return;
    }
    this.loading = true;
    const t0 = performance.now();
    try {
      const counted = await this.query(tableCountSql(this.relation, this.columns, this.#q()));
      if (generation !== this.#generation) return;
      this.total = Number(counted.getChild('n')!.get(0));
      await this.#fetch(0, generation);
      if (generation === this.#generation) this.elapsedMs = performance.now() - t0;
    } catch (error) {
      if (generation === this.#generation) this.error = messageOf(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Fetch the pages that hold rows [first, last) and are not here yet. */
  want(first: number, last: number): void {
    if (!this.active || this.total === null) return;
    const end = Math.min(last, this.total);
    for (let p = Math.floor(first / BROWSE_PAGE_ROWS); p * BROWSE_PAGE_ROWS < end; p++) void this.#fetch(p, this.#generation);
  }

  /** The value at a row and column, or undefined while its page is being fetched. */
  value(row: number, column: number): unknown {
    const page = this.pages.get(Math.floor(row / BROWSE_PAGE_ROWS));
    return page ? page.getChildAt(column)?.get(row % BROWSE_PAGE_ROWS) : undefined;
  }

  #q(): TableQuery {
    return { sort: this.sort, filters: this.filters };
  }

  async #fetch(page: number, generation: number): Promise<void> {
    if (this.pages.has(page) || this.#pending.has(page)) return;
    this.#pending.add(page);
    try {
      const rows = await this.query(tablePageSql(this.relation, this.columns, this.#q(), page * BROWSE_PAGE_ROWS, BROWSE_PAGE_ROWS));
      if (generation !== this.#generation) return;
      this.pages = new Map([...this.pages, [page, rows]]);
    } catch (error) {
      if (generation === this.#generation) this.error = messageOf(error);
    } finally {
      if (generation === this.#generation) this.#pending.delete(page);
    }
  }
}
