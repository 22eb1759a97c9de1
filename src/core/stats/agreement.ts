import { labelOrder } from './labelOrder';
import { quoteIdent } from '../sql/quote';

/** Columns of a long-format ratings table: one row per (item, rater, label). */
export interface RatingsColumns {
  source: string;
  item: string;
  rater: string;
  label: string;
}

/**
 * Where the cell keeps its working tables. Items whose ratings are the same multiset of
 * (rater, label) pairs, with the same gold label, add the same to every statistic, so when
 * many items share one (a few fixed raters, a few labels) they are grouped: each group is
 * represented by its smallest item `g` and weighted by its number of items `w`. Otherwise
 * each item is its own group `g` of weight 1 and the ratings are read in place.
 */
export interface AgreementTables {
  /** Grouped only. (item, m, h1, h2, gold): per item its number of ratings, two sums of hashes of its (rater, label) pairs, its gold label. */
  keys: string;
  /** Grouped only. (g, w, m, h1, h2, gold): one row per distinct key of `keys`. */
  groups: string;
  /** Grouped only. (g, rater, label): the ratings of each group's item. */
  ratings: string;
  /** (g, label, n): how many ratings of each label each group's item got. */
  labels: string;
  /** (g, w, gold, ratings, agreement, top_votes): per group, agreeing ordered pairs / all ordered pairs (NULL below 2 ratings) and the most chosen label's votes. */
  stats: string;
  /** The cell's view: (item, ratings, agreement, top_votes) for every item. */
  items: string;
}

/** The ratings, NULL items and labels dropped; item keeps its type (cheaper joins), labels are text. */
function ratingsFrom(c: RatingsColumns): string {
  return `SELECT ${quoteIdent(c.item)} AS item, CAST(${quoteIdent(c.rater)} AS VARCHAR) AS rater, CAST(${quoteIdent(c.label)} AS VARCHAR) AS label
  FROM ${quoteIdent(c.source)}
  WHERE ${quoteIdent(c.item)} IS NOT NULL AND ${quoteIdent(c.label)} IS NOT NULL`;
}

/** Each item's gold label (item, gold), read from every row of the source that has one. */
function goldFrom(c: RatingsColumns, gold: string): string {
  return `SELECT ${quoteIdent(c.item)} AS item, any_value(CAST(${quoteIdent(gold)} AS VARCHAR)) AS gold FROM ${quoteIdent(c.source)} WHERE ${quoteIdent(gold)} IS NOT NULL GROUP BY 1`;
}

/**
 * Per item of `ratings` (item, rater, label): (item, m, h1, h2), its number of ratings and two
 * 128-bit sums over its ratings of a 64-bit hash of (rater, label) and of that hash hashed
 * again. Sums, unlike a sorted string, need no ordering within the item, and they count a
 * repeated rating twice. Two different multisets share a key only if both sums collide: for
 * hashes that behave randomly, a chance of about 2^-128 for any two items.
 */
function keysOf(ratings: string): string {
  return `SELECT item, count(*)::INTEGER AS m, sum(h) AS h1, sum(hash(h)) AS h2
  FROM (SELECT item, hash(rater, label) AS h FROM (${ratings}))
  GROUP BY item`;
}

/**
 * SQL estimating whether grouping pays, from the items whose hash falls in one 32nd: how many
 * there are and how many distinct keys they have. A sample has relatively more distinct keys
 * than the whole, so it errs towards not grouping.
 */
export function groupingSampleSql(c: RatingsColumns): string {
  return `SELECT count(*)::DOUBLE AS items, count(DISTINCT (m, h1, h2))::DOUBLE AS groups
FROM (${keysOf(`SELECT * FROM (${ratingsFrom(c)}) WHERE hash(item) % 32 = 0`)})`;
}

/**
 * Whether to work on groups: when they at most halve the items. Below that, building the keys,
 * copying the representatives' ratings and joining the weights back costs more than it saves.
 */
export function useGroups(sample: { groups: number; items: number }): boolean {
  return sample.groups * 2 <= sample.items;
}

