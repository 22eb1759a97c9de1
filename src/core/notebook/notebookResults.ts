import type { CellRun } from './runCells';
import type { SourceStatus } from './sourceStatus';

/** The JSON results of a run (the shape `assay run --json` writes; documented in docs/results.schema.json). */
export interface NotebookResults {
  notebook: string;
  engine: { name: string; version: string };
  sources: SourceStatus[];
  cells: { name: string; kind: string; status: 'ok' | 'error'; error?: string; result?: Record<string, unknown> }[];
  /** Present (true) only when the notebook ran unsealed (`assay run --unsafe`). */
  unsafe?: true;
}

/** Assemble the results document from a run. */
export function notebookResults(notebook: string, engine: { name: string; version: string }, sources: SourceStatus[], runs: CellRun[]): NotebookResults {
  return {
    notebook,
    engine,
    sources,
    cells: runs.map((r) => ({
      name: r.name,
      kind: r.kind,
      status: r.status,
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.output ? { result: r.output.result } : {}),
    })),
  };
}
