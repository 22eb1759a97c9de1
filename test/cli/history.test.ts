import { afterAll, describe, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/assay';
import { parseHistory, type RunRecord } from '../../src/core/history/runRecord';
import { jsonDifferences } from '../notebooks/compareResults';
import { validate } from '../helpers/jsonSchema';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'assay-history-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const schema = JSON.parse(readFileSync(join(root, 'src/cli/results.schema.json'), 'utf8'));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

/** A project folder with the sample manifest and its version files, and a notebook over `data` (the manifest, no version). */
function project(cells: string): string {
  const dir = mkdtempSync(join(tmp, 'p-'));
  writeFileSync(join(dir, 'package.json'), '{}');
  const manifest = JSON.parse(readFileSync(join(root, 'sample-data/defects.manifest.json'), 'utf8'));
  for (const v of manifest.versions) for (const f of v.files) copyFileSync(join(root, 'sample-data', f.path), join(dir, f.path));
  copyFileSync(join(root, 'sample-data/defects.manifest.json'), join(dir, 'defects.manifest.json'));
  writeFileSync(join(dir, 'nb.assay.md'), `---\ntitle: history\nsources:\n  data:\n    manifest: defects.manifest.json\n---\n\n${cells}`);
  mkdirSync(join(dir, 'history'));
  return dir;
}

const CELLS = `\`\`\`checks gates
source: data
key: image_id
rules:
  - unique: image_id
    name: unique_ids
  - in_set: label
    values: [crack, dent, ok, scratch, stain]
    name: taxonomy
  - not_null: camera_id
    name: camera_present
\`\`\`

\`\`\`sql lux
SELECT avg(lighting_lux) AS mean_lux, count(*) AS n FROM data
\`\`\`

\`\`\`trend by_version
metrics:
  - gates.unique_ids.failing_share
  - metric: gates.taxonomy.failing_share
    threshold: {max: 0.02}
  - lux.head[0].mean_lux
over: versions
\`\`\`

\`\`\`trend by_run
metrics:
  - gates.rules[camera_present].failing_share
\`\`\`
`;

const versionCount = JSON.parse(readFileSync(join(root, 'sample-data/defects.manifest.json'), 'utf8')).versions.length;

describe('assay run --history and --over-versions', () => {
  test('--history appends one record per run (the documented schema); a trend over runs draws them', async () => {
    const dir = project(CELLS);
    const nb = join(dir, 'nb.assay.md');
    for (let i = 0; i < 2; i++) {
      const r = await cli('run', nb, '--history', join(dir, 'history'), '--json', join(dir, 'out.json'));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const { records, problems } = parseHistory(readFileSync(join(dir, 'history/nb.history.jsonl'), 'utf8'));
    expect(problems).toEqual([]);
    expect(records).toHaveLength(2);
    for (const r of records) expect(validate(r, schema.$defs.run_record, schema)).toEqual([]);
    expect(records[0]!.manifest).toEqual({ path: 'defects.manifest.json', dataset: 'defects', version: `v${versionCount}`, order: versionCount - 1 });
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(validate(out, schema)).toEqual([]);
    // The second run's trend has the first run's point and its own.
    const trend = records[1]!.results.cells.find((c) => c.name === 'by_run')!.result!;
    expect((trend.points as { run_id: string | null }[]).map((p) => p.run_id)).toEqual([records[0]!.id, null]);
    // A changed notebook marks the earlier runs.
    writeFileSync(nb, readFileSync(nb, 'utf8') + '\nA new paragraph.\n');
    await cli('run', nb, '--history', join(dir, 'history'), '--json', join(dir, 'out.json'));
    const changed = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).cells.find((c: { name: string }) => c.name === 'by_run').result.points;
    expect(changed.map((p: { notebook_changed: boolean }) => p.notebook_changed)).toEqual([true, true, false]);
  }, 240_000);

  test('--over-versions runs each version in parent order, with the same numbers as running it alone', async () => {
    const dir = project(CELLS);
    const nb = join(dir, 'nb.assay.md');
    const r = await cli('run', nb, '--over-versions', join(dir, 'defects.manifest.json'), '--history', join(dir, 'history'), '--json', join(dir, 'last.json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { records } = parseHistory(readFileSync(join(dir, 'history/nb.history.jsonl'), 'utf8'));
    expect(records.map((x) => x.manifest?.version)).toEqual(Array.from({ length: versionCount }, (_, i) => `v${i + 1}`));
    for (const [i, record] of records.entries()) {
      // The same version alone: the notebook pinned to it, no history.
      const alone = join(dir, `alone_v${i + 1}.assay.md`);
      writeFileSync(alone, readFileSync(nb, 'utf8').replace('manifest: defects.manifest.json', `manifest: defects.manifest.json\n    version: v${i + 1}`).replace(/```trend[\s\S]*?```\n/g, ''));
      const a = await cli('run', alone, '--json', join(dir, `alone_v${i + 1}.json`));
      expect(a.code).toBe(0);
      const single = JSON.parse(readFileSync(join(dir, `alone_v${i + 1}.json`), 'utf8'));
      const nonTrend = (x: RunRecord['results']) => ({ sources: x.sources, cells: x.cells.filter((c) => c.kind !== 'trend') });
      expect(jsonDifferences(nonTrend(record.results), nonTrend(single))).toEqual([]);
    }
    // The last run's trend has one point per version, each the value that version's run had.
    const last = JSON.parse(readFileSync(join(dir, 'last.json'), 'utf8'));
    const points = last.cells.find((c: { name: string }) => c.name === 'by_version').result.points.filter((p: { metric: string }) => p.metric === 'gates.unique_ids.failing_share');
    expect(points.map((p: { version: string }) => p.version)).toEqual(records.map((x) => x.manifest!.version));
    const shares = records.map((x) => (x.results.cells.find((c) => c.name === 'gates')!.result!.rules as { name: string; failing_share: number }[]).find((q) => q.name === 'unique_ids')!.failing_share);
    expect(points.map((p: { value: number }) => p.value)).toEqual(shares);
  }, 400_000);

  test('--over-versions refuses a notebook with no source following the manifest', async () => {
    const dir = project(CELLS);
    const nb = join(dir, 'nb.assay.md');
    writeFileSync(nb, readFileSync(nb, 'utf8').replace('manifest: defects.manifest.json', 'manifest: defects.manifest.json\n    version: v1'));
    const r = await cli('run', nb, '--over-versions', join(dir, 'defects.manifest.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--over-versions has nothing to vary/);
  }, 60_000);

  test('the triage example over the sample versions: the seeded v3 jump is flagged, drawn in the snapshot, the same on both engines', async () => {
    const nb = join(root, 'notebooks/triage.assay.md');
    const manifest = join(root, 'sample-data/defects.manifest.json');
    const trends: Record<string, { metric: string; version: string; value: number; z: number | null; flagged: boolean }[]> = {};
    for (const engine of ['native', 'wasm'] as const) {
      const r = await cli('run', nb, '--over-versions', manifest, '--engine', engine, '--json', join(tmp, `triage-${engine}.json`), '--html', join(tmp, `triage-${engine}.html`));
      expect(r.code).toBe(0);
      const last = JSON.parse(readFileSync(join(tmp, `triage-${engine}.json`), 'utf8'));
      trends[engine] = last.cells.find((c: { name: string }) => c.name === 'quality_trend').result.points;
      expect(last.cells.find((c: { name: string }) => c.name === 'trend_gate').result.rules[0]).toMatchObject({ name: 'no_anomalies', passed: false, observed: 1 });
    }
    const flagged = trends.native!.filter((p) => p.flagged).map((p) => `${p.metric}@${p.version}`);
    expect(flagged).toEqual(['version_gates.taxonomy.failing_share@v3']);
    // Off-taxonomy labels: 42 of 3,008 (v1), 36 of 2,520 (v2), 163 of 2,420 (v3).
    const [a, b, c] = [42 / 3008, 36 / 2520, 163 / 2420];
    const jump = trends.native!.find((p) => p.flagged)!;
    expect(jump.value).toBeCloseTo(c, 15);
    expect(jump.z).toBeCloseTo((0.6745 * (c - (a + b) / 2)) / (Math.abs(a - b) / 2), 9);
    expect(jump.z).toBeCloseTo(222.354, 3);
    // The same points on both engines (1e-9 relative).
    expect(trends.wasm!.map((p) => [p.metric, p.version, p.flagged])).toEqual(trends.native!.map((p) => [p.metric, p.version, p.flagged]));
    trends.wasm!.forEach((p, i) => {
      const q = trends.native![i]!;
      expect(Math.abs(p.value - q.value)).toBeLessThanOrEqual(1e-9 * Math.abs(q.value));
      if (q.z !== null) expect(Math.abs(p.z! - q.z)).toBeLessThanOrEqual(1e-9 * Math.abs(q.z));
    });
    const html = readFileSync(join(tmp, 'triage-native.html'), 'utf8');
    expect(html.match(/<figure class="chart trend">/g)).toHaveLength(3);
    expect(html.match(/class="flagged"/g)).toHaveLength(1);
    expect(html).toContain('flagged: version_gates.taxonomy.failing_share at v3');
    expect(html).not.toMatch(/<script/i);
  }, 400_000);
});
