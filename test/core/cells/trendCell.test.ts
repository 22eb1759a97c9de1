import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { trendCell, type TrendPoint } from '../../../src/core/cells/trendCell';
import { parseNotebook } from '../../../src/core/notebook/parseNotebook';
import { analyzeNotebook } from '../../../src/core/notebook/analyzeNotebook';
import { runCells } from '../../../src/core/notebook/runCells';
import { runRecord, textSha256, type RunManifest, type RunRecord } from '../../../src/core/history/runRecord';
import { parseMetricPath, metricNumber } from '../../../src/core/history/metricPath';

const NOTEBOOK = (trend: string) => `---
title: trend
---

\`\`\`sql stats
SELECT getvariable('share') AS share
\`\`\`

\`\`\`sql per_class
SELECT * FROM (VALUES ('crack', getvariable('crack')), ('dent', 0.5)) x(class, reject_rate)
\`\`\`

\`\`\`trend t
${trend}
\`\`\`

\`\`\`checks gate
source: t_flagged
rules:
  - row_count: true
    max: 0
    name: no_anomaly
\`\`\`
`;

/** An earlier run whose stats.share was `share` and per_class crack reject rate `crack`. */
function earlier(i: number, share: number | null, crack: number, sha: string, manifest: RunManifest | null = null): RunRecord {
  return runRecord({
    id: `r${i}`,
    notebook: 'nb',
    notebookSha256: sha,
    ranAt: `2026-12-0${i}T00:00:00Z`,
    manifest,
    params: {},
    results: {
      notebook: 'nb',
      engine: { name: 'wasm-node', version: 'x' },
      sources: [],
      cells: [
        { name: 'stats', kind: 'sql', status: 'ok', result: { columns: [], rows: 1, head: [{ share }] } },
        { name: 'per_class', kind: 'sql', status: 'ok', result: { columns: [], rows: 2, head: [{ class: 'crack', reject_rate: crack }, { class: 'dent', reject_rate: 0.5 }] } },
      ],
    },
  });
}

let engine: NodeEngine;
beforeAll(async () => {
  engine = await NodeEngine.create();
});
afterAll(() => engine.close());

async function run(trend: string, params: Record<string, number>, records: RunRecord[], current: { sha: string; manifest?: RunManifest | null }) {
  const { notebook } = parseNotebook(NOTEBOOK(trend));
  const analysis = analyzeNotebook(notebook);
  expect(analysis.diagnostics).toEqual([]);
  const runs = await runCells(analysis, { query: (sql) => engine.query(sql), params, history: { records, current: { notebookSha256: current.sha, manifest: current.manifest ?? null } } });
  for (const r of runs) expect(r.status, `${r.name}: ${r.error}`).toBe('ok');
  return Object.fromEntries(runs.map((r) => [r.name, r.output!.result]));
}

