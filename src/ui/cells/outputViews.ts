import type { Component } from 'svelte';
import type { CellView } from '../../app/NotebookSession.svelte';
import SqlOutput from './SqlOutput.svelte';

/** The output view of each cell kind. A new kind adds its component here. */
export const OUTPUT_VIEWS: Record<string, Component<{ view: CellView }>> = {
  sql: SqlOutput,
};
