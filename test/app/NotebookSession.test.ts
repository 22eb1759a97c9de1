import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { NotebookSession, type NotebookHost } from '../../src/app/NotebookSession.svelte';
import { AssayError } from '../../src/core/errors';

const TEXT = `---
title: Session test
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
SELECT 1 AS unrelated
\`\`\`
`;

describe('NotebookSession', () => {
  let engine: NodeEngine;
  let host: NotebookHost;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.openFile(new Blob(['x\n1\n2\n3\n']), 't.csv', { name: 't' });
    host = {
      query: (sql) => engine.query(sql),
      provideSource: async (ref) => {
        if (ref.name !== 't') throw new AssayError('input', 'missing', { subject: ref.name });
        return { sha256: 'a'.repeat(64), rows: 3 };
      },
    };
  });
  afterAll(() => engine.close());

  const s = (session: NotebookSession) => Object.fromEntries(Object.entries(session.cells).map(([k, v]) => [k, v.status]));

  test('run all, then an edit marks the cell and its downstream stale, and a cell run re-runs them', async () => {
    const session = new NotebookSession({ id: 'x', text: TEXT, baseUrl: null, host, store: null });
    expect(session.diagnostics).toEqual([]);
    await session.runAll();
    expect(s(session)).toEqual({ a: 'ok', b: 'ok', c: 'ok' });
    expect(session.cells.b!.output!.result.head).toEqual([{ s: 6 }]);
    expect(session.sources.map((x) => [x.name, x.rows, x.matches])).toEqual([['t', 3, null]]);

    const a = session.notebook.blocks.find((blk) => blk.type === 'cell' && blk.name === 'a')!;
    session.editBlock(a.id, 'SELECT x * 10 AS x FROM t');
    expect(s(session)).toEqual({ a: 'stale', b: 'stale', c: 'ok' });
    expect(session.text).toContain('SELECT x * 10 AS x FROM t');
    await session.runCell('a');
    expect(s(session)).toEqual({ a: 'ok', b: 'ok', c: 'ok' });
    expect(session.cells.b!.output!.result.head).toEqual([{ s: 60 }]);
  });

  test('a failing cell shows its error, what reads it says why it did not run, the rest works', async () => {
    const session = new NotebookSession({ id: 'y', text: TEXT.replace('SELECT * FROM t', 'SELECT nope FROM t'), baseUrl: null, host, store: null });
    await session.runAll();
    expect(s(session)).toEqual({ a: 'error', b: 'error', c: 'ok' });
    expect(session.cells.a!.error).toMatch(/nope/);
    expect(session.cells.b!.error).toBe('not run: it reads a, which failed');
  });

  test('pinning writes the actual fingerprints into the front matter', async () => {
    const session = new NotebookSession({ id: 'z', text: TEXT, baseUrl: null, host, store: null });
    await session.runAll();
    session.pinCurrentData();
    expect(session.notebook.frontMatter.sources[0]!.sha256).toBe('a'.repeat(64));
    expect(session.text).toContain(`sha256: ${'a'.repeat(64)}`);
    expect(session.diagnostics).toEqual([]);
  });

  test('adding cells picks fresh names; removing one drops its state', () => {
    const session = new NotebookSession({ id: 'w', text: TEXT, baseUrl: null, host, store: null });
    session.addBlock(null, { type: 'cell', kind: 'sql' });
    session.addBlock(null, { type: 'prose' });
    expect(Object.keys(session.cells)).toEqual(['a', 'b', 'c', 'sql_1']);
    const added = session.notebook.blocks.find((blk) => blk.type === 'cell' && blk.name === 'sql_1')!;
    session.removeBlock(added.id);
    expect(Object.keys(session.cells)).toEqual(['a', 'b', 'c']);
    expect(session.text.endsWith('Write here.\n\n')).toBe(true);
  });
});

describe('NotebookSession auto-run', () => {
  test('after a run, an edit re-runs the edited cell and its downstream once typing pauses; a half-typed cell is not run', async () => {
    const engine = await NodeEngine.create();
    await engine.openFile(new Blob(['x\n1\n2\n3\n']), 't.csv', { name: 't' });
    const host: NotebookHost = { query: (sql) => engine.query(sql), provideSource: async () => ({ sha256: 'a'.repeat(64), rows: 3 }) };
    const session = new NotebookSession({ id: 'auto', text: TEXT, baseUrl: null, host, store: null });
    const a = () => session.notebook.blocks.find((blk) => blk.type === 'cell' && blk.name === 'a')!;
    // Before any run, edits do not start queries.
    session.editBlock(a().id, 'SELECT x FROM t');
    await new Promise((r) => setTimeout(r, 1200));
    expect(session.cells.a!.status).toBe('idle');
    await session.runAll();
    session.editBlock(a().id, 'SELECT x * 100 AS x FROM t');
    expect(session.cells.b!.status).toBe('stale');
    await expect.poll(() => session.cells.b!.status, { timeout: 5000 }).toBe('ok');
    expect(session.cells.b!.output!.result.head).toEqual([{ s: 600 }]);
    expect(session.cells.c!.status).toBe('ok');
    // An edit that leaves the cell invalid waits for a valid one.
    session.editBlock(a().id, '');
    await new Promise((r) => setTimeout(r, 1200));
    expect(session.cells.a!.status).toBe('stale');
    await engine.close();
  });
});
