import { afterAll, describe, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/assay';
import { referenceRows } from '../e2e/referenceData';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'assay-suggest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

/** A project folder holding the sample data and its manifest. */
function project(): string {
  const dir = mkdtempSync(join(tmp, 'p-'));
  writeFileSync(join(dir, 'package.json'), '{}');
  mkdirSync(join(dir, 'data'));
  for (const f of ['defects_v1.parquet', 'defects_v2.parquet', 'defects_v1.csv', 'ratings.csv', 'defects.manifest.json']) copyFileSync(join(root, 'sample-data', f), join(dir, 'data', f));
  return dir;
}

/** The fenced checks cell in the output. */
const cellOf = (stdout: string) => /```checks suggested\n[\s\S]*?\n```\n/.exec(stdout)?.[0];

describe('assay suggest', () => {
  for (const [file, key] of [
    ['defects_v2.parquet', 'image_id'],
    ['defects_v1.csv', 'image_id'],
    ['ratings.csv', null],
  ] as const) {
    test(`${file}: the printed checks cell, run on the file it was made from, passes`, async () => {
      const dir = project();
      const r = await cli('suggest', join(dir, 'data', file), ...(key ? ['--key', key] : []));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const cell = cellOf(r.stdout);
      expect(cell).toBeDefined();
      // One file, nothing to backtest on: the output is the cell alone.
      expect(r.stdout).toBe(cell);
      const name = file.replace(/\.(parquet|csv)$/, '').replace(/[^a-z0-9]+/g, '_');
      expect(cell).toMatch(new RegExp(`^\`\`\`checks suggested\\nsource: ${name}\\n`));
      writeFileSync(join(dir, 'nb.assay.md'), `---\nsources:\n  ${name}: data/${file}\n---\n\n${cell}`);
      const check = await cli('check', join(dir, 'nb.assay.md'));
      expect(check.stderr).toBe('');
      expect(check.code).toBe(0);
      const gates = check.stdout.split('\n').filter((l) => l.startsWith('suggested.'));
      expect(gates.length).toBe((cell!.match(/# why:/g) ?? []).length);
      expect(gates.every((l) => /\spass(\s|$)/.test(l))).toBe(true);
    }, 120_000);
  }

  test('a notebook source from a manifest is backtested on the other version, with contract contradictions', async () => {
    const dir = project();
    writeFileSync(join(dir, 'nb.assay.md'), '---\nsources:\n  batch:\n    manifest: data/defects.manifest.json\n    version: v1\n---\n');
    const r = await cli('suggest', `${join(dir, 'nb.assay.md')}:batch`, '--key', 'image_id');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| rule \| batch \(v1\), 3008 rows \| batch \(v2\), 2520 rows \| contract \|$/m);
    // Every v2 row is from vendor B, so v1's single vendor_batch value fails on all of them.
    const v2 = referenceRows('defects_v2.csv');
    expect(r.stdout).toContain(`| vendor_batch_in_set | 0 | ✗ ${v2.length} |  |`);
    const lux = v2.filter((x) => x.lighting_lux !== '' && (Number(x.lighting_lux) < 240 || Number(x.lighting_lux) > 810)).length;
    expect(r.stdout).toMatch(new RegExp(`^\\| lighting_lux_range \\| 0 \\| ✗ ${lux} \\| allows 240, below the contract's min 300`, 'm'));
    expect(r.stdout).toContain("| height_in_set | 0 | ✗ ");
    // The cell carries the contradiction too.
    expect(cellOf(r.stdout)).toContain("# contradicts the contract: allows 768, outside the contract's 1024");
  }, 120_000);

  test('native DuckDB prints the same cell and backtest as DuckDB-WASM', async () => {
    const dir = project();
    const args = ['suggest', join(dir, 'data', 'defects_v1.parquet'), '--key', 'image_id', '--against', join(dir, 'data', 'defects_v2.parquet')];
    const wasm = await cli(...args);
    const native = await cli(...args, '--engine', 'native');
    expect(native.code).toBe(0);
    expect(native.stdout).toBe(wasm.stdout);
    expect(wasm.stdout).toContain('| vendor_batch_in_set | 0 | ✗ 2520 |');
  }, 120_000);

  test('--against backtests a file on others of the same shape; options are checked', async () => {
    const dir = project();
    const r = await cli('suggest', join(dir, 'data', 'defects_v1.parquet'), '--against', join(dir, 'data', 'defects_v2.parquet'), '--in-set-max', '3', '--margin', '0', '--row-band', '0.1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| rule \| defects_v1\.parquet, 3008 rows \| defects_v2\.parquet, 2520 rows \|$/m);
    // ±10 %: 2707…3309, so v2's 2520 rows fail.
    expect(r.stdout).toContain('| row_count | 3008 rows | ✗ 2520 rows |');
    expect(cellOf(r.stdout)).toContain('min: 2707\n    max: 3309');
    // label has 9 values: more than 3, so no in_set for it.
    expect(cellOf(r.stdout)).not.toContain('in_set: label');
    const bad = await cli('suggest', join(dir, 'data', 'defects_v1.parquet'), '--margin', 'wide');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--margin takes a number of 0 or more/);
    const missing = await cli('suggest', `${join(dir, 'nb.assay.md')}:batch`);
    expect(missing.code).toBe(2);
  }, 120_000);
});
