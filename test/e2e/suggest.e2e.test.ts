import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, openAsBlob, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp, type AppSession } from './harness';
import { samplePath } from './referenceData';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { profileCell } from '../../src/core/cells/profileCell';
import { suggestChecks, type ProfileResult } from '../../src/core/suggest/suggestChecks';
import { backtest } from '../../src/core/suggest/backtest';

const NOTEBOOK = `---
title: Suggested checks
sources:
  batch:
    manifest: defects.manifest.json
    version: v1
---

\`\`\`profile overview
source: batch
key: image_id
\`\`\`
`;

/** The same suggestions and backtest computed under Node (DuckDB-WASM), for the browser's table to equal. */
async function expectedBacktest() {
  const engine = await NodeEngine.create();
  try {
    for (const v of ['v1', 'v2']) await engine.openFile(await openAsBlob(samplePath(`defects_${v}.parquet`)), `defects_${v}.parquet`, { name: v });
    const q = (sql: string) => engine.query(sql);
    const { spec } = profileCell.parse('source: v1\nkey: image_id');
    const profile = (await profileCell.run(spec!, { name: 'p', query: q, params: {} })).result as unknown as ProfileResult;
    const { rules } = await suggestChecks(q, 'v1', profile);
    const bt = await backtest(
      q,
      rules.map((r) => r.check),
      [
        { label: 'v1', source: 'v1' },
        { label: 'v2', source: 'v2' },
      ],
    );
    return bt.rules.map((r) => ({ rule: r.name, cells: r.cells.map((c) => ({ passed: String(c.passed), failing: c.failing_rows === null ? '' : String(c.failing_rows) })) }));
  } finally {
    await engine.close();
  }
}

describe('suggested checks in Chromium', () => {
  let s: AppSession;
  beforeAll(async () => {
    s = await openApp('/');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
  }, 60_000);
  afterAll(() => s?.close());

  test('suggest from a profile, see the backtest on both versions, accept two rules, run them', async () => {
    const expected = await expectedBacktest();
    await s.page.setInputFiles('[data-testid=dataset-input]', [samplePath('defects.manifest.json'), samplePath('defects_v1.parquet'), samplePath('defects_v2.parquet')]);
    await expect.poll(() => s.page.locator('[data-testid=dataset][data-name=defects] [data-testid=file-check][data-status=ok]').count(), { timeout: 30_000 }).toBe(2);
    await s.page.setInputFiles('[data-testid=file-input]', { name: 'suggest.assay.md', mimeType: 'text/markdown', buffer: Buffer.from(NOTEBOOK) });
    const overview = s.page.locator('[data-testid=nb-cell][data-name=overview]');
    await overview.waitFor({ timeout: 20_000 });
    await s.page.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => overview.getAttribute('data-status'), { timeout: 30_000 }).toBe('ok');

    await overview.getByTestId('suggest-checks').click();
    const panel = overview.getByTestId('suggest-panel');
    await panel.getByTestId('backtest').waitFor({ timeout: 30_000 });
    expect(await panel.getByTestId('backtest-version').allTextContents()).toEqual(['batch (v1)3,008 rows', 'batch (v2)2,520 rows']);
    // Every rule × version: the browser's counts are the ones Node's DuckDB gives.
    const shown = await panel.getByTestId('suggest-rule').evaluateAll((rows) =>
      rows.map((r) => ({
        rule: r.getAttribute('data-rule'),
        cells: [...r.querySelectorAll('[data-testid=backtest-cell]')].map((c) => ({ passed: c.getAttribute('data-passed'), failing: c.getAttribute('data-failing') })),
      })),
    );
    expect(shown).toEqual(expected);
    expect(shown.length).toBeGreaterThan(30);
    // v2 comes from vendor B: v1's one vendor_batch value fails on all its rows.
    expect(await panel.locator('[data-testid=suggest-rule][data-rule=vendor_batch_in_set] [data-testid=backtest-cell][data-version="batch (v2)"]').textContent()).toBe('✗ 2,520');
    // The contract (v1's): 768 is not an allowed height; the rule starts unchecked.
    const height = panel.locator('[data-testid=suggest-rule][data-rule=height_in_set]');
    expect(await height.getByTestId('suggest-conflict').textContent()).toBe("⚠ contract: allows 768, outside the contract's 1024");
    expect(await height.getByRole('checkbox').isChecked()).toBe(false);
    // A rule that held on both versions and agrees with the contract starts checked.
    expect(await panel.locator('[data-testid=suggest-rule][data-rule=image_id_pattern]').getByRole('checkbox').isChecked()).toBe(true);

    for (const [width, height] of [
      [1440, 900],
      [1024, 768],
    ] as const) {
      await s.page.setViewportSize({ width, height });
      await panel.scrollIntoViewIfNeeded();
      // The rows the contract marks, in view.
      await panel.locator("[data-testid=suggest-rule][data-rule=camera_id_null_share]").scrollIntoViewIfNeeded();
      await s.page.waitForTimeout(200);
      const png = await s.page.screenshot();
      expect(png.length).toBeGreaterThan(20_000);
      if (process.env.ASSAY_SHOTS_DIR) {
        mkdirSync(process.env.ASSAY_SHOTS_DIR, { recursive: true });
        writeFileSync(join(process.env.ASSAY_SHOTS_DIR, `suggest-${width}.png`), png);
      }
    }

    await panel.getByRole('button', { name: 'Uncheck all' }).click();
    await expect.poll(() => panel.getByTestId('suggest-accept').isDisabled()).toBe(true);
    await panel.getByRole('checkbox', { name: 'Accept image_id_pattern' }).check();
    await panel.getByRole('checkbox', { name: 'Accept lighting_lux_range' }).check();
    expect(await panel.getByTestId('suggest-accept').textContent()).toBe('Insert checks cell (2 rules)');
    await panel.getByTestId('suggest-accept').click();

    // The checks cell lands right after the profile and runs (the notebook has run, so it runs by itself).
    const names = () => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-name')));
    await expect.poll(names, { timeout: 10_000 }).toEqual(['overview', 'overview_checks_1']);
    expect(await overview.getByTestId('suggest-panel').count()).toBe(0);
    const checks = s.page.locator('[data-testid=nb-cell][data-name=overview_checks_1]');
    await expect.poll(() => checks.getAttribute('data-status'), { timeout: 30_000 }).toBe('ok');
    expect(await checks.getByTestId('checks-status').textContent()).toBe('PASS');
    expect(await checks.locator('[data-testid=rule]').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-rule'), r.getAttribute('data-passed')]))).toEqual([
      ['image_id_pattern', 'true'],
      ['lighting_lux_range', 'true'],
    ]);
    expect(s.errors).toEqual([]);
  }, 120_000);
});
