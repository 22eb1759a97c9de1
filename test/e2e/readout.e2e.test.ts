import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { openApp, openExample, waitForResults, CHROMIUM, CHROMIUM_ARGS, type AppSession } from './harness';

/**
 * Readouts as a stakeholder gets them (issue 20): every example opens as a document with its
 * results and no editing control; it prints to A4 at the page's full width with every row of
 * every table up to the cap; a reload shows the kept results at once; the exported snapshot
 * opens with JavaScript disabled and the network blocked.
 */

/** A4 less the print margins of app.css (12 mm each side), in CSS px at 96 per inch. */
const PORTRAIT_PX = Math.floor(((210 - 24) / 25.4) * 96);
const LANDSCAPE_PX = Math.floor(((297 - 24) / 25.4) * 96);
/** Buttons a readout may show: navigation and the document's own exports. */
const READOUT_BUTTONS = ['← Notebooks', 'Edit', 'Export PDF', 'Export snapshot'];

const examples = [
  ['triage', 'Triage of vendor batch B'],
  ['spot-check', 'Reviewer spot check, 5 % per class'],
  ['drift', 'Drift between the baseline and vendor batch B'],
  ['labels', 'Label quality — annotators, model and raters'],
] as const;

/** Elements of the printed notebook wider than the printable width, in cells that print on pages of that width. */
function overflowing(page: Page, landscape: boolean): Promise<string[]> {
  return page.evaluate((landscape) => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement | SVGElement>('[data-testid=notebook] :is(table, svg, figure, img, .result, .plot, .cell, .prose-block, pre)')) {
      const block = el.closest('.cell, .prose-block');
      const wide = block ? getComputedStyle(block).getPropertyValue('page') === 'wide' : false;
      if (wide !== landscape) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      const spill = el instanceof HTMLElement ? el.scrollWidth - el.clientWidth : 0;
      if (r.right > width + 1 || r.left < -1 || spill > 1) out.push(`${block?.getAttribute('data-name') ?? 'prose'} ${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}: ${Math.round(r.width)} px (+${spill}) of ${width}`);
    }
    return out;
  }, landscape);
}

/** Each table's rows as the page draws them (cell texts), and how many the result table says it has. */
function tablesOnPage(page: Page): Promise<{ where: string; rows: string[][]; total: number | null }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=notebook] table')].map((t) => {
      const where = t.closest('[data-name]')?.getAttribute('data-name') ?? t.className;
      // A cell's text, its charts (sparklines) left out: they are drawn, not printed as text.
      const text = (td: Element) => {
        let out = '';
        const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const parent = n.parentElement!;
          if (!parent.closest('svg, style, figure') && parent.checkVisibility()) out += n.textContent;
        }
        return out;
      };
      const rows = [...t.querySelectorAll(':scope > tbody > tr:not(.spacer)')].map((tr) => [...tr.querySelectorAll(':scope > td')].map(text));
      const total = t.closest('[data-total]')?.getAttribute('data-total');
      return { where, rows, total: total ? Number(total) : null };
    }),
  );
}

const squash = (text: string) => text.replace(/\s+/g, '');

