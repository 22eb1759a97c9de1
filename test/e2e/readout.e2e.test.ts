import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { openApp, CHROMIUM, CHROMIUM_ARGS, type AppSession } from './harness';

/**
 * Readout mode and snapshots from the app: every example notebook reads as a document (no
 * code, provenance at the foot), its screenshot goes to docs/, and the exported snapshot opens
 * with JavaScript disabled and the network blocked, showing the charts as SVG and the numbers.
 */
describe('readouts in Chromium', () => {
  let s: AppSession;
  beforeAll(async () => {
    s = await openApp('/');
    await s.page.setViewportSize({ width: 1200, height: 900 });
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    await s.page.locator('[data-testid=example]').first().waitFor();
  }, 60_000);
  afterAll(() => s?.close());

  const examples = [
    ['triage', 'Triage of vendor batch B'],
    ['spot-check', 'Reviewer spot check, 5 % per class'],
    ['drift', 'Drift between the baseline and vendor batch B'],
    ['labels', 'Label quality — annotators, model and raters'],
  ] as const;

  for (const [file, title] of examples) {
    test(`${file}: the readout hides code and specs, shows the provenance, and is screenshotted for the docs`, async () => {
      await s.page.locator('[data-testid=example]', { hasText: title }).click();
      await s.page.getByRole('button', { name: 'Run all' }).click();
      await expect.poll(() => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.every((c) => c.getAttribute('data-status') === 'ok')), { timeout: 60_000 }).toBe(true);
      await s.page.keyboard.press('Alt+r');
      await expect.poll(() => s.page.getByTestId('notebook').getAttribute('data-readout')).toBe('true');
      expect(await s.page.locator('[data-testid=cell-input]').count()).toBe(0);
      expect(await s.page.locator('.cell-head').evaluateAll((hs) => hs.filter((h) => getComputedStyle(h).display !== 'none').length)).toBe(0);
      // A read-only document: no control of any cell is shown (failing-rows buttons, pickers, exports).
      expect(await s.page.locator('[data-testid=nb-cell] button, [data-testid=nb-cell] select').evaluateAll((xs) => xs.filter((x) => x.checkVisibility()).map((x) => x.textContent))).toEqual([]);
      const provenance = s.page.getByTestId('provenance');
      expect(await provenance.textContent()).toMatch(/DuckDB v1\.4\.\d/);
      expect(await provenance.getByTestId('provenance-ran-at').textContent()).toMatch(/^\d{4}-\d\d-\d\dT/);
      // Every pinned source opened with the pinned bytes.
      expect(await s.page.locator('[data-testid=provenance-source]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pin')))).not.toContain('differs');
      await s.page.waitForTimeout(300);
      const png = await s.page.locator('main').screenshot();
      expect(png.length).toBeGreaterThan(20_000);
      // `npm run screenshots` refreshes the checked-in copies; a plain test run leaves docs/ alone.
      if (process.env.ASSAY_SCREENSHOTS) {
        mkdirSync('docs/readouts', { recursive: true });
        writeFileSync(`docs/readouts/${file}.png`, png);
      }
      await s.page.keyboard.press('Alt+r');
      await s.page.getByRole('button', { name: '← Notebooks' }).click();
    }, 90_000);
  }

  test('the whole session over the four example notebooks asked nothing of any other origin', () => {
    expect(s.requests.length).toBeGreaterThan(20);
    const outside = s.requests.filter((u) => !u.startsWith(s.baseUrl) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(outside).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  test('the triage snapshot exported from the app opens without script or network and shows its charts and numbers', async () => {
    await s.page.locator('[data-testid=example]', { hasText: 'Triage of vendor batch B' }).click();
    await s.page.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.every((c) => c.getAttribute('data-status') === 'ok')), { timeout: 60_000 }).toBe(true);
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'Export snapshot' }).click()]);
    const html = readFileSync((await download.path())!, 'utf8');
    expect(html.length).toBeLessThan(1_000_000);
    expect(html).not.toMatch(/<script/i);

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      const requests: string[] = [];
      context.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      await page.setContent(html);
      // The two chart cells as SVG: 48 stacked bar segments (label × camera) and 23 histogram bins.
      expect(await page.locator('[data-cell=labels_by_camera] svg rect').count()).toBe(48);
      expect(await page.locator('[data-cell=lighting] svg rect').count()).toBe(23);
      expect(await page.locator('[data-cell=gates] p.gate').textContent()).toBe('FAIL');
      // Before and after the clean-up, side by side: batch's 2,520 rows against curated's 2,456.
      expect(await page.locator('[data-cell=gates] .meta').textContent()).toMatch(/^batch: 2,520 rows · curated: 2,456 rows, FAIL$/);
      expect(await page.locator('[data-cell=overview]').textContent()).toContain('annotator_email holds 711 e-mail addresses');
      expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
