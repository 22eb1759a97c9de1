import { afterAll, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { main } from '../../src/cli/assay';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'assay-snap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a snapshot opens in a fresh browser with JavaScript disabled and the network blocked, showing the run', async () => {
  const file = join(dir, 'labels.html');
  expect(await main(['run', join(root, 'notebooks/labels.assay.md'), '--html', file], () => undefined, () => undefined)).toBe(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith('file://') ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    await page.goto(`file://${file}`);
    expect(await page.title()).toBe('Label quality — annotators, model and raters');
    const annotators = page.locator('section[data-cell=annotators]');
    // Annotator kappa 3723715/4493364 = 0.829; crack confused with scratch 66 times (test/reference).
    expect(await annotators.locator('.meta').textContent()).toContain("Cohen's κ 0.829");
    expect(await annotators.locator('table.heat tbody tr').first().locator('td').nth(3).textContent()).toBe('66');
    expect(await page.locator('section[data-cell=raters] .meta').textContent()).toContain("Krippendorff's α 0.660");
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('triage and drift snapshots at 1024 and 1440 px: no table spills out of its card; drift draws each column and colours its verdict', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    for (const name of ['triage', 'drift']) {
      const file = join(dir, `${name}.html`);
      expect(await main(['run', join(root, `notebooks/${name}.assay.md`), '--html', file], () => undefined, () => undefined)).toBe(0);
      for (const width of [1024, 1440]) {
        const page = await browser.newPage({ javaScriptEnabled: false, viewport: { width, height: 900 } });
        await page.goto(`file://${file}`);
        const spills = await page.evaluate(() =>
          [...document.querySelectorAll('section.cell')].flatMap((cell) => {
            const box = cell.getBoundingClientRect();
            // A query's rows scroll inside their own box; that box must fit the card.
            return [...cell.querySelectorAll('table, svg, figure, div.scroll')].filter((t) => !t.parentElement?.closest('div.scroll') && t.getBoundingClientRect().right > box.right + 0.5).map((t) => `${cell.getAttribute('data-cell')} ${t.tagName} ${Math.round(t.getBoundingClientRect().right - box.right)} px`);
          }),
        );
        expect(spills, `${name} at ${width}px`).toEqual([]);
        if (name === 'drift') {
          const rows = page.locator('table.drift tbody tr');
          // The eight compared columns (test/notebooks goldens): each with its distributions drawn.
          expect(await rows.count()).toBe(8);
          expect(await page.locator('table.drift td.dist svg.spark').count()).toBe(8);
          const verdict = page.locator('table.drift tbody tr', { hasText: 'lighting_lux' }).locator('td.verdict');
          // Which tests fired: lighting_lux by PSI (2.98) and KS (D 0.647, p ≈ 0); label by JS + χ² alone (PSI 0.093 < 0.2).
          expect(await verdict.textContent()).toBe('drifted · PSI, KS');
          expect(await page.locator('table.drift tbody tr', { hasText: /^label/ }).locator('td.verdict').textContent()).toBe('drifted · JS + χ²');
          expect(await verdict.evaluate((td) => getComputedStyle(td).color)).toBe('rgb(180, 35, 24)');
          expect(await page.locator('table.drift tbody tr', { hasText: 'confidence' }).locator('td.verdict').evaluate((td) => getComputedStyle(td).color)).toBe('rgb(6, 118, 71)');
        }
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
}, 120_000);