describe('readouts in Chromium', () => {
  let s: AppSession;
  const ranAt: Record<string, string> = {};
  const tmp = mkdtempSync(join(tmpdir(), 'assay-print-'));
  beforeAll(async () => {
    s = await openApp('/');
    await s.page.setViewportSize({ width: 1440, height: 900 });
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    await s.page.locator('[data-testid=example]').first().waitFor();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const [file, title] of examples) {
    test(`${file}: opens as a readout with its results and no editing control, and prints every table row at the page's width`, async () => {
      const page = s.page;
      await openExample(s, title, { edit: false });
      // Results without anyone pressing Run all.
      const statuses = await page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.map((c) => `${c.getAttribute('data-name')}: ${c.getAttribute('data-status')}`));
      expect(statuses.filter((x) => !x.endsWith(': ok'))).toEqual([]);
      expect(statuses.length).toBeGreaterThan(2);
      ranAt[file] = (await page.getByTestId('cover-ran-at').getAttribute('data-iso'))!;
      expect(ranAt[file]).toMatch(/^\d{4}-\d\d-\d\dT/);

      // The document only: no run, edit, source or dataset control anywhere on the page.
      const visible = (selector: string) => page.locator(selector).evaluateAll((xs) => xs.filter((x) => (x as HTMLElement).checkVisibility()).map((x) => (x.textContent ?? '').trim() || x.tagName));
      expect((await visible('button, [role=button]')).filter((b) => !READOUT_BUTTONS.includes(b))).toEqual([]);
      expect(await visible('textarea, input, select, [contenteditable=true]')).toEqual([]);
      expect(await page.locator('aside.sources').count()).toBe(0);
      // (The dataset panel's "Insert contract checks" and "Release a curated version…" went with it.)
      expect(await page.locator('.datasets, [data-testid=dataset]').count()).toBe(0);
      const provenance = page.getByTestId('provenance');
      expect(await provenance.textContent()).toMatch(/DuckDB v1\.4\.\d/);
      expect(await page.locator('[data-testid=provenance-source]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pin')))).not.toContain('differs');
      if (process.env.ASSAY_SCREENSHOTS) {
        mkdirSync('docs/readouts', { recursive: true });
        writeFileSync(`docs/readouts/${file}.png`, await page.locator('main').screenshot());
      }

      // Print: laid out at the printable width of a portrait A4 page, and of a landscape one for wide cells.
      await page.emulateMedia({ media: 'print' });
      try {
        await page.setViewportSize({ width: PORTRAIT_PX, height: 1000 });
        await page.waitForTimeout(200);
        expect(await overflowing(page, false)).toEqual([]);
        const used = await page.evaluate(() => Math.max(...[...document.querySelectorAll('[data-testid=notebook] > *')].map((e) => e.getBoundingClientRect().width)) / document.documentElement.clientWidth);
        expect(used).toBeGreaterThanOrEqual(0.8);
        await page.setViewportSize({ width: LANDSCAPE_PX, height: 1000 });
        await page.waitForTimeout(200);
        expect(await overflowing(page, true)).toEqual([]);

        const tables = await tablesOnPage(page);
        const pdfPath = join(tmp, `${file}.pdf`);
        await page.pdf({ path: pdfPath, preferCSSPageSize: true, printBackground: true });
        const text = squash(execFileSync('pdftotext', ['-raw', pdfPath, '-'], { encoding: 'utf8' }));
        // Every row of every table of up to 200 rows is in the PDF, cell after cell, row after row.
        let checked = 0;
        for (const t of tables) {
          if (t.total !== null) expect(t.rows.length, `${t.where}: rows drawn`).toBe(Math.min(t.total, 200));
          if (t.rows.length > 200 || (t.total ?? 0) > 200) {
            expect(text).toContain(squash(`and ${(t.total! - 200).toLocaleString('en-US')} more rows — see the export`));
            continue;
          }
          let at = 0;
          for (const [i, row] of t.rows.entries()) {
            for (const cell of row) {
              const value = squash(cell);
              if (!value) continue;
              const found = text.indexOf(value, at);
              expect(found, `${file} ${t.where} row ${i + 1}: "${cell}" not printed after offset ${at}`).toBeGreaterThanOrEqual(0);
              at = found + value.length;
              checked++;
            }
          }
        }
        expect(checked).toBeGreaterThan(20);
        if (process.env.ASSAY_SCREENSHOTS) {
          mkdirSync('docs/print', { recursive: true });
          execFileSync('pdftoppm', ['-f', '2', '-l', '2', '-r', '70', '-png', '-singlefile', pdfPath, `docs/print/${file}`]);
        }
      } finally {
        await page.emulateMedia({ media: 'screen' });
        await page.setViewportSize({ width: 1440, height: 900 });
      }
      await page.getByRole('button', { name: '← Notebooks' }).click();
    }, 150_000);
  }

  test('after a reload a readout shows the kept results at once, says when they ran and that the data still matches', async () => {
    expect(ranAt.triage).toBeDefined();
    await s.page.reload();
    await s.page.locator('[data-testid=example]').first().waitFor({ timeout: 30_000 });
    await s.page.locator('[data-testid=example]', { hasText: 'Triage of vendor batch B' }).click();
    // The kept results show before the engine has even read the sources again.
    await s.page.getByTestId('readout-cover').getByText('kept in this browser').waitFor({ timeout: 10_000 });
    expect(await s.page.getByTestId('cover-ran-at').getAttribute('data-iso')).toBe(ranAt.triage);
    await waitForResults(s.page);
    await expect.poll(() => s.page.getByTestId('freshness').getAttribute('data-state'), { timeout: 30_000 }).toBe('match');
    // Not run again: the results are the kept run's.
    expect(await s.page.getByTestId('cover-ran-at').getAttribute('data-iso')).toBe(ranAt.triage);
    expect(await s.page.locator('[data-testid=nb-cell][data-name=gates] [data-testid=checks-status]').textContent()).toBe('FAIL');
    await s.page.getByRole('button', { name: '← Notebooks' }).click();
  }, 90_000);

  test('the whole session over the four example notebooks asked nothing of any other origin', () => {
    expect(s.requests.length).toBeGreaterThan(20);
    const outside = s.requests.filter((u) => !u.startsWith(s.baseUrl) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(outside).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  test('the triage snapshot exported from the app opens without script or network and shows its charts and numbers', async () => {
    await openExample(s, 'Triage of vendor batch B', { edit: false });
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
