import { afterEach, describe, expect, test } from 'vitest';
import { NotebookStore, REVISION_INTERVAL_MS } from '../../../src/app/store/NotebookStore';
import { AssayError } from '../../../src/core/errors';

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
});
