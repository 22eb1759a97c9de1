import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/assay';
import { parseHistory } from '../../src/core/history/runRecord';
import { openApp, openExample, waitForResults, type AppSession } from './harness';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'assay-trend-'));
const shots = process.env.ASSAY_SCREENSHOTS ? join(root, 'test/e2e/screenshots') : null;

/** `assay run` of the triage example over the sample manifest's versions (native DuckDB), its history into `history`; the exit code. */
function cliRunOverVersions(history: string): Promise<number> {
  return main(['run', join(root, 'notebooks/triage.assay.md'), '--engine', 'native', '--over-versions', join(root, 'sample-data/defects.manifest.json'), '--history', history], () => undefined, () => undefined);
}

interface Point { metric: string; version: string | null; value: number; z: number | null; flagged: boolean; run_id: string | null }

/**
 * Issue 24 in the browser: every run is kept in IndexedDB; a history exported by the CLI
 * (triage over the sample manifest's versions, native DuckDB) imports, and the trend over
 * versions then draws v1 and v2 from it and this browser run as v3, the seeded jump flagged
 * with the numbers the other engines give.
 */
describe('trend over versions in the app', () => {
  let s: AppSession;
  const cliHistory = join(dir, 'history');
  beforeAll(async () => {
    mkdirSync(cliHistory);
    expect(await cliRunOverVersions(cliHistory)).toBe(0);
    s = await openApp('/');
  }, 180_000);
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs are kept; an imported CLI history joins the trend; v3 flagged with the native numbers', async () => {
    await openExample(s, 'Triage of vendor batch B');
    const trend = s.page.locator('[data-testid=nb-cell][data-name=quality_trend]');
    // One run so far (the readout's): one point per metric, nothing flagged.
    expect(await trend.getByTestId('trend').getAttribute('data-flagged')).toBe('0');
    await s.page.setInputFiles('[data-testid=import-history]', join(cliHistory, 'triage.history.jsonl'));
    await expect.poll(() => s.page.locator('[data-testid=notice]').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringMatching(/triage\.history\.jsonl: 3 runs added to the history/));
    await s.page.getByRole('button', { name: 'Run all' }).click();
    await waitForResults(s.page);
    await expect.poll(() => trend.getByTestId('trend').getAttribute('data-flagged'), { timeout: 10_000 }).toBe('1');
    expect(await trend.getByTestId('trend-chart').count()).toBe(3);
    expect(await trend.locator('tr.flagged td').first().textContent()).toBe('version_gates.taxonomy.failing_share');
    expect(await s.page.locator('[data-testid=nb-cell][data-name=trend_gate] [data-testid=rule][data-rule=no_anomalies]').getAttribute('data-passed')).toBe('false');
    if (shots) {
      mkdirSync(shots, { recursive: true });
      for (const [w, h] of [[1440, 900], [1024, 768]] as const) {
        await s.page.setViewportSize({ width: w, height: h });
        await trend.scrollIntoViewIfNeeded();
        await s.page.screenshot({ path: join(shots, `trend-${w}.png`) });
      }
    }

    await s.page.getByTestId('more-menu').locator('summary').click();
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByTestId('export-history').click()]);
    const { records, problems } = parseHistory(readFileSync((await download.path())!, 'utf8'));
    expect(problems).toEqual([]);
    // The readout's run, the three imported, and this one.
    expect(records).toHaveLength(5);
    const last = records.at(-1)!;
    expect(last.engine.name).toBe('wasm-browser');
    expect(last.manifest).toMatchObject({ version: 'v3', order: 2 });
    const inBrowser = last.results.cells.find((c) => c.name === 'quality_trend')!.result!.points as Point[];
    const cli = parseHistory(readFileSync(join(cliHistory, 'triage.history.jsonl'), 'utf8')).records.at(-1)!.results.cells.find((c) => c.name === 'quality_trend')!.result!.points as Point[];
    expect(inBrowser.map((p) => [p.metric, p.version, p.flagged])).toEqual(cli.map((p) => [p.metric, p.version, p.flagged]));
    inBrowser.forEach((p, i) => {
      expect(Math.abs(p.value - cli[i]!.value)).toBeLessThanOrEqual(1e-9 * Math.abs(cli[i]!.value));
      if (cli[i]!.z !== null) expect(Math.abs(p.z! - cli[i]!.z!)).toBeLessThanOrEqual(1e-9 * Math.abs(cli[i]!.z!));
    });
    expect(inBrowser.find((p) => p.flagged)!.value).toBeCloseTo(163 / 2420, 12);
    expect(s.errors).toEqual([]);
  }, 240_000);
});

