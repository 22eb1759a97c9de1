import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { AssayError, messageOf } from '../../core/errors';
import type { ReviewEvent } from '../../core/review/ReviewEvent';

/** A saved notebook: its whole text (the file is the notebook). */
export interface StoredNotebook {
  id: string;
  title: string;
  text: string;
  createdAt: number;
  updatedAt: number;
  /** Where it came from, e.g. `example:triage` or `file:triage.assay.md`. */
  origin: string | null;
}

/** An earlier state of a notebook's text. */
export interface Revision {
  rev?: number;
  notebookId: string;
  text: string;
  savedAt: number;
  /** Why it was kept: `opened`, `edit`, `before restore`, … */
  reason: string;
}

/** A review event as stored: the notebook it belongs to here, and the event as logged. */
interface StoredReviewEvent {
  id: string;
  owner: string;
  cell: string;
  event: ReviewEvent;
}

/** One cell of a kept run: what it showed, with the body it ran (to tell whether it still applies). */
export interface StoredCell {
  kind: string;
  body: string;
  status: 'ok' | 'error';
  error: string | null;
  elapsedMs: number | null;
  result: Record<string, unknown> | null;
  /** The rows the cell showed, as Arrow IPC stream bytes (bounded like every result page). */
  table: Uint8Array | null;
  truncated: boolean;
  /** A review cell: how many decisions this browser held for it when it ran (more since → stale). */
  reviewEvents?: number;
}

/**
 * A notebook's latest run as the page showed it, so that the notebook opens (as a readout
 * above all) with its results and says when they ran and on which data.
 */
export interface StoredRun {
  notebookId: string;
  /** ISO time the run finished. */
  ranAt: string;
  /** The notebook text the run ran. */
  text: string;
  /** Engine and DuckDB version, as the provenance names them. */
  engine: string | null;
  /** The fingerprints of the sources the run read. */
  sources: { name: string; sha256: string | null }[];
  /** By cell name, lowercased. */
  cells: Record<string, StoredCell>;
}

interface AssaySchema extends DBSchema {
  notebooks: { key: string; value: StoredNotebook; indexes: { byOrigin: string } };
  revisions: { key: number; value: Revision; indexes: { byNotebook: [string, number] } };
  reviewEvents: { key: string; value: StoredReviewEvent; indexes: { byCell: [string, string] } };
  lastRuns: { key: string; value: StoredRun };
}

/** Edits closer together than this update the newest revision instead of adding one. */
export const REVISION_INTERVAL_MS = 30_000;

/**
 * Notebooks and their revision history in IndexedDB. Every failure (quota exceeded, no
 * IndexedDB in a private window) is an AssayError of kind `storage`, so the UI can say so
 * and still offer the download.
 */
export class NotebookStore {
  #db: IDBPDatabase<AssaySchema>;
  readonly #now: () => number;

  private constructor(db: IDBPDatabase<AssaySchema>, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  static async open(name = 'assay', now: () => number = Date.now): Promise<NotebookStore> {
    try {
      const db = await openDB<AssaySchema>(name, 3, {
        upgrade(db, oldVersion) {
          if (oldVersion < 1) {
            const nb = db.createObjectStore('notebooks', { keyPath: 'id' });
            nb.createIndex('byOrigin', 'origin');
            const rev = db.createObjectStore('revisions', { keyPath: 'rev', autoIncrement: true });
            rev.createIndex('byNotebook', ['notebookId', 'savedAt']);
          }
          if (oldVersion < 2) {
            // Keyed by the event's own id: storing an event twice (an import of a log that
            // is already here) leaves one copy.
            const review = db.createObjectStore('reviewEvents', { keyPath: 'id' });
            review.createIndex('byCell', ['owner', 'cell']);
          }
          if (oldVersion < 3) db.createObjectStore('lastRuns', { keyPath: 'notebookId' });
        },
      });
      return new NotebookStore(db, now);
    } catch (cause) {
      throw storageError('cannot open the browser database', cause);
    }
  }

  async list(): Promise<StoredNotebook[]> {
    const all = await this.#guard('list notebooks', () => this.#db.getAll('notebooks'));
    return all.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  get(id: string): Promise<StoredNotebook | undefined> {
    return this.#guard('read the notebook', () => this.#db.get('notebooks', id));
  }

  findByOrigin(origin: string): Promise<StoredNotebook | undefined> {
    return this.#guard('find the notebook', () => this.#db.getFromIndex('notebooks', 'byOrigin', origin));
  }

  /** Store a new notebook and its first revision. */
  async create(fields: { title: string; text: string; origin?: string | null }): Promise<StoredNotebook> {
    const now = this.#now();
    const nb: StoredNotebook = { id: crypto.randomUUID(), title: fields.title, text: fields.text, createdAt: now, updatedAt: now, origin: fields.origin ?? null };
    await this.#guard('save the notebook', async () => {
      const tx = this.#db.transaction(['notebooks', 'revisions'], 'readwrite');
      await tx.objectStore('notebooks').put(nb);
      await tx.objectStore('revisions').add({ notebookId: nb.id, text: nb.text, savedAt: now, reason: 'created' });
      await tx.done;
    });
    return nb;
  }

