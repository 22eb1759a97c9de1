import { describe, expect, test } from 'vitest';
import { renderSnapshot } from '../../../src/core/snapshot/renderSnapshot';
import { svgTrend, type TrendResult } from '../../../src/core/snapshot/svgChart';

const point = (index: number, value: number | null, extra: Partial<TrendResult['points'][number]> = {}) => ({
  metric: 'gates.taxonomy.failing_share',
  index,
  version: `v${index + 1}`,
  ran_at: '2026-12-01T10:00:00Z',
  current: false,
  notebook_changed: false,
  value,
  median: null,
  mad: null,
  z: null,
  status: 'short_window',
  flagged: false,
  beyond_threshold: false,
  ...extra,
});
const trend: TrendResult & Record<string, unknown> = {
  over: 'versions',
  runs: 3,
  flagged_count: 1,
  metrics: [{ metric: 'gates.taxonomy.failing_share', label: 'Off-taxonomy share', threshold: { min: null, max: 0.02 } }],
  points: [point(0, 0.013), point(1, 0.014, { notebook_changed: true }), point(2, 0.061, { current: true, flagged: true, beyond_threshold: true })],
};

describe('trend charts in snapshots', () => {
  test('one line chart per metric with its threshold and the flagged point', () => {
    const svg = svgTrend(trend);
    expect(svg.match(/<svg /g)).toHaveLength(1);
    expect(svg).toContain('<h4>Off-taxonomy share</h4>');
    expect(svg).toContain('threshold 0.02');
    expect(svg.match(/class="flagged"/g)).toHaveLength(1);
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg).toMatch(/v3: 0\.06 — flagged — beyond the threshold/);
    // Points of another notebook text are drawn hollow.
    expect(svg).toMatch(/fill="#fff"[^>]*><title>v2: 0\.01 — another notebook text/);
  });

  test('the snapshot of a notebook with a trend cell holds its chart and table, and no script', () => {
    const text = '---\ntitle: t\n---\n\n```trend t\nmetrics:\n  - gates.taxonomy.failing_share\nover: versions\n```\n';
    const html = renderSnapshot(text, { notebook: 't.assay.md', engine: { name: 'wasm-node', version: 'v1.4.3' }, sources: [], cells: [{ name: 't', kind: 'trend', status: 'ok', result: trend }] }, { app: 'test', ranAt: '2026-12-02T00:00:00Z' });
    expect(html).toContain('figure class="chart trend"');
    expect(html).toContain('3 versions · 1 flagged point');
    expect(html).toContain('flagged: gates.taxonomy.failing_share at v3');
    expect(html).not.toMatch(/<script/i);
  });

  test('a missing value breaks the line', () => {
    const gap = { ...trend, points: [point(0, 1), point(1, 2), point(2, null), point(3, 3), point(4, 4)] };
    expect(svgTrend(gap).match(/<polyline /g)).toHaveLength(2);
  });
});
