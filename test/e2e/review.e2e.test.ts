import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { openApp, type AppSession, openExample, waitForResults } from './harness';
import { referenceRows } from './referenceData';

/**
 * Issue: a reviewer works through the spot-check queue by keyboard, the page is reloaded mid
 * queue, and every decision is still there with the queue resumed; the log exports and
 * imports back without duplicating anything.
 */
describe('the review queue in Chromium', () => {
  let s: AppSession;
  beforeAll(async () => {
    s = await openApp('/');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    await s.page.locator('[data-testid=example]').first().waitFor();
  }, 60_000);
  afterAll(() => s?.close());

  const review = () => s.page.locator('[data-testid=nb-cell][data-name=spot_review]');
  const runAll = async () => {
    await s.page.getByRole('button', { name: 'Run all' }).click();
    // Cells shown from the kept run are already ok: wait for this run to end, then check.
    await waitForResults(s.page);
    await expect.poll(() => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.every((c) => c.getAttribute('data-status') === 'ok')), { timeout: 30_000 }).toBe(true);
  };
  const key = () => review().getByTestId('review-key').textContent();

  test('decisions by keyboard are kept across a reload, and the queue resumes where it stopped', async () => {
    await openExample(s, 'Reviewer spot check, 5 % per class');
    // The checked-in log already holds 10 decisions, 3 of them rejections or relabels.
    expect(await review().getByTestId('review-progress').textContent()).toBe('10 of 152');
    expect(await review().getByTestId('review-reject-rate').textContent()).toBe('30.0 %');
    // The sample exports as CSV (the e-mail column masked), JSON Lines and Parquet.
    const spot = s.page.locator('[data-testid=nb-cell][data-name=spot]');
    const fetchExport = async (button: string) => {
      const [d] = await Promise.all([s.page.waitForEvent('download'), spot.getByRole('button', { name: button, exact: true }).click()]);
      return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
    };
    const csv = await fetchExport('CSV');
    const lines = csv.bytes.toString('utf8').trimEnd().split('\r\n');
    expect(csv.name).toBe('spot.csv');
    expect(lines).toHaveLength(153);
    const emailAt = lines[0]!.split(',').indexOf('annotator_email');
    expect(new Set(lines.slice(1).map((l) => l.split(',')[emailAt]))).toEqual(new Set(['•••', '']));
    expect((await fetchExport('JSON Lines')).bytes.toString('utf8').trim().split('\n')).toHaveLength(152);
    const parquet = await fetchExport('Parquet');
    expect([parquet.name, parquet.bytes.subarray(0, 4).toString(), parquet.bytes.subarray(-4).toString()]).toEqual(['spot.parquet', 'PAR1', 'PAR1']);

    // No name yet: the queue asks for one before the first record. A decision key pressed
    // now focuses the name field and says why; nothing is decided.
    const queue = review().getByTestId('review-queue');
    expect(await review().getByTestId('review-key').count()).toBe(0);
    await queue.focus();
    await queue.press('a');
    expect(await review().getByTestId('reviewer').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await review().getByTestId('reviewer-why').textContent()).toMatch(/^Your name first: every decision records who made it/);
    expect(await review().getByTestId('review-progress').textContent()).toBe('10 of 152');
    await review().getByTestId('reviewer').fill('e2e reviewer');
    await review().getByTestId('reviewer').press('Enter');
    // Enter gives the keys back to the queue, which now shows its first open record.
    await review().getByTestId('review-key').waitFor();
    expect(await queue.evaluate((el) => el === document.activeElement)).toBe(true);

    const seen: string[] = [];
    const next = async (press: () => Promise<void>) => {
      const before = (await key())!;
      seen.push(before);
      await press();
      await expect.poll(key, { timeout: 10_000 }).not.toBe(before);
    };
    await next(() => queue.press('a')); // accept
    await next(() => queue.press('r')); // reject
    await next(() => queue.press('4')); // relabel as scratch
    // A note, then reject: the note goes with the decision.
    const fourth = (await key())!;
    await queue.press('n');
    await review().getByTestId('review-note').fill('blurry, retake');
    await review().getByTestId('review-note').press('Enter');
    await next(() => queue.press('r'));
    // Undo takes back the rejection and shows that record again; accept it instead.
    await queue.press('u');
    await expect.poll(key, { timeout: 10_000 }).toBe(fourth);
    await next(() => queue.press('a'));
    const resumeAt = (await key())!;
    // Four records decided; the fourth was shown twice (before and after the undo).
    expect(new Set(seen).size).toBe(4);
    expect([seen[3], seen[4]]).toEqual([fourth, fourth]);
    await expect.poll(() => review().getByTestId('review-progress').textContent(), { timeout: 10_000 }).toBe('14 of 152');
    // 3 + 1 rejected + 1 relabelled of 14.
    await expect.poll(() => review().getByTestId('review-reject-rate').textContent(), { timeout: 10_000 }).toBe('35.7 %');

    // Reload mid-queue (the address names the notebook, so it reopens): nothing is lost and
    // the queue resumes at the next open record.
    await s.page.reload();
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    await review().waitFor();
    await runAll();
    expect(await review().getByTestId('review-progress').textContent()).toBe('14 of 152');
    expect(await review().getByTestId('review-reject-rate').textContent()).toBe('35.7 %');
    expect(await key()).toBe(resumeAt);
    expect(await review().getByTestId('reviewer').inputValue()).toBe('e2e reviewer');
    // The record's image shows once its folder is opened with the dataset (matched by name).
    expect(await review().getByTestId('review-noimage').textContent()).toContain('Open the image folder');
    const imagePath = (await review().locator('dt', { hasText: /^image_path$/ }).locator('xpath=following-sibling::dd[1]').textContent())!;
    expect(await review().getByTestId('review-noimage').locator('code').textContent()).toBe(imagePath);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await s.page.setInputFiles('[data-testid=dataset-input]', [
      { name: 'defects.manifest.json', mimeType: 'application/json', buffer: readFileSync('sample-data/defects.manifest.json') },
      { name: 'defects_v2.parquet', mimeType: 'application/octet-stream', buffer: readFileSync('sample-data/defects_v2.parquet') },
      { name: imagePath.split('/').pop()!, mimeType: 'image/png', buffer: png },
    ]);
    await s.page.locator('[data-testid=dataset][data-name=defects]').waitFor({ timeout: 30_000 });
    await queue.press('j');
    await queue.press('k');
    await expect.poll(() => review().getByTestId('review-image').count(), { timeout: 10_000 }).toBe(1);
    expect(await review().getByTestId('review-image').getAttribute('src')).toMatch(/^blob:/);
    expect(await review().getByTestId('review-image').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);

    // The decisions are the view checks gate on: the gate over the reject rate fails.
    const gate = s.page.locator('[data-testid=nb-cell][data-name=review_gate]');
    expect(await gate.getByTestId('checks-status').textContent()).toBe('FAIL');

    // The log exports (the file's 12 events and this session's 6) and imports back as nothing new.
    const [download] = await Promise.all([s.page.waitForEvent('download'), review().getByRole('button', { name: 'Export review log' }).click()]);
    const text = readFileSync((await download.path())!, 'utf8');
    const events = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(events).toHaveLength(18);
    const mine = events.filter((e) => e.reviewer === 'e2e reviewer');
    expect(mine.map((e) => e.action)).toEqual(['accept', 'reject', 'relabel', 'reject', 'undo', 'accept']);
    expect(mine[2].label).toBe('scratch');
    expect(mine[3]).toMatchObject({ key: fourth, note: 'blurry, retake' });
    expect(mine[4].undoes).toBe(mine[3].id);
    await review().getByTestId('review-import').setInputFiles({ name: 'spot_review.review.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(text) });
    await expect.poll(() => review().getByTestId('review-message').textContent(), { timeout: 10_000 }).toBe('spot_review.review.jsonl: 0 new decisions, 18 already here');
    expect(await review().getByTestId('review-progress').textContent()).toBe('14 of 152');
    expect(s.errors).toEqual([]);
  });

  test('the card sets the given label beside both annotators and the model; a label all of them contradict is marked', async () => {
    // Independently, from the CSV copy: a record is disputed when every opinion it has differs from its label.
    // A key may repeat (the seeded duplicate records): it has every one of its rows.
    const rows = new Map<string, Record<string, string>[]>();
    for (const r of referenceRows('defects_v2.csv')) rows.set(r.image_id!, [...(rows.get(r.image_id!) ?? []), r]);
    const isDisputed = (row: Record<string, string>) => {
      const opinions = ['annotator_a', 'annotator_b', 'prediction'].map((c) => row[c]!).filter((v) => v !== '');
      return { disputed: opinions.length > 0 && opinions.every((v) => v !== row.label), differing: opinions.filter((v) => v !== row.label).length };
    };
    if (!(await review().count())) await openExample(s, 'Reviewer spot check, 5 % per class');
    if (await review().getByTestId('reviewer-gate').count()) {
      await review().getByTestId('reviewer').fill('e2e reviewer');
      await review().getByTestId('reviewer').press('Enter');
    }
    const queue = review().getByTestId('review-queue');
    await queue.focus();
    const total = 152;
    const start = Number((await review().getByTestId('review-position').textContent())!.match(/^Record (\d+)/)![1]) - 1;
    let disputed = 0;
    const seen = new Set<string>();
    for (let i = 0; i < total; i++) {
      const key = (await review().getByTestId('review-key').textContent())!;
      seen.add(key);
      const candidates = rows.get(key)!.map(isDisputed);
      const shown = (await review().getByTestId('review-given').getAttribute('data-disputed')) === 'true';
      const match = candidates.find((c) => c.disputed === shown);
      expect(match, `${key}: disputed ${shown}, by hand ${candidates.map((c) => c.disputed)}`).toBeDefined();
      expect(await review().locator('[data-testid=review-opinions] tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-column')))).toEqual(['annotator_a', 'annotator_b', 'prediction']);
      if (shown) {
        disputed++;
        expect(await review().getByTestId('review-disputed').textContent()).toMatch(/^differs from (all \d other opinions|the other opinion)$/);
        // The differing opinions read in the alert colour.
        expect(await review().locator('[data-testid=review-opinions] tr.differs').count()).toBe(match!.differing);
      }
      await queue.press('j');
      // J moves one place on, also past a record whose key repeats (the sample's duplicate records).
      await expect.poll(() => review().getByTestId('review-position').textContent(), { timeout: 5_000 }).toBe(`Record ${((start + i + 1) % total) + 1} of ${total}`);
    }
    // Every key of the queue was shown (a repeated key once per record).
    expect(seen.size).toBe((await s.page.evaluate(() => (window as unknown as { __assay: { rows(sql: string): Promise<unknown[]> } }).__assay.rows('SELECT DISTINCT image_id FROM spot_review'))).length);
    // The seeded mislabels (sample-data/README.md) include labels no opinion shares.
    expect(disputed).toBeGreaterThan(0);
    // At 1024 px the card fits its cell and no value breaks inside a word.
    await s.page.setViewportSize({ width: 1024, height: 768 });
    await s.page.waitForTimeout(200);
    const spill = await review().getByTestId('review').evaluate((el) => {
      const right = el.getBoundingClientRect().right;
      return [el.scrollWidth - el.clientWidth, ...[...el.querySelectorAll('*')].filter((c) => c.getBoundingClientRect().right > right + 1).map((c) => `${c.tagName}.${c.className}: ${Math.round(c.getBoundingClientRect().right - right)} px`)];
    });
    expect(spill).toEqual([0]);
    const broken = await review().locator('dd, .opinions td, [data-testid=review-key]').evaluateAll((els) =>
      els.filter((el) => {
        // A value on more lines than it has words broke inside one (a list may break after its commas).
        const range = document.createRange();
        range.selectNodeContents(el);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
        const words = (el.textContent ?? '').trim().split(/[\s,]+/).length;
        return lines > words;
      }).map((el) => el.textContent),
    );
    expect(broken).toEqual([]);
    await s.page.setViewportSize({ width: 1280, height: 720 });
  }, 120_000);
});