  /**
   * Save the current text. The newest revision is updated while edits come close together,
   * and a new one is started when the last is older than REVISION_INTERVAL_MS.
   */
  async save(id: string, text: string, title: string): Promise<void> {
    const now = this.#now();
    await this.#guard('save the notebook', async () => {
      const tx = this.#db.transaction(['notebooks', 'revisions'], 'readwrite');
      const notebooks = tx.objectStore('notebooks');
      const current = await notebooks.get(id);
      if (!current) throw new Error('the notebook no longer exists');
      if (current.text === text && current.title === title) return tx.done;
      await notebooks.put({ ...current, text, title, updatedAt: now });
      const revisions = tx.objectStore('revisions');
      const cursor = await revisions.index('byNotebook').openCursor(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]), 'prev');
      const last = cursor?.value;
      if (last && last.reason === 'edit' && now - last.savedAt < REVISION_INTERVAL_MS) await cursor.update({ ...last, text });
      else await revisions.add({ notebookId: id, text, savedAt: now, reason: 'edit' });
      await tx.done;
    });
  }

  /** Revisions of a notebook, newest first. */
  async revisions(id: string): Promise<Revision[]> {
    const all = await this.#guard('read the revisions', () => this.#db.getAllFromIndex('revisions', 'byNotebook', IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER])));
    return all.reverse();
  }

  /** Make an earlier revision current; the text it replaces is kept as a revision first. */
  async restore(id: string, rev: number): Promise<StoredNotebook> {
    const now = this.#now();
    return this.#guard('restore the revision', async () => {
      const tx = this.#db.transaction(['notebooks', 'revisions'], 'readwrite');
      const revision = await tx.objectStore('revisions').get(rev);
      const current = await tx.objectStore('notebooks').get(id);
      if (!revision || !current || revision.notebookId !== id) throw new Error('no such revision');
      await tx.objectStore('revisions').add({ notebookId: id, text: current.text, savedAt: now, reason: 'before restore' });
      const restored = { ...current, text: revision.text, updatedAt: now };
      await tx.objectStore('notebooks').put(restored);
      await tx.objectStore('revisions').add({ notebookId: id, text: revision.text, savedAt: now + 1, reason: `restored from ${new Date(revision.savedAt).toISOString()}` });
      await tx.done;
      return restored;
    });
  }

  /** Keep a notebook's latest run (replacing the one before). */
  async saveLastRun(run: StoredRun): Promise<void> {
    await this.#guard('keep the run\'s results', () => this.#db.put('lastRuns', run).then(() => undefined));
  }

  /** The latest run kept for a notebook, if any. */
  lastRun(id: string): Promise<StoredRun | undefined> {
    return this.#guard('read the last run', () => this.#db.get('lastRuns', id));
  }

  async delete(id: string): Promise<void> {
    await this.#guard('delete the notebook', async () => {
      const tx = this.#db.transaction(['notebooks', 'revisions', 'lastRuns'], 'readwrite');
      await tx.objectStore('notebooks').delete(id);
      await tx.objectStore('lastRuns').delete(id);
      const keys = await tx.objectStore('revisions').index('byNotebook').getAllKeys(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
      for (const k of keys) await tx.objectStore('revisions').delete(k);
      await tx.done;
    });
  }

  /**
   * Append one review decision; resolves once IndexedDB has committed it, which is when the
   * review queue may show the next record.
   */
  async appendReviewEvent(owner: string, event: ReviewEvent): Promise<void> {
    await this.#guard('keep the review decision', async () => {
      const tx = this.#db.transaction('reviewEvents', 'readwrite', { durability: 'strict' });
      // Together, so a refused add (an id already stored) does not leave tx.done unhandled.
      await Promise.all([tx.store.add({ id: event.id, owner, cell: event.cell.toLowerCase(), event }), tx.done]);
    });
  }

  /** The review events of one cell of a notebook. */
  async reviewEvents(owner: string, cell: string): Promise<ReviewEvent[]> {
    const rows = await this.#guard('read the review log', () => this.#db.getAllFromIndex('reviewEvents', 'byCell', [owner, cell.toLowerCase()]));
    return rows.map((r) => r.event);
  }

  /** Add events from a log file; those already here (same id) are skipped. Returns how many were new. */
  async importReviewEvents(owner: string, events: readonly ReviewEvent[]): Promise<number> {
    return this.#guard('import the review log', async () => {
      const tx = this.#db.transaction('reviewEvents', 'readwrite');
      let added = 0;
      for (const event of events) {
        if (await tx.store.getKey(event.id)) continue;
        await tx.store.add({ id: event.id, owner, cell: event.cell.toLowerCase(), event });
        added++;
      }
      await tx.done;
      return added;
    });
  }

  close(): void {
    this.#db.close();
  }

  async #guard<T>(what: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (cause) {
      throw storageError(`cannot ${what}`, cause);
    }
  }
}

function storageError(what: string, cause: unknown): AssayError {
  const text = messageOf(cause);
  const quota = /quota/i.test(text) || (cause as { name?: string })?.name === 'QuotaExceededError';
  const hint = quota ? ' — the browser storage is full; download the notebook to keep your work' : '';
  return new AssayError('storage', `${what}: ${text}${hint}`, { cause });
}
