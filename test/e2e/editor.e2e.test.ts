import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator } from 'playwright-core';
import { openApp, type AppSession } from './harness';

/** The cell editor (CodeMirror 6) and cell operations in the built app. */
describe('cell editor in Chromium', () => {
  let s: AppSession;
  const cell = (name: string) => s.page.locator(`[data-testid=nb-cell][data-name=${name}]`);
  const editorOf = (name: string) => cell(name).locator('.cm-content');
  const names = () => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-name')));
  /** Replace an editor's text as a user would: select all, type (insertText is one input event). */
  async function setText(editor: Locator, text: string) {
    await editor.click();
    await s.page.keyboard.press('Control+A');
    await s.page.keyboard.insertText(text);
  }
  const textOf = (name: string) => editorOf(name).evaluate((el) => [...el.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n'));

  beforeAll(async () => {
    s = await openApp('/');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
    await s.page.getByTestId('new-notebook').click();
    const rows = ['image_id,label,camera_id,score', ...Array.from({ length: 40 }, (_, i) => `img_${i},${['crack', 'dent', 'ok'][i % 3]},cam${i % 4},${(i * 0.37).toFixed(2)}`)];
    await s.page.setInputFiles('[data-testid=file-input]', { name: 'batch.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') });
    await s.page.locator('[data-testid=source][data-name=batch]').waitFor({ timeout: 30_000 });
    await editorOf('first').waitFor({ timeout: 30_000 });
  }, 90_000);
  afterAll(() => s?.close());

  test('SQL: typing SELECT and three letters of a column offers the column', async () => {
    await setText(editorOf('first'), 'SELECT ');
    await s.page.keyboard.type('cam');
    const list = s.page.locator('.cm-tooltip-autocomplete');
    await expect.poll(() => list.textContent(), { timeout: 10_000 }).toContain('camera_id');
    await s.page.keyboard.press('Escape');
    // Highlighting: DuckDB keywords are marked up as keywords.
    expect(await editorOf('first').locator('span').filter({ hasText: /^SELECT$/ }).count()).toBeGreaterThan(0);
  });

  test('a new profile cell in a fresh notebook with one source runs as inserted', async () => {
    await s.page.getByRole('button', { name: '+ profile', exact: true }).click();
    await cell('profile_1').waitFor();
    await expect.poll(() => textOf('profile_1')).toBe('source: batch\nkey: image_id');
    await cell('profile_1').getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => cell('profile_1').getAttribute('data-status'), { timeout: 30_000 }).toBe('ok');
  });

  test('spec: key completion shows the key’s doc; a bad key is underlined on its line inside the cell', async () => {
    const editor = editorOf('profile_1');
    await editor.click();
    await s.page.keyboard.press('Control+End');
    await s.page.keyboard.press('Enter');
    await s.page.keyboard.type('bi');
    await expect.poll(() => s.page.locator('.cm-tooltip-autocomplete').textContent(), { timeout: 10_000 }).toContain('bins');
    await expect.poll(() => s.page.locator('.cm-completionInfo').textContent(), { timeout: 10_000 }).toContain('histogram bins');
    await s.page.keyboard.press('Escape');
    await s.page.keyboard.press('Control+A');
    await s.page.keyboard.insertText('source: batch\nkey: image_id\nrefrence: x');
    const problems = cell('profile_1').locator('[data-testid=cell-problems] li');
    await expect.poll(() => problems.first().textContent(), { timeout: 10_000 }).toMatch(/^line 3: unknown key "refrence"/);
    const underlined = cell('profile_1').locator('.cm-line').nth(2).locator('.cm-lintRange-error');
    await expect.poll(() => underlined.textContent(), { timeout: 10_000 }).toBe('refrence: x');
    expect(await cell('profile_1').locator('.cm-line').nth(0).locator('.cm-lintRange-error').count()).toBe(0);
    await setText(editor, 'source: batch\nkey: image_id');
  });

  test('a SQL error shows DuckDB’s message about the user’s SQL, never the CREATE VIEW, underlined at its place', async () => {
    await setText(editorOf('first'), 'SELECT label,\n  nope\nFROM batch');
    await s.page.keyboard.press('Shift+Enter');
    const error = cell('first').locator('[data-testid=cell-error]');
    await expect.poll(() => error.textContent(), { timeout: 20_000 }).toMatch(/Referenced column "nope" not found/);
    expect(await error.textContent()).not.toMatch(/CREATE OR REPLACE VIEW|DESCRIBE|query\(/);
    expect(await error.textContent()).toContain('LINE 2:   nope');
    await expect.poll(() => cell('first').locator('.cm-line').nth(1).locator('.cm-lintRange-error').textContent(), { timeout: 10_000 }).toBe('nope');
  });

  test('delete, then Undo or Ctrl+Z outside an editor, restores the cell’s text and place', async () => {
    await setText(editorOf('first'), 'SELECT label, count(*) AS n FROM batch GROUP BY label');
    const before = await names();
    const text = await textOf('first');
    await cell('first').getByRole('button', { name: 'Remove cell first' }).click();
    await expect.poll(names).toEqual(before.filter((n) => n !== 'first'));
    await s.page.getByTestId('undo-notice').waitFor();
    await s.page.locator('[data-testid=nb-title]').click();
    await s.page.keyboard.press('Control+Z');
    await expect.poll(names).toEqual(before);
    expect(await textOf('first')).toBe(text);
    // The notice's button does the same.
    await cell('profile_1').getByRole('button', { name: 'Remove cell profile_1' }).click();
    await s.page.getByTestId('undo-delete').click();
    await expect.poll(names).toEqual(before);
    expect(await textOf('profile_1')).toBe('source: batch\nkey: image_id');
  });

  test('insert between cells and moving keep the dependency order: a cell moved above what it reads still runs after it', async () => {
    // Insert a SQL cell between first and profile_1 with the kind picker.
    const firstIndex = (await names()).indexOf('first');
    await cell('first').locator('xpath=following-sibling::div[@data-testid="kind-picker"][1]').getByTestId('insert-cell').click();
    const menu = s.page.getByTestId('kind-menu');
    expect(await menu.locator('button[data-kind]').count()).toBeGreaterThanOrEqual(11);
    expect(await menu.locator('button[data-kind=label_issues]').textContent()).toContain('confident learning');
    await menu.locator('button[data-kind=sql]').click();
    await cell('sql_1').waitFor();
    expect((await names()).slice(firstIndex, firstIndex + 3)).toEqual(['first', 'sql_1', 'profile_1']);
    await setText(editorOf('sql_1'), 'SELECT sum(n) AS total FROM first');
    // Move sql_1 above first with Alt+↑: it reads first, so it still runs after it.
    await s.page.keyboard.press('Alt+ArrowUp');
    await expect.poll(names).toEqual(['sql_1', 'first', 'profile_1']);
    await s.page.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => cell('sql_1').getAttribute('data-status'), { timeout: 30_000 }).toBe('ok');
    expect(await cell('first').getAttribute('data-status')).toBe('ok');
    expect(await cell('sql_1').locator('[data-testid=result-table] tbody tr[data-row="0"] td').nth(1).textContent()).toBe('40');
    // The text moved with the cell, and Alt+↓ brings it back.
    expect(await textOf('sql_1')).toBe('SELECT sum(n) AS total FROM first');
    await editorOf('sql_1').click();
    await s.page.keyboard.press('Alt+ArrowDown');
    await expect.poll(names).toEqual(['first', 'sql_1', 'profile_1']);
    expect(await textOf('sql_1')).toBe('SELECT sum(n) AS total FROM first');
  });

  test('? shows the keyboard shortcuts', async () => {
    await s.page.locator('[data-testid=nb-title]').click();
    await s.page.keyboard.press('?');
    await expect.poll(() => s.page.getByTestId('shortcuts').textContent()).toContain('Alt+↑');
    await s.page.keyboard.press('Escape');
    expect(s.errors).toEqual([]);
  });
});
