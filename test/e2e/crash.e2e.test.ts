import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp, type AppSession, openExample } from './harness';

/**
 * The DuckDB worker dies mid-session (killed from a test hook, as a trap or an out-of-memory
 * abort would): the app notices, starts a new worker, reopens the sources, marks results stale
 * and says so; the notebook and its saved text survive and it runs again. And a long query is
 * cancelled from the notebook's toolbar.
 */
describe('crashes and cancel in Chromium', () => {
  let s: AppSession;
  beforeAll(async () => {
    s = await openApp('/');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    await s.page.locator('[data-testid=example]').first().waitFor();
  }, 60_000);
  afterAll(() => s?.close());

  const statuses = () => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-status')));

  test('a dead worker is replaced, its sources reopened, the cells marked stale; the notebook runs again', async () => {
    await openExample(s, 'Triage of vendor batch B');
    await expect.poll(async () => (await statuses()).every((x) => x === 'ok'), { timeout: 30_000 }).toBe(true);
    const title = await s.page.getByTestId('nb-title').textContent();

    await s.page.evaluate(() => (window as unknown as { __assay: { crashEngine(): Promise<void> } }).__assay.crashEngine());
    await expect
      .poll(() => s.page.locator('[data-testid=notice]').allTextContents(), { timeout: 20_000 })
      .toContainEqual(expect.stringMatching(/The DuckDB engine stopped \(.*simulated crash \(test hook\)\)\. Starting a new one and reopening 1 source; results are marked stale\./));
    await expect.poll(async () => (await statuses()).every((x) => x === 'stale'), { timeout: 10_000 }).toBe(true);
    await expect
      .poll(() => s.page.locator('[data-testid=notice]').allTextContents(), { timeout: 60_000 })
      .toContainEqual(expect.stringMatching(/^Engine restarted; 1 of 1 sources reopened\./));
    expect(await s.page.locator('[data-testid=source][data-name=batch] [data-testid=source-rows]').textContent()).toBe('2,520');

    await s.page.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(async () => (await statuses()).every((x) => x === 'ok'), { timeout: 30_000 }).toBe(true);
    expect(await s.page.getByTestId('gate-status').textContent()).toMatch(/5 failing gates/);
    expect(await s.page.getByTestId('nb-title').textContent()).toBe(title);
    expect(await s.page.getByTestId('save-state').textContent()).toBe('saved');
    await s.page.getByRole('button', { name: '← Notebooks' }).click();
  }, 120_000);

  test('a long query is cancelled from the toolbar; later cells are not run; the engine answers again', async () => {
    await s.page.getByTestId('new-notebook').click();
    await s.page.getByRole('button', { name: 'Source' }).click();
    await s.page.getByTestId('source-editor').fill('```sql slow\nSELECT count(*) AS n FROM range(3000000000) a WHERE a.range % 7 = 3\n```\n\n```sql after\nSELECT 1 AS one\n```\n');
    await s.page.getByRole('button', { name: 'Cells' }).click();
    await s.page.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => s.page.locator('[data-testid=nb-cell][data-name=slow]').getAttribute('data-status'), { timeout: 10_000 }).toBe('running');
    await s.page.waitForTimeout(300);
    await s.page.getByTestId('cancel-run').click();
    await expect.poll(() => s.page.locator('[data-testid=nb-cell][data-name=slow]').getAttribute('data-status'), { timeout: 60_000 }).toBe('error');
    expect(await s.page.locator('[data-testid=nb-cell][data-name=slow] [data-testid=cell-error]').textContent()).toMatch(/cancelled/);
    expect(await s.page.locator('[data-testid=nb-cell][data-name=after]').getAttribute('data-status')).not.toBe('ok');
    // Run at once: the run waits for the cancel to settle, which in the threaded bundle may
    // mean a new worker (WorkerEngine.cancel), and then succeeds either way.
    await s.page.locator('[data-testid=nb-cell][data-name=after]').getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => s.page.locator('[data-testid=nb-cell][data-name=after]').getAttribute('data-status'), { timeout: 60_000 }).toBe('ok');
    const notices = await s.page.locator('[data-testid=notice]').allTextContents();
    const replaced = notices.some((n) => /a cancelled query still held DuckDB's threads after 5 s/.test(n));
    if (replaced) expect(notices).toContainEqual(expect.stringMatching(/^Engine restarted; \d+ of \d+ sources reopened\./));
    console.log(`cancel from the toolbar: engine ${replaced ? 'replaced' : 'answered again'}`);
  }, 120_000);
});
