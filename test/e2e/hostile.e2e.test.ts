import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { openApp, type AppSession } from './harness';

/**
 * Hostile content: script payloads in a file name, column names, label values, the notebook
 * title, prose and links. Every one must render as text (or sanitised HTML); none may run.
 * Each payload, if it ran, would set window.__xss or open a dialog.
 */
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  '<svg onload="window.__xss=3"></svg>',
  '"><iframe srcdoc="<script>parent.__xss=4</script>">',
  '<a href="javascript:window.__xss=5">x</a>',
  '{{constructor.constructor("window.__xss=6")()}}',
  '<details open ontoggle="window.__xss=7">',
  "';window.__xss=8;'",
];

const csvField = (v: string) => `"${v.replaceAll('"', '""')}"`;

describe('hostile content in Chromium', () => {
  let s: AppSession;
  const dialogs: string[] = [];
  beforeAll(async () => {
    s = await openApp('/');
    s.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
  }, 60_000);
  afterAll(() => s?.close());

  test(`${PAYLOADS.length} payloads in a file name, column names, labels, title, prose and links render as text; none runs`, async () => {
    // Column names are payloads too; label and prediction hold every payload as a class.
    const header = [PAYLOADS[1]!, 'label', 'pred', PAYLOADS[0]!].map(csvField).join(',');
    const rows = PAYLOADS.flatMap((p, i) => [0, 1, 2].map((k) => [String(i * 3 + k), p, PAYLOADS[(i + k) % PAYLOADS.length]!, p].map(csvField).join(',')));
    const fileName = `batch ${PAYLOADS[0]}.csv`;
    await s.page.setInputFiles('[data-testid=file-input]', { name: fileName, mimeType: 'text/csv', buffer: Buffer.from([header, ...rows].join('\n') + '\n') });
    const source = s.page.locator('[data-testid=source]').filter({ hasText: 'batch' });
    await source.waitFor({ timeout: 30_000 });
    const name = (await source.getAttribute('data-name'))!;
    expect(await s.page.locator('[data-testid=source]').first().textContent()).toContain('batch <img');

    await s.page.getByTestId('new-notebook').click();
    await s.page.getByRole('button', { name: 'Source' }).click();
    // The notebook's own namespace holds only the sources its front matter names.
    const text = `---
title: ${JSON.stringify(PAYLOADS[0])}
sources:
  ${name}:
    path: ${JSON.stringify(fileName)}
---

# Findings ${PAYLOADS[1]} ${PAYLOADS[0]}

${PAYLOADS.slice(2).join('\n\n')} [a link](javascript:window.__xss=9)

\`\`\`sql q
SELECT * FROM ${name}
\`\`\`

\`\`\`profile p
source: ${name}
\`\`\`

\`\`\`confusion c
source: ${name}
reference: label
compared: pred
\`\`\`

\`\`\`chart ch
source: ${name}
x: label
y: count
fill: pred
\`\`\`

\`\`\`checks g
source: ${name}
rules:
  - in_set: label
    values: [ok]
\`\`\`
`;
    await s.page.getByTestId('source-editor').fill(text);
    await s.page.getByRole('button', { name: 'Cells' }).click();
    await s.page.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-status'))), { timeout: 30_000 }).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    // Show the failing rows and open the readout too: more places where labels are drawn.
    await s.page.locator('[data-testid=nb-cell][data-name=g]').getByRole('button', { name: 'Show failing rows' }).first().click();
    await s.page.getByTestId('readout-toggle').click();
    await s.page.waitForTimeout(500);

    // The payloads are there, as text.
    const shown = (await s.page.locator('main').textContent())!;
    for (const p of [PAYLOADS[0]!, PAYLOADS[2]!]) expect(shown).toContain(p);
    expect(await s.page.getByTestId('nb-title').textContent()).toBe(PAYLOADS[0]);
    // Nothing ran, nothing was injected as markup.
    expect(await s.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await s.page.locator('main iframe, main script, main img[src=x], main [onerror], main [onload], main [ontoggle]').count()).toBe(0);
    expect(await s.page.locator('main a[href^="javascript:"]').count()).toBe(0);

    // The snapshot of this run carries the payloads escaped, and no script.
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'Export snapshot' }).click()]);
    const html = readFileSync((await download.path())!, 'utf8');
    // No live markup from a payload: no script or iframe tag, no img, no event attribute in a tag.
    expect(html).not.toMatch(/<(script|iframe|img)[\s>]|<[^>]+\s(onerror|onload|ontoggle)=|href="javascript:/i);
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;');
    expect(s.errors.filter((e) => !/Content Security Policy|Refused/.test(e))).toEqual([]);
  });

  test('the page’s Content-Security-Policy: own origin only, no inline script, no eval', async () => {
    const csp = await s.page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    expect(csp).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'|\*|https?:/);
    expect(await s.page.locator('script:not([src])').count()).toBe(0);
  });
});
