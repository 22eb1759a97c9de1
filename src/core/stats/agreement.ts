import { quoteIdent } from '../sql/quote';
import { cohenKappa } from './cohenKappa';

/** Columns of a long-format ratings table: one row per (item, rater, label). */
export interface RatingsColumns {
  source: string;
  item: string;
  rater: string;
  label: string;
}

/**
 * The ratings as (item, rater, label) text, NULL labels and items dropped. CTE names carry a
 * prefix so they never shadow a user's table (a source called `ratings` is the common case).
 */
function ratingsCte(c: RatingsColumns): string {
  return `__assay_ratings AS (
  SELECT CAST(${quoteIdent(c.item)} AS VARCHAR) AS item, CAST(${quoteIdent(c.rater)} AS VARCHAR) AS rater, CAST(${quoteIdent(c.label)} AS VARCHAR) AS label
  FROM ${quoteIdent(c.source)}
  WHERE ${quoteIdent(c.item)} IS NOT NULL AND ${quoteIdent(c.label)} IS NOT NULL
),
__assay_item_label AS (SELECT item, label, count(*)::DOUBLE AS n FROM __assay_ratings GROUP BY ALL),
__assay_item_size AS (SELECT item, sum(n) AS m FROM __assay_item_label GROUP BY item)`;
}

/**
 * SQL for the pair table of all items with two or more ratings: for each ordered pair of
 * labels (c, k), `pairs` = Σ_u n_uc·n_uk for c ≠ k and Σ_u n_uc·(n_uc − 1) for c = k (ordered
 * pairs of ratings of one item), and `coincidence` = the same with each item weighted
 * 1/(m_u − 1) (Krippendorff's coincidence matrix). Everything else derives from this.
 */
export function agreementPairsSql(c: RatingsColumns): string {
  return `WITH ${ratingsCte(c)}
SELECT a.label AS c, b.label AS k,
       sum(CASE WHEN a.label = b.label THEN a.n * (a.n - 1) ELSE a.n * b.n END) AS pairs,
       sum(CASE WHEN a.label = b.label THEN a.n * (a.n - 1) ELSE a.n * b.n END / (s.m - 1)) AS coincidence
FROM __assay_item_label a JOIN __assay_item_label b USING (item) JOIN __assay_item_size s USING (item)
WHERE s.m >= 2
GROUP BY ALL`;
}

/** SQL for how many items have m ratings, per m (Fleiss' kappa needs one m). */
export function itemSizesSql(c: RatingsColumns): string {
  return `WITH ${ratingsCte(c)}
SELECT m, count(*)::DOUBLE AS items FROM __assay_item_size GROUP BY m ORDER BY m`;
}

/**
 * SQL for each rater's agreement with the majority label of the item (all ratings of the
 * item vote; items whose top label is tied are left out) and, when a gold column is given,
 * accuracy on the items that have a gold label.
 */
export function raterSummarySql(c: RatingsColumns, gold?: string): string {
  const goldCte = gold
    ? `, __assay_gold AS (SELECT CAST(${quoteIdent(c.item)} AS VARCHAR) AS item, any_value(CAST(${quoteIdent(gold)} AS VARCHAR)) AS gold FROM ${quoteIdent(c.source)} WHERE ${quoteIdent(gold)} IS NOT NULL GROUP BY 1)`
    : `, __assay_gold AS (SELECT NULL::VARCHAR AS item, NULL::VARCHAR AS gold WHERE false)`;
  return `WITH ${ratingsCte(c)},
__assay_ranked AS (SELECT item, label, n, rank() OVER (PARTITION BY item ORDER BY n DESC) AS r, count(*) OVER (PARTITION BY item, n) AS ties FROM __assay_item_label),
__assay_majority AS (SELECT item, label AS majority FROM __assay_ranked WHERE r = 1 AND ties = 1)${goldCte}
SELECT r.rater,
       count(*)::DOUBLE AS ratings,
       count(m.majority)::DOUBLE AS with_majority,
       count(*) FILTER (WHERE r.label = m.majority)::DOUBLE AS agree_majority,
       count(g.gold)::DOUBLE AS gold_items,
       count(*) FILTER (WHERE r.label = g.gold)::DOUBLE AS gold_correct
FROM __assay_ratings r LEFT JOIN __assay_majority m USING (item) LEFT JOIN __assay_gold g USING (item)
GROUP BY r.rater
ORDER BY r.rater`;
}

/** SQL for the label pairs of every two raters on their shared items (for the pairwise kappa matrix). */
export function raterPairsSql(c: RatingsColumns): string {
  return `WITH ${ratingsCte(c)}
SELECT a.rater AS r1, b.rater AS r2, a.label AS l1, b.label AS l2, count(*)::DOUBLE AS n
FROM __assay_ratings a JOIN __assay_ratings b ON a.item = b.item AND a.rater < b.rater
GROUP BY ALL`;
}

/** SQL for each item's agreement (agreeing ordered pairs / all ordered pairs), lowest first. */
export function itemAgreementSql(c: RatingsColumns): string {
  return `WITH ${ratingsCte(c)}
SELECT l.item, any_value(s.m)::INTEGER AS ratings,
       sum(l.n * (l.n - 1)) / (any_value(s.m) * (any_value(s.m) - 1)) AS agreement,
       string_agg(l.label || ' ×' || CAST(l.n AS INTEGER), ', ' ORDER BY l.n DESC, l.label) AS labels
FROM __assay_item_label l JOIN __assay_item_size s USING (item)
WHERE s.m >= 2
GROUP BY l.item
ORDER BY agreement, l.item`;
}

