import { quoteIdent } from '../sql/quote';
import { cohenKappa } from './cohenKappa';

/** Columns of a long-format ratings table: one row per (item, rater, label). */
export interface RatingsColumns {
  source: string;
  item: string;
  rater: string;
  label: string;
}

/** Where the cell keeps its two small working tables. */
export interface AgreementTables {
  /** (item, label, n): how many ratings of each label each item got. */
  labels: string;
  /**
   * (item, ratings, agreement, top_votes): per item, agreeing ordered pairs / all ordered pairs
   * (NULL below 2 ratings), and how many ratings its most chosen label got.
   */
  items: string;
}

/** The ratings, NULL items and labels dropped; item keeps its type (cheaper joins), labels are text. */
function ratingsFrom(c: RatingsColumns): string {
  return `SELECT ${quoteIdent(c.item)} AS item, CAST(${quoteIdent(c.rater)} AS VARCHAR) AS rater, CAST(${quoteIdent(c.label)} AS VARCHAR) AS label
  FROM ${quoteIdent(c.source)}
  WHERE ${quoteIdent(c.item)} IS NOT NULL AND ${quoteIdent(c.label)} IS NOT NULL`;
}

/**
 * Statements that build the two working tables every other query reads, so the ratings are
 * scanned and grouped once. The items table is the cell's result: items by agreement.
 */
export function agreementPrepSql(c: RatingsColumns, t: AgreementTables): string[] {
  return [
    `CREATE OR REPLACE TABLE ${quoteIdent(t.labels)} AS SELECT item, label, count(*)::DOUBLE AS n FROM (${ratingsFrom(c)}) GROUP BY ALL`,
    `CREATE OR REPLACE TABLE ${quoteIdent(t.items)} AS
SELECT item, sum(n)::INTEGER AS ratings,
       CASE WHEN sum(n) >= 2 THEN sum(n * (n - 1)) / (sum(n) * (sum(n) - 1)) END AS agreement,
       max(n)::INTEGER AS top_votes
FROM ${quoteIdent(t.labels)}
GROUP BY item`,
  ];
}

/**
 * SQL for one row per label over the items with two or more ratings (m_u of them, n_uc of
 * label c): `ratings` = Σ_u n_uc; `pairs` = Σ_u n_uc·(m_u − 1), the ordered rating pairs that
 * start with c; `agreeing` = Σ_u n_uc·(n_uc − 1), those that end with c too; and
 * `disagreeing` = Σ_u n_uc·(m_u − n_uc)/(m_u − 1), the off-diagonal row of Krippendorff's
 * coincidence matrix. These margins are all the statistics need, so no pair of labels is
 * ever joined.
 */
export function agreementClassesSql(t: AgreementTables): string {
  return `SELECT l.label AS c, sum(l.n) AS ratings, sum(l.n * (s.ratings - 1)) AS pairs, sum(l.n * (l.n - 1)) AS agreeing,
       sum(l.n * (s.ratings - l.n) / (s.ratings - 1)) AS disagreeing
FROM ${quoteIdent(t.labels)} l JOIN ${quoteIdent(t.items)} s USING (item)
WHERE s.ratings >= 2
GROUP BY l.label`;
}

/** SQL for how many items have m ratings, per m (Fleiss' kappa needs one m). */
export function itemSizesSql(t: AgreementTables): string {
  return `SELECT ratings AS m, count(*)::DOUBLE AS items FROM ${quoteIdent(t.items)} GROUP BY ratings ORDER BY ratings`;
}

/**
 * SQL for each rater's agreement with the majority label of the item (all ratings of the
 * item vote; items whose top label is tied are left out) and, when a gold column is given,
 * accuracy on the items that have a gold label.
 */
