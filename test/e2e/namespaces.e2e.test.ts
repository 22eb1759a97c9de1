import { afterAll, describe, expect, test } from 'vitest';
import { openApp, type AppSession, openExample } from './harness';

/**
 * Each notebook is its own world (issue 18): the labels example, then drift, then labels again
 * in one page — no error banner, drift's numbers equal drift opened alone in a fresh browser,
 * labels' results unchanged after the round trip, and each sample file read once.
 */
const LABELS = 'Label quality — annotators, model and raters';
const DRIFT = 'Drift between the baseline and vendor batch B';

async function ready(s: AppSession) {
  await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
  await s.page.locator('[data-testid=example]').first().waitFor();
}

/** Run all and wait until every cell has an outcome; their statuses by name. */
async function runAll(s: AppSession): Promise<Record<string, string>> {
  await s.page.getByRole('button', { name: 'Run all' }).click();
  const statuses = () => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => Object.fromEntries(cs.map((c) => [c.getAttribute('data-name'), c.getAttribute('data-status')])));
  await expect.poll(async () => Object.values(await statuses()).every((x) => x === 'ok' || x === 'error'), { timeout: 60_000 }).toBe(true);
  return statuses();
}

/** What each cell shows (its text), by name: the numbers a user reads. */
function shown(s: AppSession): Promise<Record<string, string>> {
  return s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => Object.fromEntries(cs.map((c) => [c.getAttribute('data-name'), (c.querySelector('.cell-output, [data-testid=cell-output]') ?? c).textContent?.replace(/\d+(\.\d+)? ?(ms|s)\b/g, '') ?? ''])));
}

const ingests = (s: AppSession) => s.page.evaluate(() => (window as unknown as { __assay: { ingests(): number } }).__assay.ingests());
const errorNotices = (s: AppSession) => s.page.locator('[data-testid=notice]').evaluateAll((ns) => ns.filter((n) => n.className.includes('error')).map((n) => n.textContent));

describe('one namespace per notebook, in Chromium', () => {
  let alone: Record<string, string>;

  test('the reference: drift alone, in a browser of its own', async () => {
    const solo = await openApp('/');
    try {
      await ready(solo);
      await openExample(solo, DRIFT);
      expect(Object.values(await runAll(solo)).every((x) => x === 'ok')).toBe(true);
      alone = await shown(solo);
    } finally {
      await solo.close();
    }
  }, 120_000);

  let s: AppSession;
  afterAll(() => s?.close());

  test('labels, then drift, then labels again: no error, drift as when alone, labels unchanged, each file read once', async () => {
    s = await openApp('/');
    await ready(s);
    await openExample(s, LABELS);
    const labelStatus = await runAll(s);
    expect(Object.values(labelStatus).every((x) => x === 'ok'), JSON.stringify(labelStatus)).toBe(true);
    const labelsBefore = await shown(s);
    await s.page.getByRole('button', { name: '← Notebooks' }).click();

    await openExample(s, DRIFT);
    const driftStatus = await runAll(s);
    expect(Object.values(driftStatus).every((x) => x === 'ok'), JSON.stringify(driftStatus)).toBe(true);
    expect(await errorNotices(s)).toEqual([]);
    expect(await s.page.locator('[data-testid=missing-sources], [data-testid=source-error]').count()).toBe(0);
    await expect.poll(() => shown(s), { timeout: 20_000 }).toEqual(alone);
    // The Sources panel lists this notebook's sources, not the labels notebook's.
    expect((await s.page.locator('[data-testid=source]').evaluateAll((xs) => xs.map((x) => x.getAttribute('data-name')))).sort()).toEqual(['baseline', 'current']);
    await s.page.getByRole('button', { name: '← Notebooks' }).click();

    await openExample(s, LABELS);
    await expect.poll(() => shown(s), { timeout: 20_000 }).toEqual(labelsBefore);
    expect(Object.values(await s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-status')))).every((x) => x === 'ok')).toBe(true);
    // defects_v1, defects_v2, seeded_truth and ratings for labels; drift's manifest names the
    // same two defects files, which are not read again, and its third version's file
    // (defects_v3, verified with the manifest), read once.
    expect(await ingests(s)).toBe(5);
    expect(await errorNotices(s)).toEqual([]);
    await s.page.getByRole('button', { name: '← Notebooks' }).click();
  }, 180_000);

  test('a file opened into a notebook joins its front matter, pinned; a text file is refused by name', async () => {
    await s.page.getByTestId('new-notebook').click();
    await s.page.setInputFiles('[data-testid=file-input]', { name: 'extra batch.csv', mimeType: 'text/csv', buffer: Buffer.from('id,label\n1,ok\n2,dent\n') });
    await s.page.locator('[data-testid=source][data-name=extra_batch]').waitFor({ timeout: 30_000 });
    await s.page.getByRole('button', { name: 'Source' }).click();
    const text = await s.page.getByTestId('source-editor').inputValue();
    expect(text).toMatch(/sources:\n {2}extra_batch:\n {4}path: extra batch\.csv\n {4}sha256: [0-9a-f]{64}\n/);
    await s.page.getByRole('button', { name: 'Cells' }).click();

    await s.page.setInputFiles('[data-testid=file-input]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('a,b\n1,2\n') });
    await expect.poll(() => errorNotices(s), { timeout: 10_000 }).toContainEqual(expect.stringMatching(/notes\.txt: not opened — Assay reads Parquet/));
    expect(await s.page.locator('[data-testid=source][data-name=notes]').count()).toBe(0);
    await s.page.getByRole('button', { name: '← Notebooks' }).click();
  });

  test('a notebook whose source is not open: it says what it needs, runs what it can, and runs the rest once the file is given', async () => {
    const nb = `---
title: Needs a file
sources:
  late:
    path: data/late.csv
---

\`\`\`sql uses_it
SELECT count(*) AS n FROM late
\`\`\`

\`\`\`sql reads_that
SELECT n * 2 AS m FROM uses_it
\`\`\`

\`\`\`sql unrelated
SELECT 7 AS seven
\`\`\`
`;
    await s.page.setInputFiles('[data-testid=file-input]', { name: 'needs.assay.md', mimeType: 'text/markdown', buffer: Buffer.from(nb) });
    await s.page.getByTestId('missing-sources').waitFor({ timeout: 20_000 });
    expect(await s.page.getByTestId('missing-sources').textContent()).toContain('needs late.csv');
    await s.page.getByRole('button', { name: 'Run all' }).click();
    const statuses = () => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-status')));
    await expect.poll(statuses, { timeout: 20_000 }).toEqual(['waiting', 'waiting', 'ok']);
    expect(await s.page.locator('[data-testid=nb-cell][data-name=reads_that]').textContent()).toContain('waiting for source late');
    await s.page.setInputFiles('[data-testid=missing-input]', { name: 'late.csv', mimeType: 'text/csv', buffer: Buffer.from('x\n1\n2\n3\n') });
    await expect.poll(statuses, { timeout: 30_000 }).toEqual(['ok', 'ok', 'ok']);
    expect(await s.page.getByTestId('missing-sources').count()).toBe(0);
    expect(await s.page.locator('[data-testid=nb-cell][data-name=reads_that] td').allTextContents()).toContain('6');
  });
});
