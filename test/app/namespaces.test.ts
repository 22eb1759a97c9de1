import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { NotebookSession, type NotebookHost } from '../../src/app/NotebookSession.svelte';
import { FILES_NAMESPACE, aliasSql, notebookNamespace } from '../../src/core/sql/namespace';
import { AssayError } from '../../src/core/errors';

/**
 * Two notebooks, each with a source `batch` over a different file and a cell `summary`, in
 * one engine: each sees its own. The files are loaded once into the files namespace and
 * reach each notebook only as an alias in its own namespace.
 */
const notebook = (file: string) => `---
title: ${file}
sources:
  batch:
    path: ${file}
---

\`\`\`sql summary
SELECT count(*) AS n, sum(x) AS total FROM batch
\`\`\`

\`\`\`checks gate
source: summary
rules:
  - relation: total > 0
\`\`\`
`;

describe('one namespace per notebook', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.openFile(new Blob(['x\n1\n2\n3\n']), 'a.csv', { name: 'a', namespace: FILES_NAMESPACE });
    await engine.openFile(new Blob(['x\n10\n20\n']), 'b.csv', { name: 'b', namespace: FILES_NAMESPACE });
    await engine.seal();
  });
  afterAll(() => engine.close());

  const hostFor = (namespace: string): NotebookHost => ({
    query: (sql) => engine.query(sql, namespace),
    provideSource: async (ref) => {
      const table = ref.path === 'a.csv' ? 'a' : ref.path === 'b.csv' ? 'b' : null;
      if (!table) throw new AssayError('input', 'missing', { subject: ref.name });
      await engine.query(aliasSql(ref.name, table), namespace);
      return { sha256: table.repeat(64), rows: 0 };
    },
  });

  test('same names, different files: each notebook sees its own batch and its own summary, interleaved', async () => {
    const one = new NotebookSession({ id: 'one', text: notebook('a.csv'), baseUrl: null, host: hostFor(notebookNamespace('one')), store: null });
    const two = new NotebookSession({ id: 'two', text: notebook('b.csv'), baseUrl: null, host: hostFor(notebookNamespace('two')), store: null });
    await one.runAll();
    await two.runAll();
    // Run the first again after the second defined the same names: still its own.
    await one.runCell('summary');
    expect(one.cells.summary!.output!.result.head).toEqual([{ n: 3, total: 6 }]);
    expect(two.cells.summary!.output!.result.head).toEqual([{ n: 2, total: 30 }]);
    expect(one.cells.gate!.status).toBe('ok');
    // Nothing of either notebook is in main, which DuckDB keeps on every search path.
    const inMain = await engine.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`);
    expect(inMain.numRows).toBe(0);
    // And neither namespace holds the other's names.
    const names = (ns: string) => engine.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = '${ns}' ORDER BY 1`).then((t) => t.toArray().map((r) => String(r.toJSON().table_name)));
    expect(await names(notebookNamespace('one'))).toEqual(['batch', 'gate', 'gate_rule_1', 'summary']);
    expect(notebookNamespace('one')).not.toBe(notebookNamespace('two'));
  });

  test('removing a source drops it from the notebook and its namespace; what read it says so', async () => {
    const ns = notebookNamespace('three');
    const three = new NotebookSession({ id: 'three', text: notebook('a.csv'), baseUrl: null, host: hostFor(ns), store: null });
    await three.runAll();
    await three.removeSource('batch');
    expect(three.notebook.frontMatter.sources).toEqual([]);
    await three.runAll();
    expect(three.cells.summary!.status).toBe('error');
    expect(three.cells.summary!.error).toMatch(/batch/);
  });

  test('a source that is not at hand: what reads it waits, the rest runs', async () => {
    const text = notebook('missing.csv').replace('```checks gate', '```sql other\nSELECT 1 AS one\n```\n\n```checks gate');
    const four = new NotebookSession({ id: 'four', text, baseUrl: null, host: hostFor(notebookNamespace('four')), store: null });
    await four.checkSources();
    expect(four.missingSources.map((r) => r.name)).toEqual(['batch']);
    await four.runAll();
    expect(Object.fromEntries(Object.entries(four.cells).map(([k, v]) => [k, v.status]))).toEqual({ summary: 'waiting', other: 'ok', gate: 'waiting' });
    expect(four.cells.gate!.error).toBe('waiting for source batch: open it to run this cell');
  });
});
