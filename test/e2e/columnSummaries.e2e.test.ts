import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openReadyApp, waitForResults, type AppSession } from './harness';

/**
 * Issue 27: each column of a SQL cell's table has a summary under its header, computed in
 * DuckDB by one statement over the whole view; a bar's click filters the table to exactly the
 * rows the bar counts, through the same sort-and-filter path.
 */
const NOTEBOOK = `---
title: Summaries of a million rows
---

\`\`\`sql big
SELECT range AS id, CASE range % 3 WHEN 0 THEN 'dent ' WHEN 1 THEN 'dent' ELSE NULL END AS label, (range % 1000) * 0.5 AS score, TIMESTAMP '2024-01-01' + to_seconds(range) AS seen FROM range(1000000)
\`\`\`
`;
const SUMMARY = /^WITH s AS \(SELECT count\(\*\) AS n/;

describe('column summaries in the header of a 1M-row table', () => {
  let s: AppSession;
  beforeAll(async () => {
    s = await openReadyApp();
  }, 60_000);
  afterAll(() => s?.close());

  type Hooks = { __assay: { queries(): string[]; rows(sql: string): Promise<Record<string, unknown>[]> } };
  const queries = () => s.page.evaluate(() => (window as unknown as Hooks).__assay.queries());
  const rows = (sql: string) => s.page.evaluate((q) => (window as unknown as Hooks).__assay.rows(q), sql);
  const settled = () =>
    s.page.waitForFunction(() => {
      const status = document.querySelector('[data-testid=nb-cell][data-name=big] [data-testid=browse-status]');
      return status?.getAttribute('data-elapsed-ms') && !document.querySelector('[data-testid=nb-cell][data-name=big] td.loading');
    }, null, { timeout: 60_000 });

  test('histogram counts equal an independent count; a bar filters to exactly its rows; one summary statement', async () => {
    await s.page.setInputFiles('[data-testid=file-input]', { name: 'summaries.assay.md', mimeType: 'text/markdown', buffer: Buffer.from(NOTEBOOK) });
    await s.page.getByRole('button', { name: 'Run all' }).click();
    await waitForResults(s.page);
    const cell = s.page.locator('[data-testid=nb-cell][data-name=big]');
    const score = cell.getByTestId('summary-score');
    await score.waitFor({ timeout: 60_000 });
    const counts = (await score.locator('g[data-kind=bin]').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-count'))))).map(Number);
    expect(counts.length).toBe(20);
    // Independently: score is 0, 0.5, …, 499.5 (each 1,000 times); w = 499.5 / 20 = 24.975, and
    // no score but the maximum falls on an edge (k · 24.975 is a multiple of 0.5 only for k = 20).
    const independent = await rows(`SELECT least(19, CAST(floor(score / 24.975) AS INTEGER)) AS b, count(*) AS n FROM big GROUP BY b ORDER BY b`);
    expect(counts).toEqual(independent.map((r) => Number(r.n)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1_000_000);
    // Top values of the label: 'dent ' and 'dent' apart, NULL its own bar.
    const labelTitles = await cell.getByTestId('summary-label').locator('g title').allTextContents();
    expect(labelTitles.some((t) => t.startsWith('dent␣: 333,334'))).toBe(true);
    expect(labelTitles.some((t) => t.startsWith('dent: 333,333'))).toBe(true);
    expect(labelTitles.some((t) => t.startsWith('⟨null⟩: 333,333'))).toBe(true);
    expect(await cell.getByTestId('summary-seen').locator('g[data-kind=bin]').count()).toBe(20);

    // A bin's click: the filter box holds its range and the count is the bin's.
    const bin = score.locator('g[data-kind=bin]').nth(3);
    const range = (await bin.getAttribute('data-filter'))!;
    const [lo, hi] = range.split('..<') as [string, string];
    expect([Number(lo), Number(hi)]).toEqual([3 * (499.5 / 20), 4 * (499.5 / 20)]);
    const mark = (await queries()).length;
    await bin.click();
    await expect.poll(() => cell.getByTestId('browse-count').textContent(), { timeout: 30_000 }).toBe(counts[3]!.toLocaleString('en-US'));
    await settled();
    expect(await cell.getByTestId('filter-score').inputValue()).toBe(range);
    expect((await queries()).slice(mark).some((q) => q.startsWith(`SELECT count(*) AS n FROM "big" WHERE (CAST("score" AS DOUBLE) >= '${lo}'::DOUBLE AND CAST("score" AS DOUBLE) < '${hi}'::DOUBLE)`))).toBe(true);
    // The same bar again clears the filter.
    await bin.click();
    await expect.poll(() => cell.getByTestId('browse-status').count(), { timeout: 30_000 }).toBe(0);
    // The last bin is closed: it holds the maximum.
    const lastBin = score.locator('g[data-kind=bin]').nth(19);
    await lastBin.click();
    await expect.poll(() => cell.getByTestId('browse-count').textContent(), { timeout: 30_000 }).toBe(counts[19]!.toLocaleString('en-US'));
    await settled();
    // With a NULL label, ANDed: a third of the last bin's rows.
    const [{ n: expected }] = (await rows(`SELECT count(*) AS n FROM big WHERE label IS NULL AND score >= 19 * 24.975`)) as [{ n: unknown }];
    await cell.getByTestId('summary-label').locator('g[data-kind=null]').click();
    await expect.poll(() => cell.getByTestId('browse-count').textContent(), { timeout: 30_000 }).toBe(Number(expected).toLocaleString('en-US'));
    await settled();
    expect(await cell.getByTestId('filter-label').inputValue()).toBe('is null');
    // A timestamp bin: hourly bins over the seconds of 1M rows; the filter selects its count.
    await cell.getByTestId('browse-status').getByRole('button', { name: 'Clear' }).click();
    const seen = cell.getByTestId('summary-seen').locator('g[data-kind=bin]').nth(7);
    const seenCount = Number(await seen.getAttribute('data-count'));
    await seen.click();
    await expect.poll(() => cell.getByTestId('browse-count').textContent(), { timeout: 30_000 }).toBe(seenCount.toLocaleString('en-US'));
    await settled();

    // One summary statement for the table, whatever was clicked.
    const summaryStatements = (await queries()).filter((q) => SUMMARY.test(q));
    expect(summaryStatements.length).toBe(1);
    expect(summaryStatements[0]).toContain('FROM "big"');
    const ms = Number(await cell.getByTestId('result-table').getAttribute('data-summary-ms'));
    await cell.getByTestId('browse-status').getByRole('button', { name: 'Clear' }).click();

    // Neither width runs the table off its cell; screenshots for a look.
    for (const [w, h] of [[1440, 900], [1024, 768]] as const) {
      await s.page.setViewportSize({ width: w, height: h });
      await cell.scrollIntoViewIfNeeded();
      const [cellBox, tableBox] = [await cell.boundingBox(), await cell.getByTestId('result-table').boundingBox()];
      expect(tableBox!.x + tableBox!.width).toBeLessThanOrEqual(cellBox!.x + cellBox!.width + 0.5);
      expect(await s.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await s.page.screenshot({ path: `/tmp/column-summaries-${w}.png` });
    }
    console.log(`column summaries (1M rows, 4 columns, Chromium): the one statement took ${ms} ms`);
    expect(s.errors).toEqual([]);
  }, 180_000);
});
