import { quoteIdent } from '../sql/quote';
import { tableToJsonRows } from '../arrowJson';
import {
  agreementPairsSql,
  agreementStats,
  itemAgreementSql,
  itemSizesSql,
  pairwiseKappa,
  raterPairsSql,
  raterSummary,
  raterSummarySql,
  type PairRow,
  type RaterRow,
} from '../stats/agreement';
import type { CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';

export interface AgreementSpec {
  source: string;
  item: string;
  rater: string;
  label: string;
  gold?: string;
  lowest: number;
}

/**
 * `agreement` — inter-annotator agreement over a long-format ratings table (item, rater,
 * label): Fleiss' kappa, Krippendorff's alpha (nominal), percent agreement, per-rater
 * agreement with the majority and gold accuracy, the pairwise Cohen's kappa matrix and
 * per-class agreement. The cell's view lists items by agreement, lowest first.
 */
export const agreementCell: CellKind<AgreementSpec> = {
  kind: 'agreement',
  description: 'Inter-annotator agreement: Fleiss’ kappa, Krippendorff’s alpha, per-rater and pairwise',
  template: 'source: ratings\nitem: item_id\nrater: rater\nlabel: label\ngold: gold_label',
  parse(body) {
    const y = new YamlSpec(body);
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
    const pairs = (await ctx.query(agreementPairsSql(cols))).toArray().map((r) => {
      const o = r.toJSON() as PairRow;
      return { c: o.c, k: o.k, pairs: Number(o.pairs), coincidence: Number(o.coincidence) };
    });
    const sizes = (await ctx.query(itemSizesSql(cols))).toArray().map((r) => ({ m: Number(r.m), items: Number(r.items) }));
    const stats = agreementStats(pairs, sizes);
    const raters = raterSummary((await ctx.query(raterSummarySql(cols, spec.gold))).toArray().map((r) => r.toJSON() as RaterRow));
    const pairwise = pairwiseKappa((await ctx.query(raterPairsSql(cols))).toArray().map((r) => r.toJSON() as { r1: string; r2: string; l1: string; l2: string; n: number }));
    await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${itemAgreementSql(cols)}`);
    const lowest = await ctx.query(`SELECT * FROM ${quoteIdent(ctx.name)} LIMIT ${spec.lowest}`);
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
