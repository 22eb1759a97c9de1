import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { openApp, type AppSession, openExample } from './harness';
import { samplePath } from './referenceData';

/** Issue: open the sample manifest, see checksums verified, run the triage notebook, see a failing check and its rows. */
describe('datasets and quality gates in Chromium', () => {
  let s: AppSession;
  beforeAll(async () => {
    s = await openApp('/');
    await s.page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent?.includes('DuckDB v1.4'), null, { timeout: 30_000 });
  }, 60_000);
  afterAll(() => s?.close());

  test('a tampered file fails verification by name; the intact manifest verifies every file', async () => {
    const manifest = { name: 'defects.manifest.json', mimeType: 'application/json', buffer: readFileSync(samplePath('defects.manifest.json')) };
    const v1 = readFileSync(samplePath('defects_v1.parquet'));
    await s.page.setInputFiles('[data-testid=dataset-input]', [manifest, { name: 'defects_v1.parquet', mimeType: 'application/octet-stream', buffer: v1 }]);
    const dataset = s.page.locator('[data-testid=dataset][data-name=defects]');
    await expect.poll(() => dataset.locator('[data-testid=file-check]').count(), { timeout: 30_000 }).toBe(2);
    expect(await dataset.locator('[data-testid=file-check]').allTextContents()).toEqual(['✓ defects_v1.parquet: verified', '✗ defects_v2.parquet is missing']);

    await s.page.setInputFiles('[data-testid=dataset-input]', [samplePath('defects.manifest.json'), samplePath('defects_v1.parquet'), samplePath('defects_v2.parquet')]);
    await expect.poll(() => dataset.locator('[data-testid=file-check][data-status=ok]').count(), { timeout: 30_000 }).toBe(2);
    expect(await s.page.locator('[data-testid=source][data-name=defects_v2] [data-testid=source-rows]').textContent()).toBe('2,520');

    // A file whose bytes changed is caught by its checksum, and named.
    const tampered = Buffer.from(readFileSync(samplePath('defects_v1.parquet')));
    tampered[tampered.length - 20]! ^= 0xff;
    await s.page.setInputFiles('[data-testid=dataset-input]', [manifest, { name: 'defects_v1.parquet', mimeType: 'application/octet-stream', buffer: tampered }, { name: 'defects_v2.parquet', mimeType: 'application/octet-stream', buffer: readFileSync(samplePath('defects_v2.parquet')) }]);
    await expect
      .poll(() => s.page.locator('[data-testid=notice]').allTextContents(), { timeout: 30_000 })
      .toContainEqual(expect.stringMatching(/^defects\.manifest\.json: 1 of 2 files failed verification — defects_v1\.parquet: (checksum mismatch|not a readable Parquet|row group)/));
    // Put the good file back for what follows.
    await s.page.setInputFiles('[data-testid=dataset-input]', [samplePath('defects.manifest.json'), samplePath('defects_v1.parquet'), samplePath('defects_v2.parquet')]);
    await expect.poll(() => dataset.locator('[data-testid=file-check][data-status=ok]').count(), { timeout: 30_000 }).toBe(2);
  });

  test('the triage notebook shows failing gates and their rows; the contract inserts as checks', async () => {
    await openExample(s, 'Triage of vendor batch B');
    await expect
      .poll(() => s.page.locator('[data-testid=nb-cell]').evaluateAll((cs) => cs.filter((c) => c.getAttribute('data-status') !== 'ok').map((c) => `${c.getAttribute('data-name')}: ${c.getAttribute('data-status')} ${c.querySelector('[data-testid=cell-error]')?.textContent ?? ''}`)), { timeout: 30_000 })
      .toEqual([]);
    expect(await s.page.getByTestId('gate-status').textContent()).toMatch(/^\s*5 failing gates\s*$/);
    const gates = s.page.locator('[data-testid=nb-cell][data-name=gates]');
    expect(await gates.getByTestId('checks-status').textContent()).toBe('FAIL');
    const taxonomy = gates.locator('[data-testid=rule][data-rule=taxonomy]');
    expect(await taxonomy.getAttribute('data-passed')).toBe('false');
    await taxonomy.getByRole('button', { name: 'Show failing rows' }).click();
    await expect.poll(() => gates.getByTestId('drill-count').textContent(), { timeout: 10_000 }).toBe('36');
    // The profile flags the personal data column.
    expect(await s.page.locator('[data-testid=nb-cell][data-name=overview] [data-testid=alerts]').textContent()).toContain('annotator_email holds 711 e-mail addresses');

    await s.page.locator('[data-testid=dataset] .version', { hasText: 'defects_v2' }).getByRole('button', { name: 'Insert contract checks' }).click();
    const contract = s.page.locator('[data-testid=nb-cell][data-name=contract_v2_1]');
    await contract.waitFor();
    await contract.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => contract.getAttribute('data-status'), { timeout: 20_000 }).toBe('ok');
    expect(await contract.locator('[data-testid=rule][data-rule=label_allowed] td').nth(3).textContent()).toBe('36');
    expect(s.errors).toEqual([]);
  });

  test('releasing the curated cell writes Parquet and a manifest with checksum, rows and delta', async () => {
    const dataset = s.page.locator('[data-testid=dataset][data-name=defects]');
    await dataset.getByRole('button', { name: 'Release a curated version…' }).click();
    await dataset.getByLabel('Relation to release').fill('curated');
    await dataset.getByLabel('New version').fill('v3');
    await dataset.getByLabel('Parent version').selectOption('v2');
    const downloads: import('playwright-core').Download[] = [];
    s.page.on('download', (d) => downloads.push(d));
    await dataset.getByRole('button', { name: 'Release', exact: true }).click();
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(2);
    const byName = Object.fromEntries(await Promise.all(downloads.map(async (d) => [d.suggestedFilename(), readFileSync((await d.path())!)] as const)));
    const manifest = JSON.parse(byName['defects.manifest.json']!.toString('utf8'));
    const v3 = manifest.versions[2];
    const parquet = byName['defects_v3.parquet']!;
    const { createHash } = await import('node:crypto');
    expect(v3.files[0]).toEqual({ path: 'defects_v3.parquet', format: 'parquet', sha256: createHash('sha256').update(parquet).digest('hex'), bytes: parquet.length, rows: 2456 });
    // v2 has 2,500 distinct image ids: 44 hold only off-taxonomy or NULL labels (removed), the 20
    // repeated ids collapse to one row (changed), the rest are untouched; nothing is added.
    expect(v3.delta).toEqual({ parent: 'v2', key: 'image_id', added: 0, removed: 44, changed: 20, unchanged: 2436 });
    expect(await dataset.getByTestId('release-result').textContent()).toContain('2456 rows');
  });
});
