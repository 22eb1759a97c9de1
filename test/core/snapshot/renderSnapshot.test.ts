import { expect, test } from 'vitest';
import { renderSnapshot } from '../../../src/core/snapshot/renderSnapshot';
import type { NotebookResults } from '../../../src/core/notebook/notebookResults';

test('hostile prose, labels and links come out as text; the snapshot has no script and forbids it', () => {
  const text = '---\ntitle: "<script>alert(1)</script>"\n---\n\n# Hi <img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) and [ok](https://example.org)\n\n```confusion cm\nsource: t\nreference: a\ncompared: b\n```\n\n```sql q\nSELECT 1\n```\n';
  const evil = '<img src=x onerror=alert(4)>';
  const results: NotebookResults = {
    notebook: 'evil.assay.md',
    engine: { name: 'wasm-node', version: 'v1.4.3' },
    sources: [{ name: '<b>src</b>', path: 'x.csv', sha256: 'a'.repeat(64), rows: 2, pinned_sha256: null, matches: null }],
    cells: [
      { name: 'cm', kind: 'confusion', status: 'ok', result: { classes: [evil, 'ok'], matrix: [[1, 0], [0, 1]], shown: [[1, 0], [0, 1]], accuracy: 1, kappa: 1, kappa_weights: 'none', excluded_null: 0, rows: 2, per_class: [{ class: evil, precision: 1, recall: 1, f1: 1, support: 1 }] } },
      { name: 'q', kind: 'sql', status: 'ok', result: { columns: [{ name: '<script>', type: 'VARCHAR' }], rows: 1, head: [{ '<script>': evil }] } },
    ],
  };
  const html = renderSnapshot(text, results, { app: 'Assay test', ranAt: '2026-11-21T00:00:00Z' });
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/href="javascript:/i);
  expect(html).toContain('href="https://example.org"');
  expect(html).toContain('&lt;img src=x onerror=alert(4)&gt;');
  expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  expect(html).toContain('&lt;b&gt;src&lt;/b&gt;');
});
