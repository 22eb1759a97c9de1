import { hiddenInDocuments } from '../notebook/cellOptions';
import { labelText, NULL_LABEL } from '../format/displayLabel';
import { columnDecimals, exactNumberText, formatFixed } from '../format/numberFormat';
import { escapeHtml, renderMarkdown } from '../markdown';
import { parseNotebook } from '../notebook/parseNotebook';
import type { NotebookResults } from '../notebook/notebookResults';
import { svgChart, svgTrend, trendPointLabel, type ChartResult, type TrendResult } from './svgChart';
import { svgDriftSpark, DRIFT_COLORS, type DriftSparkInput } from './svgDriftSpark';
import { DRIFT_TEST_NAMES, type DriftTest } from '../cells/driftCell';

/** Where a snapshot came from, printed in its footer. */
export interface Provenance {
  app: string;
  /** ISO time of the run. */
  ranAt: string;
  params?: Record<string, unknown>;
  /** True when the notebook's SQL ran unsealed (`--unsafe`); the snapshot says so. */
  unsafe?: boolean;
}

type Result = Record<string, unknown>;
const e = escapeHtml;

/** A number for reading: integers with separators, small and large values in exponent form. */
function num(x: unknown, digits = 3): string {
  if (x === null || x === undefined) return '—';
  if (typeof x !== 'number') return e(String(x));
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e7)) return x.toExponential(2);
  return x.toFixed(digits);
}