describe('trend cell', () => {
  test('over runs: the earlier runs by time, then this one; a jump flagged, the flagged view fails a gate', async () => {
    const sha = await textSha256('nb');
    // Stored out of order: the cell orders by time.
    const records = [earlier(3, 0.011, 0.2, sha), earlier(1, 0.010, 0.2, sha), earlier(2, 0.012, 0.2, 'f'.repeat(64))];
    const out = await run('metrics:\n  - metric: stats.head[0].share\n    threshold: {max: 0.02}\nover: runs', { share: 0.05, crack: 0.2 }, records, { sha });
    const points = out.t!.points as TrendPoint[];
    expect(points.map((p) => p.run_id)).toEqual(['r1', 'r2', 'r3', null]);
    expect(points.map((p) => p.value)).toEqual([0.01, 0.012, 0.011, 0.05]);
    expect(points.map((p) => p.notebook_changed)).toEqual([false, true, false, false]);
    // Last point: W = [0.010, 0.012, 0.011], median 0.011, MAD 0.001, z = 0.6745 · 0.039 / 0.001 = 26.3055.
    expect(points[3]!.z).toBeCloseTo(26.3055, 6);
    expect(points[3]).toMatchObject({ flagged: true, beyond_threshold: true, current: true });
    expect(out.t!.flagged_count).toBe(1);
    expect((out.gate!.rules as { passed: boolean }[])[0]!.passed).toBe(false);
    const view = (await engine.query('SELECT metric, value, flagged FROM t_flagged')).toArray().map((r) => r.toJSON());
    expect(view).toEqual([{ metric: 'stats.head[0].share', value: 0.05, flagged: true }]);
  });

  test('no history: one point, not scored, nothing flagged; the gate passes', async () => {
    const out = await run('metrics:\n  - stats.head[0].share', { share: 0.05, crack: 0.2 }, [], { sha: 'a'.repeat(64) });
    expect(out.t).toMatchObject({ runs: 1, flagged_count: 0 });
    expect((out.t!.points as TrendPoint[])[0]).toMatchObject({ status: 'short_window', value: 0.05 });
    expect(out.gate!.passed).toBe(true);
  });

  test('per class with by: one series per class, in the cell\'s order', async () => {
    const sha = await textSha256('nb');
    const records = [earlier(1, 0.01, 0.1, sha), earlier(2, 0.01, 0.12, sha)];
    const out = await run('metrics:\n  - metric: per_class.head\n    by: class\n    value: reject_rate\nanomaly: {z: 3.5, min_points: 2}', { share: 0.01, crack: 0.4 }, records, { sha });
    const points = out.t!.points as TrendPoint[];
    expect([...new Set(points.map((p) => p.metric))]).toEqual(['per_class.head[crack].reject_rate', 'per_class.head[dent].reject_rate']);
    // crack: W = [0.1, 0.12], median 0.11, MAD 0.01, z = 0.6745 · 0.29 / 0.01 = 19.5605.
    const crack = points.filter((p) => p.metric.includes('crack'));
    expect(crack[2]!.z).toBeCloseTo(19.5605, 6);
    // dent: always 0.5 — MAD 0 and equal to the median: not flagged.
    expect(points.filter((p) => p.metric.includes('dent'))[2]).toMatchObject({ status: 'constant_window', flagged: false });
  });

  test('over versions: the newest run of each version in parent order; this run takes its own version\'s place', async () => {
    const sha = await textSha256('nb');
    const m = (version: string, order: number): RunManifest => ({ path: 'm.json', dataset: 'd', version, order });
    const records = [earlier(1, 0.3, 0.1, sha, m('v2', 1)), earlier(2, 0.1, 0.1, sha, m('v1', 0)), earlier(3, 0.2, 0.1, sha, m('v2', 1)), earlier(4, 0.9, 0.1, sha, m('v3', 2)), earlier(5, 0.9, 0.1, sha, { ...m('v0', 0), path: 'other.json' })];
    const out = await run('metrics:\n  - stats.head[0].share\nover: versions', { share: 0.15, crack: 0.1 }, records, { sha, manifest: m('v3', 2) });
    const points = out.t!.points as TrendPoint[];
    expect(points.map((p) => [p.version, p.value, p.run_id])).toEqual([['v1', 0.1, 'r2'], ['v2', 0.2, 'r3'], ['v3', 0.15, null]]);
  });

  test('over versions needs a run over a manifest version', async () => {
    const { notebook } = parseNotebook(NOTEBOOK('metrics:\n  - stats.head[0].share\nover: versions'));
    const runs = await runCells(analyzeNotebook(notebook), { query: (sql) => engine.query(sql), params: { share: 1, crack: 1 } });
    expect(runs.find((r) => r.name === 't')!.error).toMatch(/over: versions needs a run over a dataset version/);
  });

  test('a path that names nothing in the results is an error naming it', async () => {
    const { notebook } = parseNotebook(NOTEBOOK('metrics:\n  - stats.head[0].shares'));
    const runs = await runCells(analyzeNotebook(notebook), { query: (sql) => engine.query(sql), params: { share: 1, crack: 1 } });
    expect(runs.find((r) => r.name === 't')!.error).toMatch(/metric stats\.head\[0\]\.shares: the results of stats have no head\[0\]\.shares/);
  });

  test('spec problems are reported by line', () => {
    expect(trendCell.parse('metrics: []').diagnostics[0]!.message).toMatch(/must be a list of metric paths/);
    expect(trendCell.parse('metrics:\n  - nodot').diagnostics[0]).toMatchObject({ line: 1, message: expect.stringMatching(/not a metric path/) });
    expect(trendCell.parse('metrics:\n  - a.b\nover: weeks').diagnostics[0]).toMatchObject({ line: 3, message: expect.stringMatching(/over: must be one of runs, versions/) });
    expect(trendCell.parse('metrics:\n  - a.b\nthreshold: {min: 2, max: 1}').diagnostics[0]!.message).toMatch(/min is above max/);
    expect(trendCell.parse('metrics:\n  - metric: a.b\n    by: class').diagnostics[0]!.message).toMatch(/needs both by/);
    expect(trendCell.parse('metrics:\n  - a.b\nanomaly: {z: -1}').diagnostics[0]!.message).toMatch(/z must be a positive number/);
    expect(trendCell.parse('metrics:\n  - a.b\nwindow: 2.5').diagnostics[0]!.message).toMatch(/whole number/);
  });
});

describe('metric paths', () => {
  const drift = { columns: [{ column: 'width', psi: 2.9 }, { column: 'lighting_lux', psi: 0.41 }] };
  const checks = { passed: false, rules: [{ name: 'unique_ids', failing_share: 0.0159 }] };
  const steps = (t: string) => {
    const p = parseMetricPath(t);
    if (typeof p === 'string') throw new Error(p);
    return p.steps;
  };
  test('list items by name, a checks rule by its name alone, fields', () => {
    expect(metricNumber(drift, steps('drift.columns[lighting_lux].psi'))).toBe(0.41);
    expect(metricNumber(drift, steps('drift.columns.width.psi'))).toBe(2.9);
    expect(metricNumber(checks, steps('gates.unique_ids.failing_share'))).toBe(0.0159);
    expect(metricNumber(checks, steps('gates.rules[unique_ids].failing_share'))).toBe(0.0159);
    expect(metricNumber({ fleiss_kappa: 0.71 }, steps('agreement.fleiss_kappa'))).toBe(0.71);
    expect(metricNumber(checks, steps('gates.passed'))).toBeNull();
    expect(metricNumber(drift, steps('drift.columns[height].psi'))).toBeNull();
  });
});
