import type { CellBlock, CellView } from '../../app/NotebookSession.svelte';
import type { Diagnostic } from '../../core/notebook/types';
import type { EditorDiagnostic } from './codemirror';

/**
 * A cell's own problems at lines of its body: the notebook's diagnostics about this cell
 * (their notebook line made a body line, the "kind cell name:" prefix dropped, since they show
 * under the cell) and the place of its last SQL error. `list` is shown under the cell;
 * `editor` is underlined in it.
 */
export function cellProblems(diagnostics: readonly Diagnostic[], block: CellBlock, view: CellView | undefined): { list: EditorDiagnostic[]; editor: EditorDiagnostic[] } {
  const prefix = `${block.kind} cell ${block.name}: `;
  const lines = Math.max(1, block.body.split('\n').length);
  const list: EditorDiagnostic[] = diagnostics
    .filter((d) => d.cell?.toLowerCase() === block.name.toLowerCase())
    .map((d) => ({ line: Math.max(1, Math.min(lines, d.line - block.line)), message: d.message.startsWith(prefix) ? d.message.slice(prefix.length) : d.message, severity: d.severity }));
  const editor = [...list];
  if (view?.status === 'error' && view.errorAt && view.error) editor.push({ line: view.errorAt.line, column: view.errorAt.column, message: view.error, severity: 'error' });
  return { list, editor };
}