function table(header: string[], rows: unknown[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${header.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' ? num(c) : c === null || c === undefined ? '' : e(labelText(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A heat-shaded HTML table for a matrix (readable without script or SVG). */
function heatmap(classes: string[], matrix: number[][], shown: number[][], corner = 'reference ↓ / compared →'): string {
  const max = Math.max(1e-12, ...shown.flat());
  const cells = classes
    .map((ref, i) => {
      const tds = classes
        .map((_, j) => {
          const v = shown[i]![j]!;
          const alpha = Math.min(1, v / max);
          const color = alpha > 0.55 ? '#fff' : '#1d2329';
          return `<td style="background: rgba(37, 99, 235, ${alpha.toFixed(3)}); color: ${color}">${num(matrix[i]![j]!)}</td>`;
        })
        .join('');
      return `<tr><th>${e(ref)}</th>${tds}</tr>`;
    })
    .join('');
  return `<table class="heat"><thead><tr><th>${e(corner)}</th>${classes.map((c) => `<th>${e(c)}</th>`).join('')}</tr></thead><tbody>${cells}</tbody></table>`;
}

/** Aggregates of one cell as HTML, by kind. Raw rows appear only as a SQL cell's first rows. */
function renderCell(kind: string, r: Result): string {
  switch (kind) {
    case 'sql': {
      const head = (r.head as Record<string, unknown>[]) ?? [];
      const cols = ((r.columns as { name: string }[]) ?? []).map((c) => c.name);
      // Numbers as the app's result table shows them: one number of decimals per column.
      const decimals = cols.map((c) => columnDecimals(head.flatMap((row) => (typeof row[c] === 'number' ? [exactNumberText(row[c] as number)] : []))));
      const shown = (row: Record<string, unknown>, c: string, i: number) => (row[c] === null ? NULL_LABEL : typeof row[c] === 'number' ? formatFixed(row[c] as number, decimals[i]!) : row[c]);
      // A query's rows can be wider than the page: they scroll inside the card (and print whole).
      return `<p class="meta">${num(r.rows)} rows${head.length < Number(r.rows) ? ` (first ${head.length} shown)` : ''}</p><div class="scroll">${table(cols, head.map((row) => cols.map((c, i) => shown(row, c, i))))}</div>`;
    }
    case 'profile': {
      const cols = (r.columns as Result[]) ?? [];
      const alerts = (r.alerts as { message: string }[]) ?? [];
      return `<p class="meta">${num(r.rows)} rows · ${num(r.duplicate_rows)} exact duplicate rows${r.key ? ` · ${num(r.repeated_keys)} repeated ${e(String(r.key))} values` : ''}</p>${
        alerts.length ? `<ul class="alerts">${alerts.map((a) => `<li>${e(a.message)}</li>`).join('')}</ul>` : ''
      }${table(
        ['column', 'type', 'nulls', 'distinct', 'min', 'q25', 'median', 'q75', 'max', 'mean', 'std', 'top values'],
        cols.map((c) => [c.name, c.type, c.nulls, c.distinct, c.min, c.q25, c.q50, c.q75, c.max, c.mean, c.std, ((c.top as { value: string; count: number }[]) ?? []).slice(0, 3).map((t) => `${t.value} (${t.count})`).join(', ')]),
        'profile',
      )}`;
    }
    case 'checks': {
      const rules = (r.rules as Result[]) ?? [];
      const cmp = r.compare as { source: string; rows: number; passed: boolean; rules: Result[] } | undefined;
      const share = (x: unknown) => (x === null || x === undefined ? null : `${((x as number) * 100).toFixed(2)} %`);
      // Before and after side by side when the cell compares two versions.
      const other = (name: unknown) => cmp?.rules.find((x) => x.name === name);
      return `<p class="gate ${r.passed ? 'pass' : 'fail'}">${r.passed ? 'PASS' : 'FAIL'}</p>${
        cmp ? ` <p class="meta">${e(String(r.source))}: ${num(r.rows)} rows · ${e(cmp.source)}: ${num(cmp.rows)} rows, <span class="gate ${cmp.passed ? 'pass' : 'fail'}">${cmp.passed ? 'PASS' : 'FAIL'}</span></p>` : ''
      }${table(
        ['rule', 'check', 'severity', 'result', 'failing rows', 'share', ...(cmp ? [`${cmp.source}: result`, 'failing rows', 'share'] : [])],
        rules.map((x) => {
          const o = other(x.name);
          return [x.name, x.description, x.severity, x.passed ? 'pass' : 'FAIL', x.failing_rows, share(x.failing_share), ...(cmp ? [o ? (o.passed ? 'pass' : 'FAIL') : '', o?.failing_rows ?? o?.observed ?? null, share(o?.failing_share)] : [])];
        }),
        'rules',
      )}`;
    }
    case 'confusion': {
      const groups = (r.groups as Result[] | undefined) ?? [{ ...r, group: null }];
      return groups
        .map(
          (g) =>
            `${g.group ? `<h4>${e(String(g.group))}</h4>` : ''}<p class="meta">accuracy ${num(g.accuracy)} · Cohen's κ${g.kappa_weights !== 'none' ? ` (${e(String(g.kappa_weights))})` : ''} ${num(g.kappa)} · ${num(g.rows)} rows${
              g.excluded_null ? ` · ${num(g.excluded_null)} left out (NULL label)` : ''
            }</p>${heatmap(g.classes as string[], g.matrix as number[][], g.shown as number[][], `${String(r.reference_column ?? 'reference')} ↓ / ${String(r.compared_column ?? 'compared')} →`)}${table(
              ['class', 'precision', 'recall', 'F1', 'support'],
              ((g.per_class as Result[]) ?? []).map((c) => [c.class, c.precision, c.recall, c.f1, c.support]),
            )}`,
        )
        .join('');
    }
    case 'agreement':
      return `<p class="meta">Fleiss' κ ${r.fleiss_kappa === null ? 'n/a (uneven ratings)' : num(r.fleiss_kappa)} · Krippendorff's α ${num(r.krippendorff_alpha)} · percent agreement ${num((r.percent_agreement as number) * 100, 1)} % · ${num(r.items)} items</p>${table(
        ['rater', 'ratings', 'agrees with majority', 'gold accuracy'],
        ((r.raters as Result[]) ?? []).map((x) => [x.rater, x.ratings, x.agreement_with_majority, x.gold_accuracy]),
      )}`;
    case 'drift': {
      const cols = (r.columns as Result[]) ?? [];
      // Verdicts coloured, and each column's two distributions drawn beside its numbers.
      const rows = cols
        .map((c) => {
          const spark = svgDriftSpark(c as unknown as DriftSparkInput);
          const cells = [c.psi, c.ks_statistic, c.ks_pvalue, c.wasserstein, c.js_distance, c.chi2_statistic, c.chi2_pvalue, c.chi2_dof].map((v) => `<td>${num(v)}</td>`).join('');
          return `<tr><td>${e(String(c.column))}</td><td class="${c.drifted ? 'verdict drifted' : 'verdict stable'}">${c.drifted ? 'drifted' : 'stable'}${Array.isArray(c.fired) && c.fired.length ? `<small> · ${e((c.fired as DriftTest[]).map((f) => DRIFT_TEST_NAMES[f] ?? f).join(', '))}</small>` : ''}</td>${cells}<td class="dist">${spark ?? ''}</td></tr>`;
        })
        .join('');
      const head = ['column', 'verdict', 'PSI', 'KS D', 'KS p', 'Wasserstein', 'JS', 'χ²', 'p', 'dof', 'baseline / current'].map((h) => `<th>${e(h)}</th>`).join('');
      return `<p class="meta">${num(Math.round((r.drifted_share as number) * 100))} % of columns drifted · <span class="key base">■</span> baseline <span class="key cur">■</span> current</p><table class="drift"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
    }
    case 'chart':
      return svgChart(r as unknown as ChartResult);
    case 'trend': {
      const t = r as unknown as TrendResult & { flagged_count: number; runs: number };
      const flagged = t.points.filter((p) => p.flagged);
      return `<p class="meta">${num(t.runs)} ${t.over === 'versions' ? 'versions' : 'runs'} · ${num(t.flagged_count)} flagged point${t.flagged_count === 1 ? '' : 's'}</p>${svgTrend(t)}${table(
        ['metric', t.over === 'versions' ? 'version' : 'run', 'value', 'median', 'MAD', 'z', 'flagged', 'beyond threshold'],
        (t.points as (TrendResult['points'][number] & { median: number | null; mad: number | null; z: number | null; status: string })[]).map((p) => [
          p.metric,
          `${trendPointLabel(p)}${p.notebook_changed ? ' (another notebook text)' : ''}`,
          p.value,
          p.median,
          p.mad,
          p.z ?? (p.status === 'constant_window' ? 'MAD 0' : '—'),
          p.flagged ? 'flagged' : '',
          p.beyond_threshold ? 'yes' : '',
        ]),
      )}${flagged.length ? `<p class="alerts">flagged: ${flagged.map((p) => `${e(p.metric)} at ${e(trendPointLabel(p))}`).join('; ')}</p>` : ''}`;
    }
    case 'label_issues': {
      const classes = (r.classes as string[]) ?? [];
      const joint = (r.confident_joint as number[][]) ?? [];
      // Shade the off-diagonal (the estimated errors) only; the diagonal would dwarf it.
      const off = joint.map((row, i) => row.map((v, j) => (i === j ? 0 : v)));
      const pct = (x: unknown, d = 2) => (x === null || x === undefined ? '—' : `${((x as number) * 100).toFixed(d)} %`);
      const top = ((r.top_flagged as Result[]) ?? []).slice(0, 10);
      return `<p class="meta">${num(r.flagged)} of ${num(r.rows)} records flagged (${pct(r.flagged_share, 1)}) · estimated noise rate ${pct(r.noise_rate)} · ${e(String(r.method))}, ranked by ${e(String(r.rank_by))}</p>${heatmap(
        classes,
        joint,
        off,
        'given ↓ / suggested →',
      )}${table(
        ['given label', 'records', 'estimated noise rate', 'flagged', 'share flagged'],
        ((r.per_class as Result[]) ?? []).map((c) => [c.class, c.given, pct(c.noise_rate), c.flagged, pct(c.flagged_share, 1)]),
      )}${top.length ? `<p class="meta">most likely mislabeled (first ${top.length})</p>${table(['rank', 'key', 'given', 'suggested', 'label quality'], top.map((x) => [x.rank, x.key, x.given, x.suggested, x.label_quality]))}` : ''}`;
    }
    case 'images': {
      // Counts per problem and the first rows of each (paths and hashes, no pixels: a snapshot holds no images).
      const counts = (r.counts as Record<string, number>) ?? {};
      const views = (r.views as Record<string, string>) ?? {};
      const problems = (r.problems as Record<string, Result[]>) ?? {};
      const titles: Record<string, string> = { size_mismatch: 'declared size differs from the file', missing: 'named by the metadata, not in the folder', extra: 'in the folder, not named by the metadata', undecodable: 'do not decode', exact_duplicates: 'exact duplicates (same SHA-256)', near_duplicates: 'near-duplicate pairs' };
      const formats = Object.entries((r.formats as Record<string, number>) ?? {}).map(([f, n]) => `${e(f)} ${num(n)}`).join(' · ');
      const shown = Object.keys(titles).filter((p) => counts[p] !== undefined);
      const tables = shown
        .filter((p) => problems[p]?.length)
        .map((p) => {
          const rows = problems[p]!.slice(0, 20);
          const cols = Object.keys(rows[0]!);
          return `<h4>${e(titles[p]!)} (${num(counts[p])}${rows.length < counts[p]! ? `, the first ${rows.length}` : ''})</h4><div class="scroll">${table(cols, rows.map((x) => cols.map((c) => x[c])))}</div>`;
        })
        .join('');
      return `<p class="meta">${num(r.files)} files, ${num(r.decoded)} decoded · ${formats} · near-duplicates within ${num(r.near_duplicate_distance)} bits</p>${table(
        ['problem', 'rows', 'view'],
        shown.map((p) => [titles[p], counts[p], views[p]]),
      )}${tables}`;
    }
    case 'sample': {
      // The per-class sizes only: the sampled keys are rows, and a snapshot holds no rows.
      const per = (r.per_class as Result[]) ?? [];
      const other = r.other as { strata: number; population: number; size: number } | null | undefined;
      const rest = other ? [[`${num(other.strata)} other classes`, other.population, other.size, `${((other.size / other.population) * 100).toFixed(1)} %`]] : [];
      return `<p class="meta">${num(r.total)} records to review · ${num((r.fraction as number) * 100, 1)} % per class, at least ${num(r.min_per_class)} · seed ${e(String(r.seed))}</p>${table(
        ['class', 'population', 'sample', 'share'],
        [...per.map((c) => [c.class ?? NULL_LABEL, c.population, c.size, `${((c.share as number) * 100).toFixed(1)} %`]), ...rest],
      )}`;
    }
    case 'review': {
      const per = (r.per_class as Result[]) ?? [];
      const pct = (x: unknown) => (x === null || x === undefined ? '—' : `${((x as number) * 100).toFixed(1)} %`);
      const t = (r.throughput as Result | undefined) ?? {};
      return `<p class="meta">${num(r.reviewed)} of ${num(r.total)} reviewed · reject rate ${pct(r.reject_rate)}${r.reject_low === null ? '' : ` (95 % ${pct(r.reject_low)} – ${pct(r.reject_high)})`}${
        t.records_per_hour ? ` · ${num(Math.round(t.records_per_hour as number))} records/hour, median ${num(t.median_seconds, 1)} s` : ''
      }</p>${table(
        ['class', 'sampled', 'reviewed', 'rejected', 'reject rate', '95 % interval'],
        per.map((c) => [c.class ?? NULL_LABEL, c.sampled, c.reviewed, c.rejected, pct(c.reject_rate), c.low === null ? '—' : `${pct(c.low)} – ${pct(c.high)}`]),
      )}`;
    }
    default:
      return `<pre>${e(JSON.stringify(r, null, 1).slice(0, 4000))}</pre>`;
  }
}

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;color:#1d2329;max-width:1100px;margin:24px auto;padding:0 16px}
h1{font-size:22px}h2,h3{font-size:17px}h4{font-size:13px;margin:10px 0 2px}
table{border-collapse:collapse;font-size:12px;margin:6px 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #e5e7eb;padding:2px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
.heat td{text-align:center;min-width:44px}.meta{color:#4b5563;font-size:13px}.cell{break-inside:avoid;margin:14px 0;padding:8px 12px;border:1px solid #e5e7eb;border-radius:6px}
.cell-name{font:600 12px ui-monospace,monospace;color:#6b7280}figure.chart{margin:6px 0}figure.chart svg{max-width:100%;height:auto}figcaption,.legend{font-size:12px;color:#4b5563}.error{color:#b42318}.gate{font-weight:700;display:inline-block;padding:1px 8px;border-radius:10px}
.pass{background:#dcfae6;color:#067647}.fail{background:#fee4e2;color:#b42318}.alerts{color:#93370d;font-size:12px}
footer{margin-top:32px;border-top:1px solid #e5e7eb;color:#6b7280;font-size:12px}pre{white-space:pre-wrap;font-size:12px}
table{max-width:100%}td{overflow-wrap:anywhere}.profile{width:100%;table-layout:auto}.profile td:first-child{overflow-wrap:normal}
.verdict.drifted{color:#b42318;font-weight:700}.verdict.stable{color:#067647}td.dist{padding:2px 4px}svg.spark{display:block}
.key.base{color:${DRIFT_COLORS.baseline}}.key.cur{color:${DRIFT_COLORS.current}}
div.scroll{overflow-x:auto}div.scroll td{overflow-wrap:normal;white-space:nowrap}
@media print{div.scroll{overflow:visible}div.scroll td{white-space:normal;overflow-wrap:anywhere}.cell{page-break-inside:avoid}table{font-size:10px}figure.chart svg{max-width:100%}}`;

/**
 * A self-contained static HTML snapshot of a run: prose, each cell's aggregates as tables (no
 * script, no network: its CSP forbids both), the notebook text and the provenance. It holds
 * aggregates and at most the first rows of SQL cells, so its size does not grow with the data.
 */
export function renderSnapshot(text: string, results: NotebookResults, provenance: Provenance): string {
  const { notebook } = parseNotebook(text);
  const byName = new Map(results.cells.map((c) => [c.name.toLowerCase(), c]));
  const title = notebook.frontMatter.title || results.notebook;
  const body = notebook.blocks
    .map((b) => {
      if (b.type === 'prose') return renderMarkdown(b.text);
      if (hiddenInDocuments(b)) return '';
      const c = byName.get(b.name.toLowerCase());
      const inner = !c ? '<p class="meta">not run</p>' : c.status === 'error' ? `<p class="error">${e(c.error ?? 'failed')}</p>` : renderCell(c.kind, c.result ?? {});
      return `<section class="cell" data-cell="${e(b.name)}"><div class="cell-name">${e(b.kind)} ${e(b.name)}</div>${inner}</section>`;
    })
    .join('\n');
  const sources = results.sources.map((s) => [s.name, s.path, s.rows, s.sha256 ? `${s.sha256.slice(0, 16)}…` : '', s.matches === null ? 'not pinned' : s.matches ? 'matches pin' : 'DIFFERS from pin']);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><style>${STYLE}</style></head>
<body>
<header><p class="meta">Assay snapshot · ${e(results.notebook)}</p></header>
<main>
${body}
</main>
<footer>
<h3>Provenance</h3>
<p>${e(provenance.app)} · engine ${e(results.engine.name)} (DuckDB ${e(results.engine.version)}) · run ${e(provenance.ranAt)}${provenance.params && Object.keys(provenance.params).length ? ` · parameters ${e(JSON.stringify(provenance.params))}` : ''} · ${provenance.unsafe || results.unsafe ? '<strong class="error">sandbox OFF: the notebook ran unsealed and could read and write files</strong>' : 'sandboxed SQL'}</p>
${table(['source', 'file', 'rows', 'sha256', 'pin'], sources)}
<details><summary>Notebook source</summary><pre>${e(text)}</pre></details>
</footer>
</body></html>
`;
}
