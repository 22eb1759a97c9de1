import { describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { NodeEngine } from '../../src/engine/node/NodeEngine';
import { runNotebookFile } from '../../src/cli/runNotebookFile';
import { jsonDifferences } from './compareResults';

const dir = fileURLToPath(new URL('../../notebooks/', import.meta.url));
const expectedDir = join(dir, 'expected');
const notebooks = readdirSync(dir).filter((f) => f.endsWith('.assay.md')).sort();

/**
 * Every example notebook runs headlessly and its results equal the checked-in expected
 * output. A missing expected file is written on a local run (review it, then commit it);
 * in CI a missing file is a failure.
 */
describe('example notebooks', () => {
  // One engine per notebook: a run seals its engine once the sources are open (see
  // src/engine/sandbox.ts), and a sealed engine reads no more CSV files.

  test('there are at least three', () => expect(notebooks.length).toBeGreaterThanOrEqual(3));

  for (const name of notebooks) {
    test(name, async () => {
      const engine = await NodeEngine.create();
      const { results, diagnostics } = await runNotebookFile(join(dir, name), engine).finally(() => engine.close());
      expect(diagnostics).toEqual([]);
      for (const s of results.sources) expect(s.matches, `${s.name} fingerprint`).toBe(true);
      for (const c of results.cells) expect(c.status, `${c.name}: ${c.error}`).toBe('ok');
      const actual = { sources: results.sources, cells: results.cells };
      const file = join(expectedDir, name.replace(/\.assay\.md$/, '.json'));
      if (!existsSync(file)) {
        if (process.env.CI) throw new Error(`${file} is missing; run the tests locally to write it, review it and commit it`);
        mkdirSync(expectedDir, { recursive: true });
        writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
        console.warn(`wrote ${file}: review it and commit it`);
        return;
      }
      expect(jsonDifferences(actual, JSON.parse(readFileSync(file, 'utf8')))).toEqual([]);
    });
  }
});
