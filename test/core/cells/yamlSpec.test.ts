import { expect, test } from 'vitest';
import { checksCell } from '../../../src/core/cells/checksCell';
import { parseNotebook } from '../../../src/core/notebook/parseNotebook';
import { serializeNotebook } from '../../../src/core/notebook/serializeNotebook';

test('a spec holding a NUL is refused at its line, never thrown on (found by the notebook fuzzer)', () => {
  const { spec, diagnostics } = checksCell.parse('source: batch\nrules:\n  - not_null: lighting_\u0000lux\n');
  expect(spec).toBeNull();
  expect(diagnostics).toEqual([{ line: 3, message: expect.stringContaining('NUL character') }]);
});

test('a fence whose info string starts with a tab is written back as it was (found by the notebook fuzzer)', () => {
  const text = '```\tsql resolutions\nSELECT 1\n```\n';
  const { notebook, diagnostics } = parseNotebook(text);
  expect(diagnostics).toEqual([]);
  expect(notebook.blocks[0]).toMatchObject({ type: 'cell', kind: 'sql', name: 'resolutions' });
  expect(serializeNotebook(notebook)).toBe(text);
});
