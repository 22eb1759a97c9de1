import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { openApp, type AppSession } from './harness';
import { referenceRows, samplePath } from './referenceData';

/**
 * The built app in headless Debian Chromium: open a sample Parquet file through the real
 * file input, run a SQL cell by keyboard, check the numbers against the data, and make sure
 * nothing leaves localhost. Needs `vite build` first (npm test does it).
 */
describe('app in Chromium', () => {
  let s: AppSession;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    s = await openApp('/');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    timings.pageToEngineReadyMs = Date.now() - t0;
    timings.duckdbStartMs = Number((await s.page.textContent('[data-testid=engine-status]'))!.match(/started in ([\d.]+) (ms|s)/)!.slice(1).reduce((v, u) => (u === 's' ? Number(v) * 1000 : Number(v)) as never));
  }, 60_000);

  afterAll(async () => {
    console.log('[e2e timings]', JSON.stringify(timings));
    await s?.close();
  });

  test('opens a Parquet file through the file input and shows its rows and fingerprint', async () => {
    const reference = referenceRows();
    const t0 = Date.now();
    await s.page.setInputFiles('[data-testid=file-input]', samplePath('defects_v1.parquet'));
    const source = s.page.locator('[data-testid=source][data-name=defects_v1]');
    await source.waitFor({ timeout: 30_000 });
    timings.openSampleParquetMs = Date.now() - t0;
    expect((await source.locator('[data-testid=source-rows]').textContent())!.replace(/,/g, '')).toBe(String(reference.length));
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(readFileSync(samplePath('defects_v1.parquet'))).digest('hex');
    expect(await source.locator('[data-testid=source-sha]').textContent()).toBe(sha);
  });

  test('runs a SQL cell with Shift+Enter and shows numbers that match the data', async () => {
    const reference = referenceRows();
    const cell = s.page.locator('[data-testid=sql-cell]').first();
    const input = cell.locator('[data-testid=sql-input]');
    await input.fill('');
    await input.pressSequentially(
      "SELECT count(*) FILTER (WHERE camera_id IS NULL) AS missing_camera, count(DISTINCT image_id) AS ids, count(*) FILTER (WHERE label = 'crack') AS cracks FROM defects_v1",
    );
    await input.press('Shift+Enter');
    await cell.locator('[data-testid=row-count]').waitFor({ timeout: 30_000 });
    expect(await cell.locator('[data-testid=row-count]').textContent()).toBe('1');
    const cells = await cell.locator('[data-testid=result-table] tbody tr[data-row="0"] td').allTextContents();
    // Counts are shown with thousands separators.
    expect(cells.slice(1).map((x) => Number(x.replace(/,/g, '')))).toEqual([
      reference.filter((r) => r.camera_id === '').length,
      new Set(reference.map((r) => r.image_id)).size,
      reference.filter((r) => r.label === 'crack').length,
    ]);
    expect(await cell.locator('[data-testid=cell-status]').textContent()).toMatch(/\d+ ms|\d+\.\d+ s/);
  });

  test('a big result is virtualised: 200,000 rows counted, only a window drawn', async () => {
    const cell = s.page.locator('[data-testid=sql-cell]').first();
    const input = cell.locator('[data-testid=sql-input]');
    await input.fill('SELECT range AS i, range * 2 AS twice FROM range(200000)');
    await input.press('Shift+Enter');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=row-count]')?.textContent === '200,000', null, { timeout: 30_000 });
    const drawn = await cell.locator('[data-testid=result-table] tbody tr[data-row]').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(100);
    await cell.locator('[data-testid=result-table]').evaluate((el) => (el.scrollTop = 26 * 150_000));
    await s.page.waitForSelector('[data-testid=result-table] tr[data-row="150000"]', { timeout: 5_000 });
    const row = await cell.locator('[data-testid=result-table] tr[data-row="150000"] td').allTextContents();
    expect(row).toEqual(['150001', '150,000', '300,000']);
  });

  test('a SQL error is shown in the cell and the next query works', async () => {
    const cell = s.page.locator('[data-testid=sql-cell]').first();
    const input = cell.locator('[data-testid=sql-input]');
    await input.fill('SELECT nope FROM defects_v1');
    await input.press('Shift+Enter');
    await expect.poll(() => cell.locator('[data-testid=cell-error]').textContent(), { timeout: 10_000 }).toMatch(/nope/);
    await input.fill('SELECT 1 AS ok');
    await input.press('Shift+Enter');
    await cell.locator('[data-testid=row-count]').waitFor({ timeout: 10_000 });
  });

  test('bad files each get a message naming the file; the app keeps working', async () => {
    const parquet = readFileSync(samplePath('defects_v1.parquet'));
    const bad = [
      { name: 'corrupt.parquet', mimeType: 'application/octet-stream', buffer: Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(300, 7), Buffer.from('PAR1')]) },
      { name: 'truncated.parquet', mimeType: 'application/octet-stream', buffer: parquet.subarray(0, Math.floor(parquet.length / 2)) },
      { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) },
      { name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,3\n4,5\n6,7,8\n') },
    ];
    await s.page.setInputFiles('[data-testid=file-input]', bad);
    await expect.poll(() => s.page.locator('[data-testid=notice]').count(), { timeout: 30_000 }).toBe(bad.length);
    const notices = await s.page.locator('[data-testid=notice]').allTextContents();
    for (const file of bad) expect(notices.some((n) => n.startsWith(file.name + ':'))).toBe(true);
    expect(notices.find((n) => n.startsWith('ragged.csv'))).toMatch(/line 3 has 2 fields/);
    expect(notices.find((n) => n.startsWith('empty.csv'))).toMatch(/empty/);
    // The earlier source and the engine are untouched.
    const cell = s.page.locator('[data-testid=sql-cell]').first();
    const input = cell.locator('[data-testid=sql-input]');
    await input.fill('SELECT count(*) AS n FROM defects_v1');
    await input.press('Shift+Enter');
    await expect.poll(async () => cell.locator('[data-testid=result-table] tbody tr[data-row="0"] td').nth(1).textContent(), { timeout: 10_000 }).toBe(referenceRows().length.toLocaleString('en-US'));
    expect(await s.page.locator('[data-testid=source][data-name=defects_v1]').count()).toBe(1);
  });

  test('a file dropped on the page opens', async () => {
    const bytes = [...readFileSync(samplePath('ratings.csv'))];
    await s.page.evaluate((data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], 'ratings.csv', { type: 'text/csv' }));
      window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);
    const source = s.page.locator('[data-testid=source][data-name=ratings]');
    await source.waitFor({ timeout: 30_000 });
    expect(await source.locator('[data-testid=source-rows]').textContent()).toBe(String(referenceRows('ratings.csv').length));
  });

  test('a large Parquet load shows progress and can be cancelled from its progress bar', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const parquet = await import('parquet-wasm');
    const { makeParquet } = await import('../engine/makeParquet');
    const file = join(mkdtempSync(join(tmpdir(), 'assay-big-')), 'big_batch.parquet');
    writeFileSync(file, makeParquet(parquet, 3_000_000, 20_000));
    await s.page.setInputFiles('[data-testid=file-input]', file);
    const load = s.page.locator('[data-testid=load]');
    await load.waitFor({ timeout: 10_000 });
    await expect.poll(() => load.textContent(), { timeout: 10_000 }).toMatch(/3,000,000 rows/);
    await load.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => s.page.locator('[data-testid=notice]').allTextContents(), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/^big_batch\.parquet: .*cancelled/));
    expect(await s.page.locator('[data-testid=source][data-name=big_batch]').count()).toBe(0);
    expect(await load.count()).toBe(0);
  });

  test('no request left localhost and the page logged no errors', async () => {
    expect(s.requests.length).toBeGreaterThan(5);
    const outside = s.requests.filter((u) => !u.startsWith(s.baseUrl) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(outside).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});