export interface PairRow {
  c: string;
  k: string;
  pairs: number;
  coincidence: number;
}

export interface AgreementStats {
  categories: string[];
  /** Items with at least two ratings. */
  items: number;
  /** Fleiss' kappa; null when items have different numbers of ratings. */
  fleiss_kappa: number | null;
  krippendorff_alpha: number;
  /** Share of agreeing ordered rating pairs among all pairs within items. */
  percent_agreement: number;
  /** Per category: agreeing pairs involving it / all pairs involving it (specific agreement). */
  per_class: { class: string; agreement: number; ratings: number }[];
}

/**
 * Fleiss' kappa (as statsmodels' fleiss_kappa), Krippendorff's alpha for nominal data (as in
 * Krippendorff 2011), pairwise percent agreement and per-class agreement, from the pair table
 * and the item sizes. Only items with two or more ratings count.
 */
export function agreementStats(pairs: readonly PairRow[], sizes: readonly { m: number; items: number }[]): AgreementStats {
  const categories = [...new Set(pairs.flatMap((p) => [p.c, p.k]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const pairable = sizes.filter((s) => s.m >= 2);
  const items = pairable.reduce((s, x) => s + x.items, 0);
  // n_c: ratings of category c in pairable items (from the coincidence matrix margins).
  const nc = new Map<string, number>(categories.map((c) => [c, 0]));
  const pairsOf = new Map<string, number>(categories.map((c) => [c, 0]));
  let agreeing = 0;
  let allPairs = 0;
  let disagreeObserved = 0;
  for (const p of pairs) {
    nc.set(p.c, nc.get(p.c)! + p.coincidence);
    pairsOf.set(p.c, pairsOf.get(p.c)! + p.pairs);
    allPairs += p.pairs;
    if (p.c === p.k) agreeing += p.pairs;
    else disagreeObserved += p.coincidence;
  }
  const n = [...nc.values()].reduce((a, b) => a + b, 0);
  let disagreeExpected = 0;
  for (const c of categories) for (const k of categories) if (c !== k) disagreeExpected += nc.get(c)! * nc.get(k)!;
  const krippendorff_alpha = disagreeExpected === 0 ? Number.NaN : 1 - ((n - 1) * disagreeObserved) / disagreeExpected;

  let fleiss_kappa: number | null = null;
  if (pairable.length === 1) {
    // Fleiss: P̄ = Σ_u Σ_c n_uc(n_uc − 1) / (N m (m − 1)); P̄e = Σ_c (n_c / (N m))².
    const m = pairable[0]!.m;
    const N = pairable[0]!.items;
    const pBar = agreeing / (N * m * (m - 1));
    const peBar = categories.reduce((s, c) => s + (nc.get(c)! / (N * m)) ** 2, 0);
    fleiss_kappa = peBar === 1 ? Number.NaN : (pBar - peBar) / (1 - peBar);
  }
  const per_class = categories.map((c) => {
    const same = pairs.find((p) => p.c === c && p.k === c)?.pairs ?? 0;
    const total = pairsOf.get(c)!;
    return { class: c, agreement: total === 0 ? Number.NaN : same / total, ratings: nc.get(c)! };
  });
  return { categories, items, fleiss_kappa, krippendorff_alpha, percent_agreement: allPairs === 0 ? Number.NaN : agreeing / allPairs, per_class };
}

export interface RaterRow {
  rater: string;
  ratings: number;
  with_majority: number;
  agree_majority: number;
  gold_items: number;
  gold_correct: number;
}

/** Per rater: agreement with the majority (ties excluded) and gold accuracy (null without gold items). */
export function raterSummary(rows: readonly RaterRow[]): { rater: string; ratings: number; agreement_with_majority: number | null; gold_items: number; gold_accuracy: number | null }[] {
  return rows.map((r) => ({
    rater: r.rater,
    ratings: r.ratings,
    agreement_with_majority: r.with_majority === 0 ? null : r.agree_majority / r.with_majority,
    gold_items: r.gold_items,
    gold_accuracy: r.gold_items === 0 ? null : r.gold_correct / r.gold_items,
  }));
}

/** Cohen's kappa of every two raters over the items both rated, as a symmetric matrix (1 on the diagonal). */
export function pairwiseKappa(rows: readonly { r1: string; r2: string; l1: string; l2: string; n: number }[]): { raters: string[]; kappa: (number | null)[][]; shared: number[][] } {
  const raters = [...new Set(rows.flatMap((r) => [r.r1, r.r2]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const idx = new Map(raters.map((r, i) => [r, i]));
  const kappa = raters.map((_, i) => raters.map((__, j) => (i === j ? 1 : null)) as (number | null)[]);
  const shared = raters.map(() => raters.map(() => 0));
  const byPair = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = `${r.r1}\u0000${r.r2}`;
    byPair.set(key, [...(byPair.get(key) ?? []), r]);
  }
  for (const [key, list] of byPair) {
    const [a, b] = key.split('\u0000') as [string, string];
    const labels = [...new Set(list.flatMap((r) => [r.l1, r.l2]))].sort();
    const li = new Map(labels.map((l, i) => [l, i]));
    const m = labels.map(() => labels.map(() => 0));
    let total = 0;
    for (const r of list) {
      m[li.get(r.l1)!]![li.get(r.l2)!]! += r.n;
      total += r.n;
    }
    const k = cohenKappa(m);
    const i = idx.get(a)!;
    const j = idx.get(b)!;
    kappa[i]![j] = kappa[j]![i] = Number.isNaN(k) ? null : k;
    shared[i]![j] = shared[j]![i] = total;
  }
  return { raters, kappa, shared };
}
