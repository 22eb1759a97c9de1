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

test('charts become static SVG from the aggregated rows: one rect per bar segment, hostile labels as text', async () => {
  const { svgChart, niceTicks } = await import('../../../src/core/snapshot/svgChart');
  // d3-style ticks, worked by hand: steps of 1, 2 or 5 × 10^k.
  expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
  expect(niceTicks(0, 37)).toEqual([0, 10, 20, 30]);
  expect(niceTicks(448.9, 915.3)).toEqual([500, 600, 700, 800, 900]);
  const evil = '<script>alert(1)</script>';
  const bars = svgChart({ mark: 'bar', title: 'T', x: 'label', x_kind: 'categorical', y: 'count', value: null, fill: 'cam', facet: null, scheme: null, rows: [{ x: 'a', fill: 'c1', y: 3 }, { x: 'a', fill: 'c2', y: 2 }, { x: evil, fill: 'c1', y: 5 }, { x: null, fill: 'c2', y: 1 }] });
  expect(bars.match(/<rect /g)).toHaveLength(4);
  expect(bars).not.toContain('<script>');
  expect(bars).toContain('&lt;script&gt;');
  expect(bars).toContain('>NULL<');
  // Stacked: a's two segments reach 5, the tallest stack, as does the evil bar: both tops at the same height.
  const tops = [...bars.matchAll(/<rect x="[\d.]+" y="([\d.]+)"/g)].map((m) => Number(m[1]));
  expect(tops[1]).toBeCloseTo(tops[2]!, 5);
  const facets = svgChart({ mark: 'histogram', title: null, x: 'lux', x_kind: 'numeric', y: 'count', value: 'count', fill: null, facet: 'batch', scheme: null, rows: [{ x1: 0, x2: 5, y: 2, facet: 'A' }, { x1: 5, x2: 10, y: 4, facet: 'A' }, { x1: 0, x2: 5, y: 1, facet: 'B' }] });
  expect(facets.match(/<svg /g)).toHaveLength(2);
  expect(facets).toContain('batch = A');
});

test('a label_issues cell: the calibrated joint shaded off the diagonal only, noise rates per class, the first flagged records as text', () => {
  const evil = '<img src=x onerror=alert(5)>';
  const text = '```label_issues li\nsource: t\nkey: k\nlabel: y\nprobabilities: {a: pa, b: pb}\n```\n';
  const results: NotebookResults = {
    notebook: 'li.assay.md',
    engine: { name: 'wasm-node', version: 'v1.4.3' },
    sources: [],
    cells: [
      {
        name: 'li',
        kind: 'label_issues',
        status: 'ok',
        result: {
          classes: ['a', evil],
          method: 'prune_by_noise_rate',
          rank_by: 'self_confidence',
          rows: 10,
          flagged: 2,
          flagged_share: 0.2,
          noise_rate: 0.2,
          confident_joint: [[5, 1], [1, 3]],
          per_class: [
            { class: 'a', given: 6, threshold: 0.7, noise_rate: 1 / 6, flagged: 1, flagged_share: 1 / 6 },
            { class: evil, given: 4, threshold: 0.6, noise_rate: 0.25, flagged: 1, flagged_share: 0.25 },
          ],
          top_flagged: [{ rank: 1, key: evil, given: 'a', suggested: evil, label_quality: 0.1 }],
        },
      },
    ],
  };
  const html = renderSnapshot(text, results, { app: 'Assay test', ranAt: '2026-12-02T00:00:00Z' });
  expect(html).not.toMatch(/<img/i);
  expect(html).toContain('2 of 10 records flagged (20.0 %) · estimated noise rate 20.00 %');
  expect(html).toContain('given ↓ / suggested →');
  // The diagonal (5 and 3) is unshaded; both off-diagonal cells (1) are at full strength.
  expect(html).toContain('<td style="background: rgba(37, 99, 235, 0.000); color: #1d2329">5</td>');
  expect(html.match(/rgba\(37, 99, 235, 1\.000\); color: #fff">1</g)).toHaveLength(2);
  expect(html).toContain('<td>25.00 %</td>');
  expect(html).toContain('&lt;img src=x onerror=alert(5)&gt;');
});

test('a cell marked `hide` is left out of the snapshot; the cells that read it are not', () => {
  const text = '# Hidden steps\n\n```sql step hide\nSELECT 1 AS one\n```\n\n```sql shown\nSELECT one FROM step\n```\n';
  const results: NotebookResults = {
    notebook: 'hide.assay.md',
    engine: { name: 'wasm-node', version: 'v1.4.3' },
    sources: [],
    cells: [
      { name: 'step', kind: 'sql', status: 'ok', result: { columns: [{ name: 'one', type: 'INTEGER' }], rows: 1, head: [{ one: 'from-the-hidden-step' }] } },
      { name: 'shown', kind: 'sql', status: 'ok', result: { columns: [{ name: 'one', type: 'INTEGER' }], rows: 1, head: [{ one: 'from-the-shown-cell' }] } },
    ],
  };
  const html = renderSnapshot(text, results, { app: 'Assay test', ranAt: '2026-12-02T00:00:00Z' });
  const body = html.slice(0, html.indexOf('<footer>'));
  expect(body).not.toContain('data-cell="step"');
  expect(body).not.toContain('from-the-hidden-step');
  expect(body).toContain('data-cell="shown"');
  expect(body).toContain('from-the-shown-cell');
});
