import type { NotebookSession, RemovedBlock } from '../../app/NotebookSession.svelte';

/** How long the "Undo" notice of a deleted cell stays. */
export const UNDO_NOTICE_MS = 10_000;

/**
 * Cell operations of an open notebook that need memory across clicks: a deleted block can be
 * brought back at its place (the notice's Undo, or Ctrl+Z outside an editor), the last few
 * deletions in order.
 */
export class CellOperations {
  /** The deletion the notice offers to undo. */
  notice = $state<RemovedBlock | null>(null);
  #stack: RemovedBlock[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #session: NotebookSession;

  constructor(session: NotebookSession) {
    this.#session = session;
  }

  remove(id: string): void {
    const removed = this.#session.removeBlock(id);
    if (!removed) return;
    this.#stack.push(removed);
    if (this.#stack.length > 20) this.#stack.shift();
    this.notice = removed;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.notice = null), UNDO_NOTICE_MS);
  }

  /** Bring the last deleted block back; false when there is none. */
  undo(): boolean {
    const removed = this.#stack.pop();
    if (!removed) return false;
    this.#session.restoreBlock(removed);
    this.notice = null;
    return true;
  }

  move(id: string, delta: -1 | 1): void {
    this.#session.moveBlock(id, delta);
  }
}
