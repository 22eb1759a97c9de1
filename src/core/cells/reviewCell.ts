import { labelOrder } from '../stats/labelOrder';
import { AssayError } from '../errors';
import { describeColumns } from '../sql/describe';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { foldReviewLog } from '../review/foldReviewLog';
import { rejectRates, reviewCountsSql } from '../review/rejectRates';
import { reviewThroughput } from '../review/reviewThroughput';
import type { Decision } from '../review/ReviewEvent';
import type { CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';
import type { SpecSchema } from './specSchema';

export interface ReviewSpec {
  /** The sample cell whose rows are reviewed. */
  sample: string;
  key: string;
  /** The label column reviewers judge (and may correct). */
  label: string;
  /** Labels a record may be corrected to; the labels present in the sample when absent. */
  taxonomy?: string[];
  /** A column holding an image path or URL to show beside the record. */
  image?: string;
  /** Columns holding other opinions of the label (annotators, a model), shown beside it on the card. */
  compare?: string[];
  /** A review log file (JSON Lines) beside the notebook, merged with the app's own log. */
  log?: string;
}

/** Records of the queue the cell's table carries (the counts are always over all of them). */
export const QUEUE_LIMIT = 10_000;

/** The columns a review adds to each sampled record. */
export const REVIEW_COLUMNS = ['review_decision', 'review_label', 'review_note', 'reviewer', 'reviewed_at'] as const;

const decisionsTable = (cell: string) => `__assay_${cell}_decisions`;

/** SQL: the standing decisions as a table (created empty when there are none). */
export function decisionsTableSql(cell: string, decisions: readonly Decision[]): string[] {
  const table = quoteIdent(decisionsTable(cell));
  const out = [`CREATE OR REPLACE TABLE ${table} (key VARCHAR, review_decision VARCHAR, review_label VARCHAR, review_note VARCHAR, reviewer VARCHAR, reviewed_at VARCHAR)`];
  for (let i = 0; i < decisions.length; i += 500) {
    const values = decisions
      .slice(i, i + 500)
      .map((d) => `(${[d.key, d.action, d.label, d.note, d.reviewer, d.at].map((v) => quoteLiteral(v)).join(', ')})`)
      .join(',\n');
    out.push(`INSERT INTO ${table} VALUES\n${values}`);
  }
  return out;
}

/**
 * SQL for the review view: every sampled record with its standing decision (NULLs while
 * undecided), in queue order. The queue is ordered by a seeded hash of the key, not by
 * class, so reviewers see the classes mixed and are not anchored by a run of one label.
 */
export function reviewViewSql(cell: string, spec: ReviewSpec, seed: string): string {
  const key = quoteIdent(spec.key);
  return `SELECT s.*, d.review_decision, d.review_label, d.review_note, d.reviewer, d.reviewed_at
FROM ${quoteIdent(spec.sample)} AS s
LEFT JOIN ${quoteIdent(decisionsTable(cell))} AS d ON CAST(s.${key} AS VARCHAR) = d.key
ORDER BY md5(${quoteLiteral(`${seed}:review:`)} || CAST(s.${key} AS VARCHAR)), CAST(s.${key} AS VARCHAR)`;
}

/** SQL: rejected and relabelled records as a re-annotation request. */
export function reannotationSql(view: string, spec: Pick<ReviewSpec, 'key' | 'label'>): string {
  return `SELECT CAST(${quoteIdent(spec.key)} AS VARCHAR) AS key, CAST(${quoteIdent(spec.label)} AS VARCHAR) AS old_label,
       review_label AS new_label, review_decision AS decision, review_note AS note, reviewer, reviewed_at
FROM ${quoteIdent(view)} WHERE review_decision IN ('reject', 'relabel') ORDER BY key`;
}

/** The keys of a `review` cell's spec. */
export const REVIEW_SCHEMA: SpecSchema = {
  sample: { role: 'relation', required: true, kinds: ['sample'], doc: 'the sample cell whose records are reviewed' },
  key: { role: 'column', required: true, of: 'sample', hint: 'key', doc: 'the record key' },
  label: { role: 'column', required: true, of: 'sample', hint: 'label', doc: 'the label under review' },
  taxonomy: { role: 'list', doc: 'labels to correct to (default: the sample’s)' },
  image: { role: 'column', of: 'sample', doc: 'a column with an image path, shown when its folder is open' },
  compare: { role: 'columns', of: 'sample', doc: 'columns with other opinions of the label (annotators, the model), shown beside it' },
  log: { role: 'text', doc: 'a review log file beside the notebook (JSON Lines)' },
};

/**
 * `review` — a keyboard review queue over a sample cell's records. Decisions come from the
 * review log (append-only events); the cell folds them, joins them to the sample as its
 * view (so checks can gate on it), and reports progress, per-class reject rates with 95 %
 * Wilson intervals, and reviewer throughput.
 */
export const reviewCell: CellKind<ReviewSpec> = {
  kind: 'review',
  description: 'Review queue over a sample: accept, reject or relabel each record; reject rates',
  schema: REVIEW_SCHEMA,
  template: 'sample: spot\nkey: image_id\nlabel: label',
  parse(body) {
    const y = new YamlSpec(body, REVIEW_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const spec: ReviewSpec = { sample: y.text('sample', true), key: y.text('key', true), label: y.text('label', true) };
    const taxonomy = y.list('taxonomy');
    if (taxonomy) {
      if (!taxonomy.length) y.problem('taxonomy', 'must list at least one label');
      spec.taxonomy = taxonomy;
    }
    const image = y.text('image');
    if (image) spec.image = image;
    const compare = y.list('compare');
    if (compare) spec.compare = compare;
    const log = y.text('log');
    if (log) spec.log = log;
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : spec, diagnostics: y.diagnostics };
  },
  references(spec) {
    return [spec.sample.toLowerCase()];
  },
  async run(spec, ctx) {
    const columns = new Set((await describeColumns(ctx.query, spec.sample)).map((c) => c.name));
    for (const c of [spec.key, spec.label, ...(spec.image ? [spec.image] : []), ...(spec.compare ?? [])]) {
      if (!columns.has(c)) throw new AssayError('input', `${spec.sample} has no column ${c}`, { subject: ctx.name });
    }
    const clash = REVIEW_COLUMNS.find((c) => columns.has(c));
    if (clash) throw new AssayError('input', `${spec.sample} already has a column ${clash}, which the review adds; rename it in the sample's source`, { subject: ctx.name });
    const sampleSeed = ctx.results?.(spec.sample)?.seed;
    const seed = sampleSeed === undefined || sampleSeed === null ? String(ctx.params.seed ?? '') : String(sampleSeed);

    const events = (ctx.reviewEvents ? await ctx.reviewEvents(ctx.name, spec.log ?? null) : []).filter((e) => e.cell.toLowerCase() === ctx.name.toLowerCase());
    const standing = foldReviewLog(events);
    for (const sql of decisionsTableSql(ctx.name, [...standing.values()])) await ctx.query(sql);
    await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${reviewViewSql(ctx.name, spec, seed)}`);

    const counts = (await ctx.query(reviewCountsSql(ctx.name, spec.label))).toArray().map((r) => {
      const o = r.toJSON() as { class: string | null; sampled: number; reviewed: number; rejected: number };
      return { class: o.class, sampled: Number(o.sampled), reviewed: Number(o.reviewed), rejected: Number(o.rejected) };
    });
    const rates = rejectRates(counts);
    const taxonomy =
      spec.taxonomy ??
      (await ctx.query(`SELECT DISTINCT CAST(${quoteIdent(spec.label)} AS VARCHAR) AS l FROM ${quoteIdent(spec.sample)} WHERE ${quoteIdent(spec.label)} IS NOT NULL ORDER BY l`)).toArray().map((r) => String(r.l)).sort(labelOrder);
    const table = await ctx.query(`SELECT * FROM ${quoteIdent(ctx.name)} LIMIT ${QUEUE_LIMIT}`);
    const { overall } = rates;
    return {
      table,
      truncated: overall.sampled > QUEUE_LIMIT,
      result: {
        sample: spec.sample,
        seed,
        total: overall.sampled,
        reviewed: overall.reviewed,
        remaining: overall.sampled - overall.reviewed,
        rejected: overall.rejected,
        reject_rate: overall.reject_rate,
        reject_low: overall.low,
        reject_high: overall.high,
        per_class: rates.per_class,
        // Decisions on keys the sample no longer holds (another seed or fraction): kept in the log, not counted.
        outside_sample: standing.size - overall.reviewed,
        throughput: reviewThroughput(events),
        taxonomy,
      },
    };
  },
};
