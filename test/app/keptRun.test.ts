import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { NotebookSession, type NotebookHost } from '../../src/app/NotebookSession.svelte';
import { runFreshness } from '../../src/app/keptRun';
import type { NotebookStore, StoredRun } from '../../src/app/store/NotebookStore';
import type { SourceStatus } from '../../src/core/notebook/sourceStatus';

const TEXT = `---
title: Kept
sources:
  t:
    path: t.csv
---

\`\`\`sql a
SELECT * FROM t
\`\`\`

\`\`\`sql b
SELECT sum(x) AS s FROM a
\`\`\`

\`\`\`sql c
SELECT 'unrelated' AS u
\`\`\`
`;

/** The part of the store a session uses for runs; the rest is never called here. */
function fakeStore(): { store: NotebookStore; runs: StoredRun[] } {
  const runs: StoredRun[] = [];
  const store = {
    saveLastRun: async (run: StoredRun) => void runs.push(structuredClone(run)),
    save: async () => undefined,
  } as unknown as NotebookStore;
  return { store, runs };
}

describe('a run kept with the notebook', () => {
  let engine: NodeEngine;
  let host: NotebookHost;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.openFile(new Blob(['x\n1\n2\n3\n']), 't.csv', { name: 't' });
    host = { query: (sql) => engine.query(sql), provideSource: async () => ({ sha256: 'a'.repeat(64), rows: 3 }), engineLabel: () => 'node test engine' };
  });
  afterAll(() => engine.close());

  test('is kept after a run (results, rows and the fingerprints read) and shows as it ran in a new session', async () => {
    const { store, runs } = fakeStore();
    const first = new NotebookSession({ id: 'nb1', text: TEXT, baseUrl: null, host, store });
    await first.runAll();
    await first.flush();
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(Object.keys(run.cells).sort()).toEqual(['a', 'b', 'c']);
    expect(run.sources).toEqual([{ name: 't', sha256: 'a'.repeat(64) }]);
    expect(run.engine).toBe('node test engine');
    expect(run.cells.b!.table).toBeInstanceOf(Uint8Array);

    const again = new NotebookSession({ id: 'nb1', text: TEXT, baseUrl: null, host, store: null });
    await again.restoreRun(run);
    expect(Object.values(again.cells).map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
    // 1 + 2 + 3, from the kept Arrow bytes: nothing ran in this session.
    expect(Number(again.cells.b!.output!.table!.getChild('s')!.get(0))).toBe(6);
    expect(again.cells.a!.output!.table!.numRows).toBe(3);
    expect(again.ranAt).toBe(run.ranAt);
    expect(again.restored?.textMatches).toBe(true);
    expect(again.lastRunAt).toBeNull();
  });

  test('a cell edited since shows nothing kept and what reads it is stale; untouched cells show their results', async () => {
    const { store, runs } = fakeStore();
    const first = new NotebookSession({ id: 'nb2', text: TEXT, baseUrl: null, host, store });
    await first.runAll();
    await first.flush();
    const edited = TEXT.replace('SELECT * FROM t\n', 'SELECT * FROM t WHERE x > 1\n');
    const later = new NotebookSession({ id: 'nb2', text: edited, baseUrl: null, host, store: null });
    await later.restoreRun(runs[0]!);
    expect(later.cells.a!.status).toBe('idle');
    expect(later.cells.a!.output).toBeNull();
    expect(later.cells.b!.status).toBe('stale');
    expect(later.cells.c!.status).toBe('ok');
    expect(later.restored?.textMatches).toBe(false);
    // A run here replaces the kept results and clears the mark.
    await later.runAll();
    expect(later.restored).toBeNull();
    expect(Number(later.cells.b!.output!.table!.getChild('s')!.get(0))).toBe(5);
  });

  test('a session that has run keeps its own results over a kept run', async () => {
    const { store, runs } = fakeStore();
    const s = new NotebookSession({ id: 'nb3', text: TEXT, baseUrl: null, host, store });
    await s.runAll();
    await s.flush();
    const stale: StoredRun = { ...runs[0]!, ranAt: '2020-01-01T00:00:00.000Z', cells: {} };
    await s.restoreRun(stale);
    expect(s.ranAt).not.toBe('2020-01-01T00:00:00.000Z');
    expect(s.cells.b!.status).toBe('ok');
  });
});

describe('runFreshness', () => {
  const open = (name: string, sha256: string | null): SourceStatus => ({ name, path: null, sha256, rows: null, pinned_sha256: null, matches: null });
  const run = { sources: [{ name: 'batch', sha256: 'a'.repeat(64) }, { name: 'Baseline', sha256: 'b'.repeat(64) }] };
  test('match when every source is open with the bytes the run read (names compared as SQL does, without case)', () => {
    expect(runFreshness(run, [open('batch', 'a'.repeat(64)), open('baseline', 'b'.repeat(64))])).toEqual({ sources: 'match', names: [] });
  });
  test('differs names the sources whose fingerprint changed, even when others are not open', () => {
    expect(runFreshness(run, [open('batch', 'c'.repeat(64))])).toEqual({ sources: 'differs', names: ['batch'] });
  });
  test('unknown names the sources that are not open', () => {
    expect(runFreshness(run, [open('batch', 'a'.repeat(64)), open('baseline', null)])).toEqual({ sources: 'unknown', names: ['Baseline'] });
  });
});
