import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { NotebookSession, type NotebookHost } from '../../src/app/NotebookSession.svelte';
import { AssayError } from '../../src/core/errors';
import { quoteIdent } from '../../src/core/sql/quote';

const TEXT = `---
title: Suggest in a session
sources:
  batch:
    manifest: d.manifest.json
    version: v1
  week2:
    path: week2.csv
  other:
    path: other.csv
---

\`\`\`profile overview
source: batch
\`\`\`

\`\`\`sql after
SELECT 1 AS one
\`\`\`
`;

describe('NotebookSession: suggested checks', () => {
  let engine: NodeEngine;
  let host: NotebookHost;
  const tables: Record<string, string> = { 'v1': 'data_v1', 'v2': 'data_v2', 'week2.csv': 'data_week2', 'other.csv': 'data_other' };
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.query(`CREATE TABLE data_v1 AS SELECT * FROM (VALUES ('ok', 1.0), ('ng', 2.0), ('ok', 3.0)) v(label, x)`);
    // v2 adds a column and a label outside v1's set; week2 has an x out of range; other is another table.
    await engine.query(`CREATE TABLE data_v2 AS SELECT * FROM (VALUES ('ok', 1.0, 7), ('maybe', 2.0, 8)) v(label, x, extra)`);
    await engine.query(`CREATE TABLE data_week2 AS SELECT * FROM (VALUES ('ok', 1.0), ('ok', 9.0)) v(label, x)`);
    await engine.query(`CREATE TABLE data_other AS SELECT * FROM (VALUES (1)) v(y)`);
    host = {
      query: (sql) => engine.query(sql),
      provideSource: async (ref) => {
        const table = tables[ref.manifest ? ref.version! : ref.path!];
        if (!table) throw new AssayError('input', 'missing', { subject: ref.name });
        await engine.query(`CREATE OR REPLACE VIEW ${quoteIdent(ref.name)} AS SELECT * FROM ${quoteIdent(table)}`);
        return { sha256: 'a'.repeat(64), rows: 3 };
      },
      manifestInfo: (ref) => (ref.manifest === 'd.manifest.json' ? { versions: ['v1', 'v2'], inParentOrder: ['v1', 'v2'], contract: { columns: { label: { allowed: ['ok'] } } } } : null),
    };
  });
  afterAll(() => engine.close());

  test('backtested on the same-shape source and the manifest’s other version; accepted rules become a checks cell after the profile', async () => {
    const session = new NotebookSession({ id: 's', text: TEXT, baseUrl: null, host, store: null });
    await session.runAll();
    expect(session.cells.overview!.status).toBe('ok');
    await session.suggestChecks('overview');
    const s = session.suggestions.overview!;
    expect(s.status).toBe('ready');
    expect(s.backtest!.versions.map((v) => [v.label, v.rows])).toEqual([
      ['batch (v1)', 3],
      ['week2', 2],
      ['batch (v2)', 2],
    ]);
    const failing = Object.fromEntries(s.backtest!.rules.map((r) => [r.name, r.cells.map((c) => c.failing_rows)]));
    // x 1…3 widened by 0.2 (step 0.1): 0.8…3.2; week2's 9 and v2's "maybe" fail.
    expect(failing).toEqual({ row_count: [null, null, null], label_not_null: [0, 0, 0], label_in_set: [0, 0, 1], x_not_null: [0, 0, 0], x_range: [0, 1, 0] });
    expect(s.conflicts).toEqual({ label_in_set: "allows ng, outside the contract's ok" });
    // The version aliased for the backtest is gone again.
    await expect(engine.query('SELECT * FROM __assay_suggest_1')).rejects.toThrow();

    session.acceptSuggestions('overview', ['label_in_set', 'x_range']);
    expect(session.suggestions.overview).toBeUndefined();
    const cells = session.notebook.blocks.flatMap((b) => (b.type === 'cell' ? [b.name] : []));
    expect(cells).toEqual(['overview', 'overview_checks_1', 'after']);
    const block = session.notebook.blocks.find((b) => b.type === 'cell' && b.name === 'overview_checks_1')!;
    expect(block.type === 'cell' && block.body).toContain("# contradicts the contract: allows ng, outside the contract's ok");
    await session.runCell('overview_checks_1');
    const result = session.cells.overview_checks_1!.output!.result as { passed: boolean; rules: { name: string }[] };
    expect(result.passed).toBe(true);
    expect(result.rules.map((r) => r.name)).toEqual(['label_in_set', 'x_range']);
  });
});
