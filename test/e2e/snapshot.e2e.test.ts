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
