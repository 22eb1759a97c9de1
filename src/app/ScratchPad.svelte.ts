import type { Table } from 'apache-arrow';
import { isCancelled, messageOf } from '../core/errors';
import { SCRATCH_NAMESPACE } from '../core/sql/namespace';
import type { EngineHost } from './EngineHost.svelte';

export interface SqlCellState {
  id: number;
  sql: string;
  running: boolean;
  table: Table | null;
  elapsedMs: number | null;
  error: string | null;
}

let nextId = 1;

/** The start page's scratch SQL cells, run in a namespace of their own (SCRATCH_NAMESPACE). */
export class ScratchPad {
  cells = $state<SqlCellState[]>([]);
  #host: EngineHost;

  constructor(host: EngineHost, initialSql: string) {
    this.#host = host;
    this.add(initialSql);
  }

  add(sql = ''): void {
    this.cells.push({ id: nextId++, sql, running: false, table: null, elapsedMs: null, error: null });
  }

  remove(id: number): void {
    this.cells = this.cells.filter((c) => c.id !== id);
  }

  setSql(id: number, sql: string): void {
    const cell = this.cells.find((c) => c.id === id);
    if (cell) cell.sql = sql;
  }

  async run(id: number): Promise<void> {
    const cell = this.cells.find((c) => c.id === id);
    if (!cell || cell.running) return;
    cell.running = true;
    cell.error = null;
    const t0 = performance.now();
    try {
      cell.table = await this.#host.query(cell.sql, SCRATCH_NAMESPACE);
      cell.elapsedMs = performance.now() - t0;
    } catch (error) {
      cell.table = null;
      cell.elapsedMs = null;
      cell.error = isCancelled(error) ? 'Cancelled.' : messageOf(error);
    } finally {
      cell.running = false;
    }
  }

  cancel(): Promise<void> {
    return this.#host.cancel();
  }
}
