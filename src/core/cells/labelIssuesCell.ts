import { AssayError } from '../errors';
import { describeColumns } from '../sql/describe';
import { quoteIdent } from '../sql/quote';
import { calibrateConfidentJoint, clipDiagonal, confidentThresholds, noiseRates, pruneCountMatrix } from '../stats/confidentJoint';
import {
  classStatsSql,
  featuresSql,
  guessesSql,
  flaggedPageSql,
  flaggedPerClassSql,
  flaggedViewSql,
  flagsSql,
  inputChecksSql,
  jointCellRowsSql,
  jointCountsSql,
  LABEL_ISSUE_COLUMNS,
  prunePlan,
  type LabelIssuesInput,
  type LabelIssuesMethod,
  type LabelIssuesRankBy,
  type LabelIssuesTables,
} from '../stats/labelIssues';
import type { CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';
import type { SpecSchema } from './specSchema';

export interface LabelIssuesSpec {
  source: string;
  key: string;
  /** The given label. */
  label: string;
  /** A column per class (class → column), or one LIST<DOUBLE> column. */
  probabilities: { columns: Record<string, string> } | { list: string };
  /** Class order; required with a list column (its order), else code-point order of the class names. */
  classes?: string[];
  method: LabelIssuesMethod;
  rank_by: LabelIssuesRankBy;
  min_examples_per_class: number;
  frac_noise: number;
  /** Flagged rows carried in the result (the view holds them all). */
  top: number;
}

/** What the cell reports (results.schema.json documents it). */
export interface LabelIssuesResult {
  classes: string[];
  method: LabelIssuesMethod;
  rank_by: LabelIssuesRankBy;
  min_examples_per_class: number;
  frac_noise: number;
  rows: number;
  excluded_null: number;
  thresholds: number[];
  /** Rows counted under (given i, suggested j) with no calibration. */
  confident_joint_counts: number[][];
  /** The calibrated confident joint: each row sums to its label's count. */
  confident_joint: number[][];
  noise_rate: number | null;
  flagged: number;
  flagged_share: number;
  per_class: { class: string; given: number; threshold: number; noise_rate: number | null; flagged: number; flagged_share: number }[];
  top_flagged: { rank: number; key: string; given: string; suggested: string; label_quality: number }[];
}

const METHODS = ['prune_by_noise_rate', 'prune_by_class', 'both', 'confident_learning', 'predicted_neq_given'] as const;
const RANKS = ['self_confidence', 'normalized_margin'] as const;

/** Code-point order (not UTF-16 code units: a class beyond the BMP sorts after U+FFFF). */
export function codePointOrder(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

/** The class order and the probability columns of a spec. */
export function labelIssuesInput(spec: LabelIssuesSpec): LabelIssuesInput {
  if ('list' in spec.probabilities) return { source: spec.source, key: spec.key, label: spec.label, classes: spec.classes!, probabilities: { list: spec.probabilities.list } };
  const cols = spec.probabilities.columns;
  const classes = spec.classes ?? Object.keys(cols).sort(codePointOrder);
  return { source: spec.source, key: spec.key, label: spec.label, classes, probabilities: { columns: classes.map((c) => cols[c]!) } };
}

/** The internal tables of a cell. */
export function labelIssuesTables(cell: string): LabelIssuesTables {
  return { features: `__assay_${cell}_features`, guesses: `__assay_${cell}_guesses`, flags: `__assay_${cell}_flags` };
}

/** SQL for the rows behind one cell of the joint heatmap (the drill-down). */
export function labelIssuesCellRowsSql(spec: LabelIssuesSpec, cell: string, given: string, suggested: string): string {
  return jointCellRowsSql(labelIssuesInput(spec), labelIssuesTables(cell), given, suggested);
}

/** The keys of a `labelIssues` cell's spec. */
export const LABEL_ISSUES_SCHEMA: SpecSchema = {
  source: { role: 'relation', required: true, doc: 'the rows with their given label and model probabilities' },
  key: { role: 'column', required: true, hint: 'key', doc: 'a unique key per row' },
  label: { role: 'column', required: true, hint: 'label', doc: 'the given label' },
  probabilities: { role: 'map', required: true, doc: 'a column per class ({crack: p_crack, …}) or one LIST<DOUBLE> column' },
  classes: { role: 'list', doc: 'the class order (needed with a list column)' },
  method: { role: 'enum', values: METHODS, doc: 'how flagged rows are chosen (prune_by_noise_rate)' },
  rank_by: { role: 'enum', values: RANKS, doc: 'the score flagged rows are ranked by (self_confidence)' },
  min_examples_per_class: { role: 'number', doc: 'classes this small are never pruned (1)' },
  frac_noise: { role: 'number', doc: 'the share of estimated noise to flag, 0 to 1 (1)' },
  top: { role: 'number', doc: 'how many flagged rows the cell shows (50)' },
};

/**
 * `label_issues` — likely label errors from model probabilities by confident learning, as
 * cleanlab 2.x `find_label_issues` and `get_label_quality_scores` compute them: per-class
 * thresholds, the confident joint and its calibration, a pruning method, a ranking. The
 * cell's view holds the flagged rows of the source, most likely mislabeled first.
 */
export const labelIssuesCell: CellKind<LabelIssuesSpec> = {
  kind: 'label_issues',
  description: 'Likely label errors from model probabilities (confident learning, as cleanlab)',
  schema: LABEL_ISSUES_SCHEMA,
  template: 'source: batch\nkey: image_id\nlabel: label\nprobabilities: {crack: p_crack, dent: p_dent, ok: p_ok}\nmethod: prune_by_noise_rate\nrank_by: self_confidence',
  parse(body) {
    const y = new YamlSpec(body, LABEL_ISSUES_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const classes = y.list('classes');
    const raw = y.raw('probabilities');
    let probabilities: LabelIssuesSpec['probabilities'] = { list: '' };
    if (typeof raw === 'string' && raw.trim()) {
      probabilities = { list: raw };
      if (!classes) y.problem('probabilities', 'a list column needs `classes:` giving the order of its values');
    } else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      const entries = Object.entries(raw as Record<string, unknown>);
      if (entries.length < 2) y.problem('probabilities', 'needs at least two classes');
      else if (!entries.every(([, v]) => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number')) y.problem('probabilities', 'maps each class to a column name, e.g. {crack: p_crack, dent: p_dent}');
      else {
        probabilities = { columns: Object.fromEntries(entries.map(([k, v]) => [k, String(v)])) };
        if (classes && (classes.length !== entries.length || !classes.every((c) => c in (raw as object)))) y.problem('classes', 'must list exactly the classes of `probabilities`');
      }
    } else y.problem('probabilities', raw === undefined ? 'is required' : 'is a column per class ({crack: p_crack, …}) or one list column');
    if (classes && classes.length < 2) y.problem('classes', 'needs at least two classes');
    const spec: LabelIssuesSpec = {
      source: y.text('source', true),
      key: y.text('key', true),
      label: y.text('label', true),
      probabilities,
      classes,
      method: y.choice('method', METHODS, 'prune_by_noise_rate'),
      rank_by: y.choice('rank_by', RANKS, 'self_confidence'),
      min_examples_per_class: y.number('min_examples_per_class', 1, 0, 1e12),
      frac_noise: y.number('frac_noise', 1, 0, 1),
      top: y.number('top', 50, 0, 10_000),
    };
    if (!Number.isInteger(spec.min_examples_per_class)) y.problem('min_examples_per_class', 'must be a whole number');
    if (!Number.isInteger(spec.top)) y.problem('top', 'must be a whole number');
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : spec, diagnostics: y.diagnostics };
  },
  references(spec) {
    return [spec.source.toLowerCase()];
  },
  async run(spec, ctx) {
    const input = labelIssuesInput(spec);
    const tables = labelIssuesTables(ctx.name);
    const fail = (message: string) => new AssayError('input', message, { subject: ctx.name });
    const k = input.classes.length;

    const columns = new Set((await describeColumns(ctx.query, spec.source)).map((c) => c.name));
    const needed = [spec.key, spec.label, ...('list' in input.probabilities ? [input.probabilities.list] : input.probabilities.columns)];
    for (const c of needed) if (!columns.has(c)) throw fail(`${spec.source} has no column ${c}`);
    for (const c of LABEL_ISSUE_COLUMNS) if (columns.has(c)) throw fail(`${spec.source} already has a column ${c}, which the cell's view adds`);

    // One pass over the source makes the features table; the checks and counts read it.
    await ctx.query(featuresSql(input, tables, spec.rank_by));
    const checks = (await ctx.query(inputChecksSql(tables))).toArray()[0]!.toJSON() as Record<string, unknown>;
    const unknown = Array.from((checks.unknown_labels as { toArray(): unknown[] } | null)?.toArray() ?? [], String);
    if (unknown.length) throw fail(`${spec.label} holds labels that are not classes: ${unknown.map((u) => JSON.stringify(u)).join(', ')}`);
    if (Number(checks.null_keys)) throw fail(`${spec.key} is NULL in ${Number(checks.null_keys)} rows; the key must identify every row`);
    if (Number(checks.repeated_keys)) {
      const n = Number(checks.repeated_keys);
      throw fail(`${spec.key} repeats: ${n} ${n === 1 ? 'row repeats a key' : 'rows repeat keys'} already seen; the key must identify every row`);
    }
    if (Number(checks.wrong_length)) throw fail(`${Number(checks.wrong_length)} rows have a probability list whose length is not ${k}, the number of classes`);
    if (Number(checks.out_of_range)) throw fail(`${Number(checks.out_of_range)} rows have a probability outside [0, 1] or NaN`);

    const labelCounts = new Array<number>(k).fill(0);
    const means = new Array<number | null>(k).fill(null);
    for (const r of (await ctx.query(classStatsSql(tables, k))).toArray()) {
      const o = r.toJSON() as { g: number; n: number; mean_self_confidence: number };
      labelCounts[Number(o.g)] = Number(o.n);
      means[Number(o.g)] = Number(o.mean_self_confidence);
    }
    const rows = labelCounts.reduce((a, b) => a + b, 0);
    const thresholds = confidentThresholds(means);

    await ctx.query(guessesSql(tables, thresholds));
    const raw = input.classes.map(() => new Array<number>(k).fill(0));
    for (const r of (await ctx.query(jointCountsSql(tables))).toArray()) {
      const o = r.toJSON() as { g: number; guess: number; n: number };
      raw[Number(o.g)]![Number(o.guess)] = Number(o.n);
    }
    const calibrated = calibrateConfidentJoint(clipDiagonal(raw), labelCounts);
    const prune = pruneCountMatrix(calibrated, spec.min_examples_per_class, spec.frac_noise);
    await ctx.query(flagsSql(prunePlan(spec.method, prune, labelCounts, spec.min_examples_per_class), tables, k));
    await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${flaggedViewSql(input, tables)}`);

    const flaggedPer = new Array<number>(k).fill(0);
    for (const r of (await ctx.query(flaggedPerClassSql(tables))).toArray()) flaggedPer[Number(r.g)] = Number(r.n);
    const flagged = flaggedPer.reduce((a, b) => a + b, 0);
    const noise = noiseRates(calibrated, labelCounts);
    const page = (await ctx.query(flaggedPageSql(input, tables, spec.top))).toArray().map((r) => {
      const o = r.toJSON() as { rank: number; key: string; given: string; suggested: string; label_quality: number };
      return { rank: Number(o.rank), key: String(o.key), given: String(o.given), suggested: String(o.suggested), label_quality: Number(o.label_quality) };
    });
    const table = await ctx.query(flaggedViewSql(input, tables, spec.top));
    const result: LabelIssuesResult = {
      classes: [...input.classes],
      method: spec.method,
      rank_by: spec.rank_by,
      min_examples_per_class: spec.min_examples_per_class,
      frac_noise: spec.frac_noise,
      rows,
      excluded_null: Number(checks.excluded),
      thresholds,
      confident_joint_counts: raw,
      confident_joint: calibrated,
      noise_rate: noise.overall,
      flagged,
      flagged_share: rows ? flagged / rows : 0,
      per_class: input.classes.map((c, i) => ({
        class: c,
        given: labelCounts[i]!,
        threshold: thresholds[i]!,
        noise_rate: noise.perClass[i]!,
        flagged: flaggedPer[i]!,
        flagged_share: labelCounts[i] ? flaggedPer[i]! / labelCounts[i]! : 0,
      })),
      top_flagged: page,
    };
    return { table, result: result as unknown as Record<string, unknown>, truncated: flagged > spec.top };
  },
};
