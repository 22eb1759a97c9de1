/** What a cell's editor does on its shortcuts. */
export interface CellKeyActions {
  /** Shift+Enter, Ctrl+Enter, Cmd+Enter. */
  run(): void;
  /** Ctrl+Shift+Enter, Cmd+Shift+Enter (falls back to run). */
  runAll?(): void;
  /** Esc while running. */
  cancel?(): void;
}

/** The keyboard shortcuts every cell editor shares; returns a keydown handler. */
export function cellKeys(actions: CellKeyActions, running: () => boolean = () => false): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.key === 'Enter' && (event.shiftKey || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (event.shiftKey && (event.ctrlKey || event.metaKey) && actions.runAll) actions.runAll();
      else actions.run();
    } else if (event.key === 'Escape' && running() && actions.cancel) {
      actions.cancel();
    }
  };
}
