import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { openApp } from './harness';

// A function, not a string: the page's CSP forbids evaluating strings.
const engineReady = () => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4');

/** Persistence faults: no IndexedDB at all (a locked-down private window), and a full one. */
describe('storage faults in Chromium', () => {
  test('without IndexedDB the app says so, and a notebook still runs and downloads', async () => {
    const s = await openApp('/', {
      initScript: `Object.defineProperty(window, 'indexedDB', { configurable: true, get() { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); } });`,
    });
    try {
      await s.page.waitForFunction(engineReady, null, { timeout: 30_000 });
      await expect.poll(() => s.page.locator('.error', { hasText: 'Browser storage is unavailable' }).count(), { timeout: 10_000 }).toBe(1);
      await s.page.getByTestId('new-notebook').click();
      await s.page.getByRole('button', { name: 'Source' }).click();
      await s.page.getByTestId('source-editor').fill('# Kept by download\n\n```sql one\nSELECT 41 + 1 AS answer\n```\n');
      await s.page.getByRole('button', { name: 'Cells' }).click();
      await s.page.getByRole('button', { name: 'Run all' }).click();
      await expect.poll(() => s.page.locator('[data-testid=nb-cell][data-name=one]').getAttribute('data-status'), { timeout: 20_000 }).toBe('ok');
      await s.page.getByTestId('more-menu').locator('summary').click();
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('menuitem', { name: 'Download' }).click()]);
      expect(readFileSync((await download.path())!, 'utf8')).toContain('SELECT 41 + 1 AS answer');
    } finally {
      await s.close();
    }
  }, 90_000);

  test('when the storage is full, the save failure is shown with the way out, and nothing typed is lost', async () => {
    // Writes succeed until the test sets window.__storageFull; then every put fails as a full disk does.
    const s = await openApp('/', {
      initScript: `(() => { const put = IDBObjectStore.prototype.put; IDBObjectStore.prototype.put = function (...args) { if (window.__storageFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); return put.apply(this, args); }; })();`,
    });
    try {
      await s.page.waitForFunction(engineReady, null, { timeout: 30_000 });
      await s.page.getByTestId('new-notebook').click();
      await s.page.getByRole('button', { name: 'Source' }).click();
      await s.page.evaluate(() => ((window as unknown as { __storageFull: boolean }).__storageFull = true));
      await s.page.getByTestId('source-editor').fill('# Typed while the disk is full\n\nEvery word of this must survive.\n');
      await expect.poll(() => s.page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('not saved');
      expect(await s.page.getByTestId('save-error').textContent()).toMatch(/Not saved in this browser: cannot save the notebook: .*quota.*browser storage is full; download the notebook to keep your work\. Use Download to keep your work\./);
      await s.page.getByTestId('more-menu').locator('summary').click();
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('menuitem', { name: 'Download' }).click()]);
      expect(readFileSync((await download.path())!, 'utf8')).toBe('# Typed while the disk is full\n\nEvery word of this must survive.\n');
      // Space again: the next edit saves.
      await s.page.evaluate(() => ((window as unknown as { __storageFull: boolean }).__storageFull = false));
      await s.page.getByTestId('source-editor').press('End');
      await s.page.getByTestId('source-editor').type('More.\n');
      await expect.poll(() => s.page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('saved');
    } finally {
      await s.close();
    }
  }, 90_000);
});