/** Items with their group: (item, g, ratings, agreement, top_votes), those of the groups `where` picks. */
function itemsWithGroup(t: AgreementTables, grouped: boolean, where = 'true'): string {
  return grouped
    ? `SELECT k.item, gr.g, s.ratings, s.agreement, s.top_votes
FROM ${quoteIdent(t.keys)} k
JOIN ${quoteIdent(t.groups)} gr ON k.m = gr.m AND k.h1 = gr.h1 AND k.h2 = gr.h2 AND k.gold IS NOT DISTINCT FROM gr.gold
JOIN (SELECT * FROM ${quoteIdent(t.stats)} s WHERE ${where}) s ON s.g = gr.g`
    : `SELECT g AS item, g, ratings, agreement, top_votes FROM ${quoteIdent(t.stats)} s WHERE ${where}`;
}

/** The ratings as (g, rater, label): the groups' copy, or the source read in place. */
function groupRatings(c: RatingsColumns, t: AgreementTables, grouped: boolean): string {
  return grouped ? quoteIdent(t.ratings) : `(SELECT item AS g, rater, label FROM (${ratingsFrom(c)}))`;
}

/**
 * Statements that build the working tables every other query reads, so the ratings are
 * scanned and grouped once, and the cell's view of items by agreement.
 */
export function agreementPrepSql(c: RatingsColumns, t: AgreementTables, grouped: boolean, gold?: string): string[] {
  const keys = gold
    ? `SELECT k.*, g.gold FROM (${keysOf(ratingsFrom(c))}) k LEFT JOIN (${goldFrom(c, gold)}) g USING (item)`
    : `SELECT *, NULL::VARCHAR AS gold FROM (${keysOf(ratingsFrom(c))})`;
  // Per group: its weight and gold label.
  const weights = grouped
    ? `JOIN ${quoteIdent(t.groups)} w USING (g)`
    : gold
      ? `LEFT JOIN (SELECT item AS g, gold FROM (${goldFrom(c, gold)})) w USING (g)`
      : '';
  return [
    ...(grouped
      ? [
          `CREATE OR REPLACE TABLE ${quoteIdent(t.keys)} AS ${keys}`,
          `CREATE OR REPLACE TABLE ${quoteIdent(t.groups)} AS
SELECT min(item) AS g, count(*)::DOUBLE AS w, m, h1, h2, gold FROM ${quoteIdent(t.keys)} GROUP BY m, h1, h2, gold`,
          `CREATE OR REPLACE TABLE ${quoteIdent(t.ratings)} AS SELECT item AS g, rater, label FROM (${ratingsFrom(c)}) WHERE item IN (SELECT g FROM ${quoteIdent(t.groups)})`,
        ]
      : // A grouped run before this one left its tables; they hold memory and nothing reads them.
        [t.keys, t.groups, t.ratings].map((name) => `DROP TABLE IF EXISTS ${quoteIdent(name)}`)),
    `CREATE OR REPLACE TABLE ${quoteIdent(t.labels)} AS SELECT g, label, count(*)::DOUBLE AS n FROM ${groupRatings(c, t, grouped)} GROUP BY ALL`,
    `CREATE OR REPLACE TABLE ${quoteIdent(t.stats)} AS
SELECT l.g, ${grouped ? 'any_value(w.w)' : '1::DOUBLE'} AS w, ${weights ? 'any_value(w.gold)' : 'NULL::VARCHAR'} AS gold, sum(l.n)::INTEGER AS ratings,
       CASE WHEN sum(l.n) >= 2 THEN sum(l.n * (l.n - 1)) / (sum(l.n) * (sum(l.n) - 1)) END AS agreement,
       max(l.n)::INTEGER AS top_votes
FROM ${quoteIdent(t.labels)} l ${weights}
GROUP BY l.g`,
    `CREATE OR REPLACE VIEW ${quoteIdent(t.items)} AS SELECT item, ratings, agreement, top_votes FROM (${itemsWithGroup(t, grouped)})`,
  ];
}

