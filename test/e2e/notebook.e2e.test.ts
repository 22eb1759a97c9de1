import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp, type AppSession, openExample } from './harness';
import { referenceRows } from './referenceData';

/** Notebooks in the built app: autosave survives closing the page, revisions restore, pins are checked. */
describe('notebooks in Chromium', () => {
  let s: AppSession;

  beforeAll(async () => {
    s = await openApp('/');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    await s.page.locator('[data-testid=example]').first().waitFor();
  }, 60_000);
  afterAll(() => s?.close());

  test('an example opens from the start page and runs with its pinned data', async () => {
    await openExample(s, 'Drift between the baseline and vendor batch B');
    await expect.poll(() => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-status'))), { timeout: 30_000 }).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await s.page.locator('[data-testid=mismatch]').count()).toBe(0);
    // Drift where it was seeded (lighting, resolution, labels, cameras), none in confidence or severity.
    const verdicts = await s.page.locator('[data-testid=drift-column]').evaluateAll((rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-column'), r.getAttribute('data-drifted')])));
    expect(verdicts).toEqual({ width: 'true', height: 'true', lighting_lux: 'true', confidence: 'false', label: 'true', prediction: 'true', camera_id: 'true', severity_a: 'false' });
    const shares = s.page.locator('[data-testid=nb-cell][data-name=class_shares] tbody tr[data-row="3"] td');
    expect(await shares.allTextContents()).toEqual(['4', 'scratch', '0.1550', '0.2787', '0.1236']);
    await s.page.getByRole('button', { name: '← Notebooks' }).click();
  });

  test('clicking a heatmap cell drills down to exactly that many rows, which open as a SQL cell', async () => {
    await openExample(s, 'Label quality — annotators, model and raters');
    await expect
      .poll(() => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.every((c) => c.getAttribute('data-status') === 'ok')), { timeout: 30_000 })
      .toBe(true);
    const cell = s.page.locator('[data-testid=nb-cell][data-name=annotators]');
    // The heatmap is drawn by Plot after mount; crack confused with scratch 66 times (test/reference).
    const rect = cell.locator('rect[data-ref="crack"][data-cmp="scratch"]');
    await rect.waitFor({ timeout: 10_000 });
    expect(await rect.getAttribute('data-n')).toBe('66');
    await rect.click();
    await expect.poll(() => cell.getByTestId('drill-count').textContent(), { timeout: 10_000 }).toBe('66');
    // The drill-down table is virtualised: scroll to its end, where row 66 is the last.
    const table = cell.locator('[data-testid=drill] [data-testid=result-table]');
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await table.locator('tr[data-row="65"]').waitFor({ timeout: 5_000 });
    expect(await table.locator('tr[data-row="66"]').count()).toBe(0);
    // The same by keyboard: choose the classes, then Show rows.
    await cell.getByLabel('Reference class').selectOption('stain');
    await cell.getByLabel('Compared class').focus();
    await cell.getByLabel('Compared class').selectOption('ok');
    await cell.getByRole('button', { name: 'Show rows' }).press('Enter');
    await expect.poll(() => cell.getByTestId('drill-count').textContent(), { timeout: 10_000 }).toBe('47');
    // The rows become a view of a new SQL cell.
    await cell.getByRole('button', { name: 'Open as SQL cell' }).click();
    const rows = s.page.locator('[data-testid=nb-cell][data-name=annotators_rows_1]');
    await rows.waitFor();
    await rows.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => rows.getByTestId('row-count').textContent(), { timeout: 10_000 }).toBe('47');
    // Split by vendor batch: one heatmap per group, each over the same 9 classes (the 5 named,
    // then the 4 off-taxonomy labels the data holds).
    const model = s.page.locator('[data-testid=nb-cell][data-name=model]');
    expect(await model.locator('rect[data-group="baseline-2026-03"]').count()).toBe(81);
    expect(await model.locator('rect[data-group="vendorB-2026-10"]').count()).toBe(81);
    // Each facet names its group and shows its own accuracy and kappa, worked out here from the CSV
    // copies (sklearn gives 0.8591/0.7990 and 0.8439/0.7863 for the same rows).
    const facets = model.getByTestId('confusion-facet');
    for (const [i, group] of ['baseline-2026-03', 'vendorB-2026-10'].entries()) {
      const rows = [...referenceRows('defects_v1.csv'), ...referenceRows('defects_v2.csv')].filter((r) => r.vendor_batch === group && r.label !== '' && r.prediction !== '');
      const { accuracy, kappa } = cohenByHand(rows.map((r) => [r.label!, r.prediction!]));
      expect(await facets.nth(i).getByTestId('facet-accuracy').textContent()).toBe(accuracy.toFixed(3));
      expect(await facets.nth(i).getByTestId('facet-kappa').textContent()).toBe(kappa.toFixed(3));
    }
    // The axes carry the compared columns' names, the facets sit side by side at 1440 px, and a
    // clicked cell is outlined (only that one).
    expect(await model.locator('svg [aria-label="x-axis label"]').first().textContent()).toContain('prediction');
    expect(await model.locator('svg [aria-label="y-axis label"]').first().textContent()).toContain('label');
    await s.page.setViewportSize({ width: 1440, height: 900 });
    const [a, b] = await facets.evaluateAll((fs) => fs.map((f) => f.getBoundingClientRect().top));
    expect(b).toBe(a);
    expect(await model.getByTestId('confusion').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await model.locator('rect[data-group="vendorB-2026-10"][data-ref="scratch"][data-cmp="crack"]').click();
    await expect.poll(() => model.locator('rect[data-selected]').evaluateAll((rs) => rs.map((r) => `${r.getAttribute('data-group')} ${r.getAttribute('data-ref')}→${r.getAttribute('data-cmp')}`)), { timeout: 5_000 }).toEqual(['vendorB-2026-10 scratch→crack']);
    await expect.poll(() => model.getByTestId('drill-count').textContent(), { timeout: 10_000 }).toBe('143');
    expect(await s.page.locator('[data-testid=nb-cell][data-name=raters] [data-testid=alpha]').textContent()).toBe('0.660');
    await s.page.getByRole('button', { name: '← Notebooks' }).click();
  });

  test('typing is kept after the page is closed without saving, and an earlier revision restores', async () => {
    await s.page.goto(s.baseUrl + '/');
    await s.page.getByTestId('new-notebook').click();
    const input = s.page.locator('[data-testid=nb-cell][data-name=first] [data-testid=cell-input]');
    await input.click();
    await input.press('End');
    await input.pressSequentially(' + 1 AS typed_by_test');
    const typed = await input.innerText();
    expect(typed).toContain('typed_by_test');
    const url = s.page.url();
    expect(url).toMatch(/#nb=/);
    // Autosave is debounced to 300 ms; "within a second" is the promise.
    await s.page.waitForTimeout(1000);
    await s.page.close();

    s.page = await s.context.newPage();
    s.page.on('pageerror', (err) => s.errors.push(String(err)));
    await s.page.goto(url);
    const again = s.page.locator('[data-testid=nb-cell][data-name=first] [data-testid=cell-input]');
    await again.waitFor({ timeout: 30_000 });
    expect(await again.innerText()).toBe(typed);

    await s.page.getByTestId('more-menu').locator('summary').click();
    await s.page.getByRole('menuitem', { name: 'Revisions' }).click();
    await s.page.locator('[data-testid=revision]').nth(1).waitFor();
    expect(await s.page.locator('[data-testid=revision]').count()).toBe(2);
    await s.page.locator('[data-testid=restore]').first().click();
    await expect.poll(() => again.innerText()).toBe('SELECT 42 AS answer');
    // The restore itself is saved, and the text it replaced is kept as a revision.
    await s.page.waitForTimeout(800);
    await s.page.reload();
    await again.waitFor({ timeout: 30_000 });
    expect(await again.innerText()).toBe('SELECT 42 AS answer');
    await s.page.getByTestId('more-menu').locator('summary').click();
    await s.page.getByRole('menuitem', { name: 'Revisions' }).click();
    await expect.poll(() => s.page.locator('[data-testid=revision]').allTextContents()).toContainEqual(expect.stringMatching(/before restore/));
  });

  test('a fingerprint mismatch names the file, expected and actual; pinning clears it', async () => {
    await s.page.goto(s.baseUrl + '/');
    await s.page.getByTestId('new-notebook').waitFor({ timeout: 30_000 });
    await s.page.getByTestId('new-notebook').click();
    await s.page.getByRole('button', { name: 'Source' }).click();
    const wrong = 'f'.repeat(64);
    await s.page.getByTestId('source-editor').fill(
      `---\ntitle: Pins\nsources:\n  ratings:\n    path: ratings.csv\n    sha256: ${wrong}\n---\n\n<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>\n\n\`\`\`sql n\nSELECT count(*) AS n FROM ratings\n\`\`\`\n`,
    );
    await s.page.getByRole('button', { name: 'Cells' }).click();
    await s.page.setInputFiles('[data-testid=file-input]', new URL('../../sample-data/ratings.csv', import.meta.url).pathname);
    await s.page.locator('[data-testid=source][data-name=ratings]').waitFor({ timeout: 30_000 });
    await s.page.getByRole('button', { name: 'Run all' }).click();
    const banner = s.page.getByTestId('mismatch');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toMatch(/ratings \(ratings\.csv\): the data changed .* expected sha256 ffffffffffff…, found [0-9a-f]{12}…/);
    // Exploration is not blocked.
    await expect.poll(() => s.page.locator('[data-testid=nb-cell][data-name=n]').getAttribute('data-status')).toBe('ok');
    await s.page.getByTestId('more-menu').locator('summary').click();
    await s.page.getByRole('menuitem', { name: 'Pin current data' }).click();
    expect(await s.page.getByTestId('mismatch').count()).toBe(0);
    await s.page.getByRole('button', { name: 'Source' }).click();
    expect(await s.page.getByTestId('source-editor').inputValue()).not.toContain(wrong);
    // Raw HTML in prose is shown as text, never parsed as markup.
    await s.page.getByRole('button', { name: 'Cells' }).click();
    expect(await s.page.locator('.prose').first().textContent()).toContain('<img src=x onerror="window.__xss=1">');
    expect(await s.page.locator('.prose img, .prose script').count()).toBe(0);
    expect(await s.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(s.errors).toEqual([]);
  });

  test('a malformed notebook file opens with its problems listed by line', async () => {
    await s.page.goto(s.baseUrl + '/');
    await s.page.getByTestId('notebook-input').waitFor({ state: 'attached', timeout: 30_000 });
    await s.page.setInputFiles('[data-testid=notebook-input]', {
      name: 'broken.assay.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('---\ntitle: [oops\n---\n\n```sql a\nSELECT * FROM b\n```\n```sql b\nSELECT * FROM a\n```\n```profiel x\nk: v\n```\n'),
    });
    const problems = s.page.getByTestId('diagnostics');
    await problems.waitFor({ timeout: 10_000 });
    const text = await problems.textContent();
    expect(text).toMatch(/line 2: front matter/);
    expect(text).toMatch(/line 5: cells read each other in a cycle: a reads b, b reads a/);
    expect(text).toMatch(/line 11: unknown cell kind "profiel"/);
    expect(s.errors).toEqual([]);
  });
});

/** Accuracy and Cohen's kappa of (reference, compared) pairs, counted by hand. */
function cohenByHand(pairs: [string, string][]): { accuracy: number; kappa: number } {
  const n = pairs.length;
  const ref = new Map<string, number>();
  const cmp = new Map<string, number>();
  let agree = 0;
  for (const [r, c] of pairs) {
    ref.set(r, (ref.get(r) ?? 0) + 1);
    cmp.set(c, (cmp.get(c) ?? 0) + 1);
    if (r === c) agree++;
  }
  let expected = 0;
  for (const [label, count] of ref) expected += (count / n) * ((cmp.get(label) ?? 0) / n);
  const accuracy = agree / n;
  return { accuracy, kappa: (accuracy - expected) / (1 - expected) };
}
