import { describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { markChanged, mergeHistory, parseHistory, runRecord, serializeHistory, textSha256, versionsInParentOrder, type RunRecord } from '../../../src/core/history/runRecord';
import type { NotebookResults } from '../../../src/core/notebook/notebookResults';

const results = (value: number): NotebookResults => ({
  notebook: 'nb.assay.md',
  engine: { name: 'wasm-node', version: 'v1.4.3' },
  sources: [{ name: 'batch', path: 'data.parquet', sha256: 'a'.repeat(64), rows: 10, pinned_sha256: null, matches: null }],
  cells: [{ name: 'gates', kind: 'checks', status: 'ok', result: { passed: true, rules: [{ name: 'unique_ids', failing_share: value }] } }],
});

function record(i: number, sha: string, ranAt: string): RunRecord {
  return runRecord({ id: `run-${i}`, notebook: 'nb.assay.md', notebookSha256: sha, ranAt, results: results(i / 100), manifest: { path: 'm.json', dataset: 'd', version: `v${i}`, order: i }, params: { seed: 7 } });
}

describe('run history records', () => {
  test('the notebook text hash is SHA-256 of its UTF-8 bytes', async () => {
    const text = '---\ntitle: é\n---\n';
    expect(await textSha256(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  test('export then import gives the same records; a record seen twice is kept once', async () => {
    const sha = await textSha256('a');
    const runs = [record(1, sha, '2026-12-01T10:00:00.000Z'), record(2, sha, '2026-12-01T11:00:00.000Z')];
    const text = serializeHistory(runs);
    expect(text.split('\n')).toHaveLength(3);
    const back = parseHistory(text);
    expect(back.problems).toEqual([]);
    expect(back.records).toEqual(runs);
    expect(parseHistory(text + text).records).toEqual(runs);
    // A marked record exports without its mark: the mark depends on the text it is read against.
    expect(serializeHistory(markChanged(runs, sha))).toBe(text);
  });

  test('runs made by another notebook text are marked', async () => {
    const a = await textSha256('a');
    const b = await textSha256('b');
    const marked = markChanged([record(1, a, '2026-12-01T10:00:00Z'), record(2, b, '2026-12-01T11:00:00Z')], b);
    expect(marked.map((r) => r.notebook_changed)).toEqual([true, false]);
  });

  test('a line that is not a run record names its line; the other lines are read', async () => {
    const sha = await textSha256('a');
    const good = serializeHistory([record(1, sha, '2026-12-01T10:00:00Z')]);
    const { records, problems } = parseHistory(`${good}\nnot json\n{"record":"other"}\n${JSON.stringify({ ...record(2, sha, 'x'), ran_at: 'yesterday' })}\n`);
    expect(records.map((r) => r.id)).toEqual(['run-1']);
    expect(problems).toEqual([
      { line: 3, message: 'is not JSON' },
      { line: 4, message: 'is not an Assay run record (no "record": "assay-run")' },
      { line: 5, message: 'ran_at is not an ISO time' },
    ]);
  });

  test('merging histories deduplicates by id and orders by time', async () => {
    const sha = await textSha256('a');
    const r1 = record(1, sha, '2026-12-01T10:00:00Z');
    const r2 = record(2, sha, '2026-12-01T09:00:00Z');
    expect(mergeHistory([r1], [r2, r1]).map((r) => r.id)).toEqual(['run-2', 'run-1']);
  });

  test('versions in parent order: each after its parent, whatever the file order', () => {
    const versions = [
      { version: 'v3', parent: 'v2', files: [] },
      { version: 'v1', parent: null, files: [] },
      { version: 'v2', parent: 'v1', files: [] },
      { version: 'x1', parent: 'x2', files: [] },
      { version: 'x2', parent: 'x1', files: [] },
    ];
    expect(versionsInParentOrder({ versions })).toEqual(['v1', 'v2', 'v3', 'x1', 'x2']);
  });
});
