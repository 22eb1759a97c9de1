import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { openApp, type AppSession, openExample } from './harness';
import { samplePath } from './referenceData';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { runNotebookFile } from '../../src/cli/runNotebookFile';
import { tableToJsonRows } from '../../src/core/arrowJson';

const notebook = fileURLToPath(new URL('../../notebooks/images.assay.md', import.meta.url));
const TABLE = 'SELECT * FROM scan ORDER BY path';

/** The images example in Chromium: the image folder opened with the folder picker, decoded by the page's worker pool, the same table as `assay run`. */
describe('images cell in Chromium', () => {
  let s: AppSession;
  let node: Record<string, unknown>[];

  beforeAll(async () => {
    const engine = await NodeEngine.create();
    try {
      const { runs } = await runNotebookFile(notebook, engine);
      expect(runs.find((r) => r.name === 'scan')?.status).toBe('ok');
      node = tableToJsonRows(await engine.query(TABLE));
    } finally {
      await engine.close();
    }
    s = await openApp('/');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    await s.page.locator('[data-testid=example]').first().waitFor();
  }, 120_000);
  afterAll(() => s?.close());

  test('the browser measures the folder to the same table as Node, finds every seeded problem and shows the pairs', async () => {
    // The folder alone (no manifest): its files are at hand for images cells.
    await s.page.setInputFiles('[data-testid=dataset-folder-input]', samplePath('images'));
    await expect.poll(() => s.page.locator('[data-testid=notice]').allTextContents(), { timeout: 30_000 }).toContainEqual(expect.stringContaining('299 image files of images/ are at hand'));
    await openExample(s, 'Images of the sample folder');
    await expect
      .poll(() => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.filter((c) => c.getAttribute('data-status') !== 'ok').map((c) => `${c.getAttribute('data-name')}: ${c.getAttribute('data-status')} ${c.querySelector('[data-testid=cell-error]')?.textContent ?? ''}`)), { timeout: 60_000 })
      .toEqual([]);
    const browser = await s.page.evaluate((sql) => (window as unknown as { __assay: { rows(sql: string): Promise<Record<string, unknown>[]> } }).__assay.rows(sql), TABLE);
    expect(browser.length).toBe(299);
    // Sizes, hashes and measures identical, value for value (doubles included).
    expect(browser).toEqual(node);

    const cell = s.page.locator('[data-testid=nb-cell][data-name=scan]');
    const counts = Object.fromEntries(await cell.locator('[data-testid=images-problem]').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-problem'), Number(r.getAttribute('data-count'))])));
    expect(counts).toEqual({ size_mismatch: 6, missing: 5, extra: 4, undecodable: 5, exact_duplicates: 9, near_duplicates: 9 });
    // Thumbnails of both sides of every pair, from the opened files (object URLs).
    const thumbs = cell.locator('[data-testid=images-near-grid] img');
    expect(await thumbs.count()).toBe(18);
    expect(await thumbs.first().getAttribute('src')).toMatch(/^blob:/);
    await expect.poll(() => thumbs.first().evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await s.page.getByTestId('gate-status').textContent()).toMatch(/failing gate/);
    // Nothing left the page.
    expect(s.requests.every((u) => u.startsWith(s.baseUrl) || u.startsWith('blob:') || u.startsWith('data:'))).toBe(true);
    expect(s.errors).toEqual([]);
  }, 180_000);
});