/**
 * SQL for one row per label over the items with two or more ratings (m_u of them, n_uc of
 * label c): `ratings` = Σ_u n_uc; `pairs` = Σ_u n_uc·(m_u − 1), the ordered rating pairs that
 * start with c; `agreeing` = Σ_u n_uc·(n_uc − 1), those that end with c too; and
 * `disagreeing` = Σ_u n_uc·(m_u − n_uc)/(m_u − 1), the off-diagonal row of Krippendorff's
 * coincidence matrix. These margins are all the statistics need, so no pair of labels is
 * ever joined. Each group counts w times.
 */
export function agreementClassesSql(t: AgreementTables): string {
  return `SELECT l.label AS c, sum(s.w * l.n) AS ratings, sum(s.w * l.n * (s.ratings - 1)) AS pairs, sum(s.w * l.n * (l.n - 1)) AS agreeing,
       sum(s.w * l.n * (s.ratings - l.n) / (s.ratings - 1)) AS disagreeing
FROM ${quoteIdent(t.labels)} l JOIN ${quoteIdent(t.stats)} s USING (g)
WHERE s.ratings >= 2
GROUP BY l.label`;
}

/** SQL for how many items have m ratings, per m (Fleiss' kappa needs one m). */
export function itemSizesSql(t: AgreementTables): string {
  return `SELECT ratings AS m, sum(w) AS items FROM ${quoteIdent(t.stats)} GROUP BY ratings ORDER BY ratings`;
}

/**
 * SQL for each rater's agreement with the majority label of the item (all ratings of the
 * item vote; items whose top label is tied are left out) and accuracy on the items that have
 * a gold label (none when the keys were built without a gold column).
 */
export function raterSummarySql(c: RatingsColumns, t: AgreementTables, grouped: boolean, gold?: string): string {
  // Ungrouped and without gold, every weight is 1 and no gold is read: counting spares a join.
  const weighted = grouped || gold !== undefined;
  const total = (filter?: string) =>
    weighted ? `coalesce(sum(s.w)${filter ? ` FILTER (WHERE ${filter})` : ''}, 0)::DOUBLE` : `count(*)${filter ? ` FILTER (WHERE ${filter})` : ''}::DOUBLE`;
  return `WITH __assay_majority AS (
  SELECT l.g, any_value(l.label) AS majority
  FROM ${quoteIdent(t.labels)} l JOIN ${quoteIdent(t.stats)} s USING (g)
  WHERE l.n = s.top_votes
  GROUP BY l.g HAVING count(*) = 1
)
SELECT r.rater,
       ${total()} AS ratings,
       ${total('m.majority IS NOT NULL')} AS with_majority,
       ${total('r.label = m.majority')} AS agree_majority,
       ${weighted ? total('s.gold IS NOT NULL') : '0::DOUBLE'} AS gold_items,
       ${weighted ? total('r.label = s.gold') : '0::DOUBLE'} AS gold_correct
FROM ${groupRatings(c, t, grouped)} r ${weighted ? `JOIN ${quoteIdent(t.stats)} s USING (g) ` : ''}LEFT JOIN __assay_majority m USING (g)
GROUP BY r.rater
ORDER BY r.rater`;
}

/**
 * SQL for Cohen's kappa's inputs for every two raters over the items both rated, one row per
 * pair (r1 < r2): `shared` ratings pairs N, `agree` those with one label, and `chance` =
 * Σ_l A_l·B_l, the products of the two raters' label margins. The label pairs stay in DuckDB:
 * with many raters they run to a million rows.
 */
