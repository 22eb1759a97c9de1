import { labelOrderNullsLast } from '../stats/labelOrder';
import { AssayError } from '../errors';
import { quoteIdent } from '../sql/quote';
import { classificationMetrics } from '../stats/classificationMetrics';
import { cohenKappa, type KappaWeights } from '../stats/cohenKappa';
import { confusionCountsSql, confusionMatrix, distinctLabelsSql, MAX_CLASSES, normalizeMatrix, type PairCount } from '../stats/confusion';
import type { CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';
import type { SpecSchema } from './specSchema';

export interface ConfusionSpec {
  source: string;
  reference: string;
  compared: string;
  classes?: string[];
  normalize: 'none' | 'row' | 'column';
  weights: KappaWeights;
  by?: string;
}

/** Matrix, metrics and kappa of one group (or of everything). */
export interface ConfusionResult {
  classes: string[];
  matrix: number[][];
  /** The matrix as the spec's `normalize` asks (counts when `none`). */
  shown: number[][];
  accuracy: number;
  per_class: { class: string; precision: number; recall: number; f1: number; support: number }[];
  macro_avg: { precision: number; recall: number; f1: number };
  weighted_avg: { precision: number; recall: number; f1: number };
  kappa: number;
  kappa_weights: KappaWeights;
  excluded_null: number;
  rows: number;
}

/** Everything the cell derives from one set of pair counts. */
export function confusionResult(counts: readonly PairCount[], spec: Pick<ConfusionSpec, 'classes' | 'normalize' | 'weights'>): ConfusionResult {
  const { classes, matrix, excluded_null } = confusionMatrix(counts, spec.classes);
  const metrics = classificationMetrics(classes, matrix);
  const rows = matrix.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
  return {
    classes,
    matrix,
    shown: normalizeMatrix(matrix, spec.normalize),
    ...metrics,
    kappa: cohenKappa(matrix, spec.weights),
    kappa_weights: spec.weights,
    excluded_null,
    rows,
  };
}

const NORMALIZE = ['none', 'row', 'column'] as const;
const WEIGHTS = ['none', 'linear', 'quadratic'] as const;

/** The keys of a `confusion` cell's spec. */
export const CONFUSION_SCHEMA: SpecSchema = {
  source: { role: 'relation', required: true, doc: 'the source or cell holding both label columns' },
  reference: { role: 'column', required: true, hint: 'label', doc: 'the reference labels (rows of the matrix)' },
  compared: { role: 'column', required: true, hint: 'label', doc: 'the labels compared with them (columns)' },
  classes: { role: 'list', doc: 'the classes in order (for ordinal labels); default: all, in Assay’s order' },
  normalize: { role: 'enum', values: NORMALIZE, doc: 'shares of the whole, of each row or of each column (none)' },
  weights: { role: 'enum', values: WEIGHTS, doc: 'Cohen’s kappa weights for ordinal classes (none)' },
  by: { role: 'column', hint: 'label', doc: 'a column splitting the matrix into small multiples' },
};

/**
 * `confusion` — a confusion matrix between a reference column and a compared column (label vs.
 * prediction, annotator A vs. B) with per-class precision/recall/F1, averages, accuracy and
 * Cohen's kappa; `by` splits it by another column. The cell's view holds the pair counts.
 */
export const confusionCell: CellKind<ConfusionSpec> = {
  kind: 'confusion',
  description: 'Confusion heatmap, per-class precision/recall/F1 and Cohen’s kappa between two label columns',
  schema: CONFUSION_SCHEMA,
  template: 'source: batch\nreference: annotator_a\ncompared: annotator_b\nnormalize: none\nweights: none',
  parse(body) {
    const y = new YamlSpec(body, CONFUSION_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const spec: ConfusionSpec = {
      source: y.text('source', true),
      reference: y.text('reference', true),
      compared: y.text('compared', true),
      classes: y.list('classes'),
      normalize: y.choice('normalize', NORMALIZE, 'none'),
      weights: y.choice('weights', WEIGHTS, 'none'),
      by: y.text('by'),
    };
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : spec, diagnostics: y.diagnostics };
  },
  references(spec) {
    return [spec.source.toLowerCase()];
  },
  async run(spec, ctx) {
    const k = Number((await ctx.query(distinctLabelsSql(spec.source, spec.reference, spec.compared))).getChild('k')!.get(0));
    if (k > MAX_CLASSES) {
      throw new AssayError(
        'input',
        `${spec.reference} and ${spec.compared} hold ${k.toLocaleString('en-US')} distinct labels; a confusion matrix shows at most ${MAX_CLASSES} classes. Is this an id column?`,
        { subject: ctx.name },
      );
    }
    await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${confusionCountsSql(spec.source, spec.reference, spec.compared, spec.by)}`);
    const counts = (await ctx.query(`SELECT * FROM ${quoteIdent(ctx.name)}`)).toArray().map((r) => {
      const o = r.toJSON() as { group: string | null; reference: string | null; compared: string | null; n: number };
      return { group: o.group, reference: o.reference, compared: o.compared, n: Number(o.n) };
    });
    const overall = confusionResult(counts, spec);
    // The columns compared, so axes and tables name them rather than "reference" and "compared".
    const result: Record<string, unknown> = { ...overall, reference_column: spec.reference, compared_column: spec.compared };
    if (spec.by) {
      const groups = [...new Set(counts.map((c) => c.group))].sort(labelOrderNullsLast);
      result.by = spec.by;
      // Every group uses the overall class order, so the small multiples line up.
      result.groups = groups.map((g) => ({ group: g, ...confusionResult(counts.filter((c) => c.group === g), { ...spec, classes: overall.classes }) }));
    }
    return { table: null, result };
  },
};