/**
 * Issue 24, the app's own run over versions: one press runs the triage example once per
 * version of the opened sample dataset, in parent order, each kept in the history, and the
 * trend's points are those of `assay run --over-versions` on native DuckDB.
 */
describe('run over versions in the app', () => {
  let s: AppSession;
  const cliHistory = join(dir, 'over-versions');
  beforeAll(async () => {
    mkdirSync(cliHistory, { recursive: true });
    expect(await cliRunOverVersions(cliHistory)).toBe(0);
    s = await openApp('/');
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });

  test('each version runs in parent order and is kept; the trend matches the CLI', async () => {
    await openExample(s, 'Triage of vendor batch B');
    const button = s.page.getByTestId('run-over-versions');
    expect(await button.getAttribute('title')).toContain('v1 → v2 → v3');
    await button.click();
    await expect.poll(() => s.page.getByTestId('over-versions-progress').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => s.page.getByTestId('over-versions-progress').count(), { timeout: 180_000, interval: 250 }).toBe(0);
    await waitForResults(s.page);
    const trend = s.page.locator('[data-testid=nb-cell][data-name=quality_trend]');
    expect(await trend.getByTestId('trend').getAttribute('data-flagged')).toBe('1');

    await s.page.getByTestId('more-menu').locator('summary').click();
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByTestId('export-history').click()]);
    const { records, problems } = parseHistory(readFileSync((await download.path())!, 'utf8'));
    expect(problems).toEqual([]);
    // The readout's run (the newest version), then one run per version in parent order.
    expect(records.map((r) => r.manifest?.version)).toEqual(['v3', 'v1', 'v2', 'v3']);
    expect(records.slice(1).map((r) => r.manifest?.order)).toEqual([0, 1, 2]);
    const cli = parseHistory(readFileSync(join(cliHistory, 'triage.history.jsonl'), 'utf8')).records;
    expect(cli.map((r) => r.manifest?.version)).toEqual(['v1', 'v2', 'v3']);
    for (const [i, run] of records.slice(1).entries()) {
      // Each version's own sources: the run read what the CLI's run of that version read.
      expect(run.results.sources.map((x) => [x.name, x.sha256, x.rows])).toEqual(cli[i]!.results.sources.map((x) => [x.name, x.sha256, x.rows]));
      // Each run's own point (its version's metrics) is the CLI's run of that version.
      const own = (r: typeof run) => (r.results.cells.find((c) => c.name === 'quality_trend')!.result!.points as Point[]).filter((p) => p.version === r.manifest!.version);
      const [points, expected] = [own(run), own(cli[i]!)];
      expect(points.map((p) => p.metric)).toEqual(expected.map((p) => p.metric));
      points.forEach((p, j) => expect(Math.abs(p.value - expected[j]!.value)).toBeLessThanOrEqual(1e-9 * Math.abs(expected[j]!.value)));
    }
    // The last run draws every version, as the CLI's last run does, the seeded jump flagged.
    const all = (r: (typeof records)[number]) => r.results.cells.find((c) => c.name === 'quality_trend')!.result!.points as Point[];
    const [last, cliLast] = [all(records.at(-1)!), all(cli.at(-1)!)];
    expect(last.map((p) => [p.metric, p.version, p.flagged])).toEqual(cliLast.map((p) => [p.metric, p.version, p.flagged]));
    last.forEach((p, j) => {
      expect(Math.abs(p.value - cliLast[j]!.value)).toBeLessThanOrEqual(1e-9 * Math.abs(cliLast[j]!.value));
      if (cliLast[j]!.z !== null) expect(Math.abs(p.z! - cliLast[j]!.z!)).toBeLessThanOrEqual(1e-9 * Math.abs(cliLast[j]!.z!));
    });
    expect(s.errors).toEqual([]);
  }, 300_000);
});
