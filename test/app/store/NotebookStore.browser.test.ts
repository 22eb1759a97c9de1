import { afterEach, describe, expect, test } from 'vitest';
import { NotebookStore, REVISION_INTERVAL_MS } from '../../../src/app/store/NotebookStore';
import { AssayError } from '../../../src/core/errors';
import { openDB } from 'idb';
import type { ReviewEvent } from '../../../src/core/review/ReviewEvent';
import { parseHistory, runRecord, serializeHistory } from '../../../src/core/history/runRecord';

describe('NotebookStore (IndexedDB)', () => {
  let store: NotebookStore | null = null;
  afterEach(() => store?.close());

  test('edits close together update one revision; a pause starts a new one; restore keeps what it replaces', async () => {
    let now = 1_000_000;
    store = await NotebookStore.open(`assay-test-${crypto.randomUUID()}`, () => now);
    const nb = await store.create({ title: 'T', text: 'v0' });
    now += 1000;
    await store.save(nb.id, 'v1', 'T');
    now += 1000;
    await store.save(nb.id, 'v2', 'T');
    expect((await store.revisions(nb.id)).map((r) => [r.text, r.reason])).toEqual([
      ['v2', 'edit'],
      ['v0', 'created'],
    ]);
    now += REVISION_INTERVAL_MS + 1;
    await store.save(nb.id, 'v3', 'T');
    const revs = await store.revisions(nb.id);
    expect(revs.map((r) => r.text)).toEqual(['v3', 'v2', 'v0']);
    now += 10;
    const restored = await store.restore(nb.id, revs[2]!.rev!);
    expect(restored.text).toBe('v0');
    expect((await store.get(nb.id))!.text).toBe('v0');
    expect((await store.revisions(nb.id)).map((r) => [r.text, r.reason.split(' from')[0]])).toEqual([
      ['v0', 'restored'],
      ['v3', 'before restore'],
      ['v3', 'edit'],
      ['v2', 'edit'],
      ['v0', 'created'],
    ]);
  });

  test('list is newest first; delete removes a notebook and its revisions; origins are found', async () => {
    let now = 5;
    store = await NotebookStore.open(`assay-test-${crypto.randomUUID()}`, () => now++);
    const a = await store.create({ title: 'A', text: 'a', origin: 'example:a.assay.md' });
    const b = await store.create({ title: 'B', text: 'b' });
    expect((await store.list()).map((n) => n.title)).toEqual(['B', 'A']);
    expect((await store.findByOrigin('example:a.assay.md'))!.id).toBe(a.id);
    await store.delete(b.id);
    expect((await store.list()).map((n) => n.title)).toEqual(['A']);
    expect(await store.revisions(b.id)).toEqual([]);
  });

  test('saving a notebook that is gone is a storage error, not a crash', async () => {
    store = await NotebookStore.open(`assay-test-${crypto.randomUUID()}`);
    const err = await store.save('missing', 'x', 'x').catch((e) => e);
    expect(err).toBeInstanceOf(AssayError);
    expect((err as AssayError).kind).toBe('storage');
    expect((err as Error).message).toMatch(/cannot save the notebook: the notebook no longer exists/);
  });

  test('review events: appended per cell, read back, and a log imported twice is stored once', async () => {
    store = await NotebookStore.open(`assay-test-${crypto.randomUUID()}`);
    const ev = (id: string, cell: string, key: string): ReviewEvent => ({ id, at: '2026-11-22T09:00:00.000Z', notebook: 'nb', cell, key, action: 'accept', reviewer: 'ana', seed: '1' });
    await store.appendReviewEvent('nb-1', ev('a', 'Spot_Review', 'k1'));
    await store.appendReviewEvent('nb-1', ev('b', 'spot_review', 'k2'));
    await store.appendReviewEvent('nb-1', ev('c', 'other', 'k3'));
    await store.appendReviewEvent('nb-2', ev('d', 'spot_review', 'k4'));
    expect((await store.reviewEvents('nb-1', 'spot_review')).map((e) => e.id).sort()).toEqual(['a', 'b']);
    // An event is never written twice under one id.
    await expect(store.appendReviewEvent('nb-1', ev('a', 'spot_review', 'k1'))).rejects.toBeInstanceOf(AssayError);
    const log = [ev('a', 'spot_review', 'k1'), ev('e', 'spot_review', 'k5'), ev('f', 'spot_review', 'k6')];
    expect(await store.importReviewEvents('nb-1', log)).toBe(2);
    expect(await store.importReviewEvents('nb-1', log)).toBe(0);
    expect((await store.reviewEvents('nb-1', 'spot_review')).map((e) => e.id).sort()).toEqual(['a', 'b', 'e', 'f']);
  });

  test('a database from before review logs is upgraded with its notebooks intact', async () => {
    const name = `assay-test-${crypto.randomUUID()}`;
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('notebooks', { keyPath: 'id' }).createIndex('byOrigin', 'origin');
        db.createObjectStore('revisions', { keyPath: 'rev', autoIncrement: true }).createIndex('byNotebook', ['notebookId', 'savedAt']);
      },
    });
    await v1.put('notebooks', { id: 'old', title: 'Kept', text: '# Kept\n', createdAt: 1, updatedAt: 1, origin: null });
    v1.close();
    store = await NotebookStore.open(name);
    expect((await store.get('old'))?.text).toBe('# Kept\n');
    expect(await store.reviewEvents('old', 'x')).toEqual([]);
  });

  const record = (id: string, ranAt: string) =>
    runRecord({ id, notebook: 'T', notebookSha256: 'a'.repeat(64), ranAt, manifest: null, params: {}, results: { notebook: 'T.assay.md', engine: { name: 'wasm-browser', version: 'v1.4.3' }, sources: [], cells: [] } });
  const lastRun = (ranAt: string) => ({ notebookId: 'nb-1', ranAt, text: 'x', engine: null, sources: [], cells: {} });

  test('every run is kept with the last run, in time order; export and import round-trip and skip runs already here', async () => {
    store = await NotebookStore.open(`assay-test-${crypto.randomUUID()}`);
    await store.saveLastRun(lastRun('2026-12-02T10:00:00.000Z'), record('r2', '2026-12-02T10:00:00.000Z'));
    await store.saveLastRun(lastRun('2026-12-01T10:00:00.000Z'), record('r1', '2026-12-01T10:00:00.000Z'));
    await store.saveLastRun({ ...lastRun('2026-12-03T10:00:00.000Z'), notebookId: 'nb-2' }, record('other', '2026-12-03T10:00:00.000Z'));
    expect((await store.runHistory('nb-1')).map((r) => r.id)).toEqual(['r1', 'r2']);
    // The last run is still the one store issue 20 keeps.
    expect((await store.lastRun('nb-1'))?.ranAt).toBe('2026-12-01T10:00:00.000Z');
    const exported = serializeHistory(await store.runHistory('nb-1'));
    expect(parseHistory(exported).records).toEqual([record('r1', '2026-12-01T10:00:00.000Z'), record('r2', '2026-12-02T10:00:00.000Z')]);
    expect(await store.importRuns('nb-3', parseHistory(exported).records)).toBe(2);
    expect(await store.importRuns('nb-3', parseHistory(exported).records)).toBe(0);
    expect(serializeHistory(await store.runHistory('nb-3'))).toBe(exported);
    await store.delete('nb-1');
    expect(await store.runHistory('nb-1')).toEqual([]);
  });

  test('a database from before the run history (version 3) is upgraded with its last runs intact', async () => {
    const name = `assay-test-${crypto.randomUUID()}`;
    const v3 = await openDB(name, 3, {
      upgrade(db) {
        db.createObjectStore('notebooks', { keyPath: 'id' }).createIndex('byOrigin', 'origin');
        db.createObjectStore('revisions', { keyPath: 'rev', autoIncrement: true }).createIndex('byNotebook', ['notebookId', 'savedAt']);
        db.createObjectStore('reviewEvents', { keyPath: 'id' }).createIndex('byCell', ['owner', 'cell']);
        db.createObjectStore('lastRuns', { keyPath: 'notebookId' });
      },
    });
    await v3.put('lastRuns', lastRun('2026-12-01T10:00:00.000Z'));
    v3.close();
    store = await NotebookStore.open(name);
    expect((await store.lastRun('nb-1'))?.ranAt).toBe('2026-12-01T10:00:00.000Z');
    expect(await store.runHistory('nb-1')).toEqual([]);
  });
});
