import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp, type AppSession, openExample } from './harness';

/** The labels example's label_issues cell in the built app: counts, the joint's drill-down, the queue over its view, the gate. */
describe('label issues in Chromium', () => {
  let s: AppSession;

  beforeAll(async () => {
    s = await openApp('/');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    await s.page.locator('[data-testid=example]').first().waitFor();
  }, 60_000);
  afterAll(() => s?.close());

  test('flags the seeded mislabels; a joint cell drills down to the rows counted in it; a sample queues the flagged records', async () => {
    await openExample(s, 'Label quality — annotators, model and raters');
    await expect
      .poll(() => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.every((c) => c.getAttribute('data-status') === 'ok')), { timeout: 60_000 })
      .toBe(true);
    const cell = s.page.locator('[data-testid=nb-cell][data-name=issues]');
    // The same figures as notebooks/expected/labels.json (Node) and cleanlab 2.9.0 on the CSV.
    expect(await cell.getByTestId('flagged').textContent()).toBe('88');
    expect(await cell.getByTestId('noise-rate').textContent()).toBe('3.79 %');
    // given crack, suggested scratch: 7 in the calibrated joint, 5 rows counted confidently.
    const rect = cell.locator('rect[data-given="crack"][data-suggested="scratch"]');
    await rect.waitFor({ timeout: 10_000 });
    expect(await rect.getAttribute('data-n')).toBe('7');
    await rect.click();
    await expect.poll(() => cell.getByTestId('drill-count').textContent(), { timeout: 10_000 }).toBe('5');
    // By keyboard: given dent, suggested ok — 8 rows.
    await cell.getByLabel('Given class').selectOption('dent');
    await cell.getByLabel('Suggested class').selectOption('ok');
    await cell.getByRole('button', { name: 'Show records' }).press('Enter');
    await expect.poll(() => cell.getByTestId('drill-count').textContent(), { timeout: 10_000 }).toBe('8');
    const noise = await cell.locator('[data-testid=noise-per-class] tbody tr').first().locator('td').allTextContents();
    expect(noise.slice(0, 2)).toEqual(['crack', '261']);
    // A sample over the cell's view: half the flagged records of each class, at least 3.
    expect(await s.page.locator('[data-testid=nb-cell][data-name=relabel_queue] [data-testid=sample-total]').textContent()).toBe('45');
    expect(s.errors).toEqual([]);
  }, 120_000);
});