export function raterSummarySql(c: RatingsColumns, t: AgreementTables, gold?: string): string {
  const goldCte = gold
    ? `SELECT ${quoteIdent(c.item)} AS item, any_value(CAST(${quoteIdent(gold)} AS VARCHAR)) AS gold FROM ${quoteIdent(c.source)} WHERE ${quoteIdent(gold)} IS NOT NULL GROUP BY 1`
    : `SELECT NULL AS item, NULL::VARCHAR AS gold WHERE false`;
  return `WITH __assay_majority AS (
  SELECT l.item, any_value(l.label) AS majority
  FROM ${quoteIdent(t.labels)} l JOIN ${quoteIdent(t.items)} s USING (item)
  WHERE l.n = s.top_votes
  GROUP BY l.item HAVING count(*) = 1
),
__assay_gold AS (${goldCte})
SELECT r.rater,
       count(*)::DOUBLE AS ratings,
       count(m.majority)::DOUBLE AS with_majority,
       count(*) FILTER (WHERE r.label = m.majority)::DOUBLE AS agree_majority,
       count(g.gold)::DOUBLE AS gold_items,
       count(*) FILTER (WHERE r.label = g.gold)::DOUBLE AS gold_correct
FROM (${ratingsFrom(c)}) r LEFT JOIN __assay_majority m USING (item) LEFT JOIN __assay_gold g USING (item)
GROUP BY r.rater
ORDER BY r.rater`;
}

/** SQL for the label pairs of every two raters on their shared items (for the pairwise kappa matrix). */
export function raterPairsSql(c: RatingsColumns): string {
  return `WITH __assay_r AS (${ratingsFrom(c)})
SELECT a.rater AS r1, b.rater AS r2, a.label AS l1, b.label AS l2, count(*)::DOUBLE AS n
FROM __assay_r a JOIN __assay_r b ON a.item = b.item AND a.rater < b.rater
GROUP BY ALL`;
}

/** SQL for the `limit` items with the lowest agreement, with their labels spelled out. */
export function lowestItemsSql(t: AgreementTables, limit: number): string {
  return `WITH __assay_low AS (
  SELECT item, ratings, agreement FROM ${quoteIdent(t.items)} WHERE ratings >= 2 ORDER BY agreement, item LIMIT ${Math.max(0, Math.floor(limit))}
)
SELECT low.item, low.ratings, low.agreement,
       string_agg(l.label || ' ×' || CAST(l.n AS INTEGER), ', ' ORDER BY l.n DESC, l.label) AS labels
FROM __assay_low low JOIN ${quoteIdent(t.labels)} l USING (item)
GROUP BY low.item, low.ratings, low.agreement
ORDER BY low.agreement, low.item`;
}

/** One row of agreementClassesSql. */
export interface ClassRow {
  c: string;
  ratings: number;
  pairs: number;
  agreeing: number;
  disagreeing: number;
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
 * Krippendorff 2011), pairwise percent agreement and per-class agreement, from the per-label
 * margins and the item sizes. Only items with two or more ratings count.
 */
export function agreementStats(classes: readonly ClassRow[], sizes: readonly { m: number; items: number }[]): AgreementStats {
  const sorted = [...classes].sort((a, b) => (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
  const categories = sorted.map((r) => r.c);
  const pairable = sizes.filter((s) => s.m >= 2);
  const items = pairable.reduce((s, x) => s + x.items, 0);
  const sum = (f: (r: ClassRow) => number) => sorted.reduce((s, r) => s + f(r), 0);
  // n_c (ratings of c in pairable items) are the coincidence matrix's margins.
  const n = sum((r) => r.ratings);
  const agreeing = sum((r) => r.agreeing);
  const allPairs = sum((r) => r.pairs);
  const disagreeObserved = sum((r) => r.disagreeing);
  // Σ_{c≠k} n_c·n_k = n² − Σ_c n_c², exact in doubles while the counts stay below 2^26.
  const disagreeExpected = n * n - sum((r) => r.ratings * r.ratings);
  const krippendorff_alpha = disagreeExpected === 0 ? Number.NaN : 1 - ((n - 1) * disagreeObserved) / disagreeExpected;

  let fleiss_kappa: number | null = null;
  if (pairable.length === 1) {
    // Fleiss: P̄ = Σ_u Σ_c n_uc(n_uc − 1) / (N m (m − 1)); P̄e = Σ_c (n_c / (N m))².
    const m = pairable[0]!.m;
    const N = pairable[0]!.items;
    const pBar = agreeing / (N * m * (m - 1));
    const peBar = sum((r) => (r.ratings / (N * m)) ** 2);
    fleiss_kappa = peBar === 1 ? Number.NaN : (pBar - peBar) / (1 - peBar);
  }
  const per_class = sorted.map((r) => ({ class: r.c, agreement: r.pairs === 0 ? Number.NaN : r.agreeing / r.pairs, ratings: r.ratings }));
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
