import { quoteIdent } from '../sql/quote';
import { tableToJsonRows } from '../arrowJson';
import {
  agreementClassesSql,
  agreementPrepSql,
  agreementStats,
  itemSizesSql,
  lowestItemsSql,
  pairwiseKappa,
  raterPairsSql,
  raterSummary,
  raterSummarySql,
  groupingSampleSql,
  useGroups,
  type AgreementTables,
  type ClassRow,
  type RaterPairRow,
  type RaterRow,
} from '../stats/agreement';
import type { CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';
import type { SpecSchema } from './specSchema';

export interface AgreementSpec {
  source: string;
  item: string;
  rater: string;
  label: string;
  gold?: string;
  lowest: number;
}

/** The keys of a `agreement` cell's spec. */
export const AGREEMENT_SCHEMA: SpecSchema = {
  source: { role: 'relation', required: true, doc: 'the ratings in long format: one row per item and rater' },
  item: { role: 'column', required: true, hint: 'key', doc: 'the column identifying the rated item' },
  rater: { role: 'column', required: true, hint: 'label', doc: 'the column identifying the rater' },
  label: { role: 'column', required: true, hint: 'label', doc: 'the label the rater gave' },
  gold: { role: 'column', hint: 'label', doc: 'a gold label per item, for each rater’s accuracy' },
  lowest: { role: 'number', doc: 'how many items of lowest agreement the cell lists (20)' },
};

/**
 * `agreement` — inter-annotator agreement over a long-format ratings table (item, rater,
 * label): Fleiss' kappa, Krippendorff's alpha (nominal), percent agreement, per-rater
 * agreement with the majority and gold accuracy, the pairwise Cohen's kappa matrix and
 * per-class agreement. The cell defines a view of items (item, ratings, agreement, top_votes)
 * that checks and later cells can read, e.g. items with agreement below 0.5.
 */
export const agreementCell: CellKind<AgreementSpec> = {
  kind: 'agreement',
  description: 'Inter-annotator agreement: Fleiss’ kappa, Krippendorff’s alpha, per-rater and pairwise',
  schema: AGREEMENT_SCHEMA,
  template: 'source: ratings\nitem: item_id\nrater: rater\nlabel: label\ngold: gold_label',
  parse(body) {
    const y = new YamlSpec(body, AGREEMENT_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const spec: AgreementSpec = {
      source: y.text('source', true),
      item: y.text('item', true),
      rater: y.text('rater', true),
      label: y.text('label', true),
      gold: y.text('gold'),
      lowest: y.number('lowest', 20, 1, 10_000),
    };
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : spec, diagnostics: y.diagnostics };
  },
  references(spec) {
    return [spec.source.toLowerCase()];
  },
  async run(spec, ctx) {
    const cols = { source: spec.source, item: spec.item, rater: spec.rater, label: spec.label };
    // The ratings are grouped once into small tables; every statistic reads those.
    const internal = (part: string) => `__assay_${ctx.name}_${part}`;
    const tables: AgreementTables = { keys: internal('keys'), groups: internal('groups'), ratings: internal('ratings'), labels: internal('labels'), stats: internal('stats'), items: ctx.name };
    // Earlier versions made the cell's items a table; it is a view now.
    await ctx.query(`DROP TABLE IF EXISTS ${quoteIdent(ctx.name)}`).catch(() => undefined);
    const sample = (await ctx.query(groupingSampleSql(cols))).toArray()[0]!;
    const grouped = useGroups({ groups: Number(sample.groups), items: Number(sample.items) });
    for (const sql of agreementPrepSql(cols, tables, grouped, spec.gold)) await ctx.query(sql);
    const classes = (await ctx.query(agreementClassesSql(tables))).toArray().map((r) => {
      const o = r.toJSON() as ClassRow;
      return { c: o.c, ratings: Number(o.ratings), pairs: Number(o.pairs), agreeing: Number(o.agreeing), disagreeing: Number(o.disagreeing) };
    });
    const sizes = (await ctx.query(itemSizesSql(tables))).toArray().map((r) => ({ m: Number(r.m), items: Number(r.items) }));
    const stats = agreementStats(classes, sizes);
    const raters = raterSummary((await ctx.query(raterSummarySql(cols, tables, grouped, spec.gold))).toArray().map((r) => r.toJSON() as RaterRow));
    const pairwise = pairwiseKappa((await ctx.query(raterPairsSql(cols, tables, grouped))).toArray().map((r) => r.toJSON() as RaterPairRow));
    const lowest = await ctx.query(lowestItemsSql(tables, grouped, spec.lowest));
    return {
      table: lowest,
      result: {
        ...stats,
        raters,
        pairwise_kappa: pairwise,
        lowest_items: tableToJsonRows(lowest),
      },
    };
  },
};