export function raterPairsSql(c: RatingsColumns, t: AgreementTables, grouped: boolean): string {
  const ratings = groupRatings(c, t, grouped);
  // Ungrouped, every weight is 1: counting spares joining the weights to a million pairs.
  const pairs = grouped
    ? `SELECT a.rater AS r1, b.rater AS r2, a.label AS l1, b.label AS l2, sum(s.w) AS n
  FROM ${ratings} a JOIN ${ratings} b ON a.g = b.g AND a.rater < b.rater JOIN ${quoteIdent(t.stats)} s ON s.g = a.g
  GROUP BY ALL`
    : `SELECT a.rater AS r1, b.rater AS r2, a.label AS l1, b.label AS l2, count(*)::DOUBLE AS n
  FROM ${ratings} a JOIN ${ratings} b ON a.g = b.g AND a.rater < b.rater
  GROUP BY ALL`;
  return `WITH __assay_pairs AS MATERIALIZED (
  ${pairs}
),
__assay_first AS (SELECT r1, r2, l1 AS l, sum(n) AS n FROM __assay_pairs GROUP BY ALL),
__assay_second AS (SELECT r1, r2, l2 AS l, sum(n) AS n FROM __assay_pairs GROUP BY ALL),
__assay_chance AS (SELECT a.r1, a.r2, sum(a.n * b.n) AS chance FROM __assay_first a JOIN __assay_second b USING (r1, r2, l) GROUP BY ALL)
SELECT p.r1, p.r2, p.shared, p.agree, coalesce(ch.chance, 0) AS chance
FROM (SELECT r1, r2, sum(n) AS shared, coalesce(sum(n) FILTER (WHERE l1 = l2), 0) AS agree FROM __assay_pairs GROUP BY ALL) p
LEFT JOIN __assay_chance ch USING (r1, r2)
ORDER BY p.r1, p.r2`;
}

/**
 * SQL for the `limit` items with the lowest agreement, with their labels spelled out. The
 * groups' weights give the agreement of the limit-th lowest item first, so only the items of
 * groups at or below it are mapped back from their keys.
 */
export function lowestItemsSql(t: AgreementTables, grouped: boolean, limit: number): string {
  const n = Math.max(0, Math.floor(limit));
  // Ungrouped, a top-n over the items needs no cut (and a window over them would cost more).
  const cut = grouped
    ? `__assay_cut AS (
  SELECT coalesce(min(agreement) FILTER (WHERE below >= ${n}), max(agreement)) AS agreement
  FROM (SELECT agreement, sum(w) OVER (ORDER BY agreement) AS below FROM ${quoteIdent(t.stats)} WHERE ratings >= 2)
),
`
    : '';
  const where = grouped ? 's.ratings >= 2 AND s.agreement <= (SELECT agreement FROM __assay_cut)' : 's.ratings >= 2';
  return `WITH ${cut}__assay_low AS (
  SELECT item, g, ratings, agreement FROM (${itemsWithGroup(t, grouped, where)})
  ORDER BY agreement, item LIMIT ${n}
)
SELECT low.item, low.ratings, low.agreement,
       string_agg(l.label || ' ×' || CAST(l.n AS INTEGER), ', ' ORDER BY l.n DESC, l.label) AS labels
FROM __assay_low low JOIN ${quoteIdent(t.labels)} l USING (g)
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
  const sorted = [...classes].sort((a, b) => labelOrder(a.c, b.c));
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

/** One row of raterPairsSql. */
export interface RaterPairRow {
  r1: string;
  r2: string;
  shared: number;
  agree: number;
  chance: number;
}

/**
 * Cohen's kappa of every two raters over the items both rated, as a symmetric matrix (1 on
 * the diagonal): (agree·N − chance)/(N² − chance), scikit-learn's 1 − Σ w·O / Σ w·E with 0/1
 * weights multiplied through by N; null where no chance disagreement is possible.
 */
export function pairwiseKappa(rows: readonly RaterPairRow[]): { raters: string[]; kappa: (number | null)[][]; shared: number[][] } {
  const raters = [...new Set(rows.flatMap((r) => [r.r1, r.r2]))].sort(labelOrder);
  const idx = new Map(raters.map((r, i) => [r, i]));
  const kappa = raters.map((_, i) => raters.map((__, j) => (i === j ? 1 : null)) as (number | null)[]);
  const shared = raters.map(() => raters.map(() => 0));
  for (const r of rows) {
    const n = r.shared;
    const expected = n * n - r.chance;
    const i = idx.get(r.r1)!;
    const j = idx.get(r.r2)!;
    kappa[i]![j] = kappa[j]![i] = expected === 0 ? null : (r.agree * n - r.chance) / expected;
    shared[i]![j] = shared[j]![i] = n;
  }
  return { raters, kappa, shared };
}
