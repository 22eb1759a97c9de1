import { topCategories } from '../stats/topCategories';
import { labelOrderNullsLast } from '../stats/labelOrder';
import { AssayError } from '../errors';
import { describeColumns } from '../sql/describe';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import type { CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';
import type { SpecSchema } from './specSchema';

export interface SampleSpec {
  source: string;
  stratify: string;
  key: string;
  fraction: number;
  minPerClass: number;
  seed?: number | string;
  strata: string[];
  mask: string[];
}

/** How many sampled rows the cell's output shows (the view holds them all). */
const SHOWN_ROWS = 10_000;

/** The text masked columns show to reviewers. */
export const MASKED = '•••';

/** A UBIGINT expression with the bytes of `x` (a column, not an expression: it appears 8 times) reversed. */
function byteSwapSql(x: string): string {
  return `(${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `(((${x} >> ${8 * i}) & 255::UBIGINT) << ${56 - 8 * i})`).join(' | ')})`;
}

/**
 * The rows of the source with `cols` and md5(seed:key) as two raw 64-bit halves, __assay_b1
 * and __assay_b2. md5_number holds the digest's first 8 bytes in its low 64 bits, each half
 * little-endian, so the halves sort as the hex string does only with their bytes swapped back
 * (rankSql); the swap is left to the few rows that are ranked. The digest is computed once
 * per row in the inner query: an expression repeated in SQL is computed again each time it
 * appears. A NULL key has NULL halves.
 */
function hashedSql(spec: SampleSpec, seed: string, cols: string, from = quoteIdent(spec.source)): string {
  const md5 = `md5_number(${quoteLiteral(`${seed}:`)} || CAST(${quoteIdent(spec.key)} AS VARCHAR))`;
  return `SELECT * EXCLUDE (__assay_md5), (__assay_md5 & 18446744073709551615::UHUGEINT)::UBIGINT AS __assay_b1, (__assay_md5 >> 64)::UBIGINT AS __assay_b2
    FROM (SELECT ${cols}, ${md5} AS __assay_md5 FROM ${from})`;
}

/**
 * The ranking order of hashed rows: the halves byte-swapped, which sorts exactly as the md5
 * hex string (tested against the Python reference's keys and a ranking by the hex string).
 * NULL keys rank last.
 */
function rankSql(alias = ''): string {
  return `${byteSwapSql(`${alias}__assay_b1`)}, ${byteSwapSql(`${alias}__assay_b2`)}`;
}

/**
 * The top 8 bits of the ranking order's first half, a bucket of the cut-off histogram (256
 * buckets), read straight from the raw half: its lowest byte. Fewer buckets group faster
 * (4,096 took twice as long in DuckDB-WASM), and the one bucket that is ranked still holds
 * only 1/256 of its stratum.
 * NULL hashes (NULL keys) rank last: they go in a bucket after every other.
 */
const BUCKET_SQL = `coalesce(__assay_b1 & 255::UBIGINT, 256)`;

/** Masked columns shown as MASKED (NULL stays NULL), as a `* REPLACE (...)` clause; '' when none. */
function maskedSql(spec: SampleSpec, alias = ''): string {
  if (!spec.mask.length) return '';
  const col = (m: string) => `${alias}${quoteIdent(m)}`;
  return ` REPLACE (${spec.mask.map((m) => `CASE WHEN ${col(m)} IS NULL THEN NULL ELSE ${quoteLiteral(MASKED)} END AS ${quoteIdent(m)}`).join(', ')})`;
}

/** The sample size n = min(N, max(min, ceil(fraction × N))) of a stratum of `population` rows. */
function sizeSql(spec: SampleSpec, population: string): string {
  return `least(${population}, greatest(${quoteLiteral(spec.minPerClass)}, ceil(${population} * ${quoteLiteral(spec.fraction)})))`;
}

/**
 * SQL for a stratified sample: per stratum n = min(N, max(min_per_class, ceil(fraction × N)))
 * with the fraction as a DECIMAL literal, so 0.05 × 60 is exactly 3; rows ranked within their
 * stratum by md5(seed:key), the first n taken. md5 is the same on every engine, so the same
 * seed picks the same rows in the browser, under Node and natively.
 */
export function sampleSql(spec: SampleSpec, seed: string): string {
  const strata = [spec.stratify, ...spec.strata].map(quoteIdent).join(', ');
  const masked = maskedSql(spec);
  return `WITH __assay_ranked AS (
  SELECT * EXCLUDE (__assay_b1, __assay_b2),
         row_number() OVER (PARTITION BY ${strata} ORDER BY ${rankSql()}) AS __assay_rank,
         count(*) OVER (PARTITION BY ${strata}) AS __assay_population
  FROM (${hashedSql(spec, seed, '*')})
)
SELECT * EXCLUDE (__assay_rank, __assay_population)${masked}
FROM __assay_ranked
WHERE __assay_rank <= ${sizeSql(spec, '__assay_population')}
ORDER BY ${strata}, __assay_rank`;
}

/**
 * The chosen rows of a base table, narrow: (rowid, key, strata, h1, h2) of the first n per
 * stratum, h1 and h2 the ranking order's halves. Sorting every row by its hash is what made
 * the sample slow, and only 5 % are kept: a histogram of the hash's top 8 bits per stratum
 * finds the bucket the n-th row falls in. Every row of the buckets before it is chosen
 * unranked, and only the rows of that one bucket are ranked, to take as many as are still
 * missing. The hash orders the rows and the buckets alike, so these are the rows a ranking of
 * the whole stratum takes. `base` is the base table (quoted) the source is or reads unchanged.
 */
export function sampleChosenSql(spec: SampleSpec, seed: string, base = quoteIdent(spec.source)): string {
  const cols = [spec.stratify, ...spec.strata].map(quoteIdent);
  const strata = cols.join(', ');
  const of = (alias: string) => cols.map((c) => `${alias}.${c}`).join(', ');
  const sameStratum = cols.map((c) => `h.${c} IS NOT DISTINCT FROM x.${c}`).join(' AND ');
  const key = quoteIdent(spec.key);
  return `WITH __assay_hashed AS (
  SELECT __assay_rowid, ${strata}, __assay_b1, __assay_b2, ${BUCKET_SQL} AS __assay_bucket
  FROM (${hashedSql(spec, seed, `rowid AS __assay_rowid, ${strata}`, base)})
),
__assay_cut AS (
  SELECT ${strata}, min(__assay_bucket) FILTER (WHERE __assay_below >= __assay_size) AS __assay_last,
         (any_value(__assay_size) - min(__assay_below - __assay_n) FILTER (WHERE __assay_below >= __assay_size)) AS __assay_missing
  FROM (
    SELECT ${strata}, __assay_bucket, __assay_n,
           sum(__assay_n) OVER (PARTITION BY ${strata} ORDER BY __assay_bucket) AS __assay_below,
           ${sizeSql(spec, `sum(__assay_n) OVER (PARTITION BY ${strata})`)} AS __assay_size
    FROM (SELECT ${strata}, __assay_bucket, count(*) AS __assay_n FROM __assay_hashed GROUP BY ALL)
  )
  GROUP BY ALL
),
__assay_near AS MATERIALIZED (
  SELECT h.__assay_rowid, ${of('h')}, h.__assay_b1, h.__assay_b2, h.__assay_bucket = x.__assay_last AS __assay_edge, x.__assay_missing
  FROM __assay_hashed h JOIN __assay_cut x ON ${sameStratum}
  WHERE h.__assay_bucket <= x.__assay_last
),
__assay_taken AS (
  SELECT __assay_rowid, ${strata}, __assay_b1, __assay_b2 FROM __assay_near WHERE NOT __assay_edge
  UNION ALL
  SELECT __assay_rowid, ${strata}, __assay_b1, __assay_b2 FROM (
    SELECT *, row_number() OVER (PARTITION BY ${strata} ORDER BY ${rankSql()}) AS __assay_rank FROM __assay_near WHERE __assay_edge
  )
  WHERE __assay_rank <= __assay_missing
)
SELECT c.__assay_rowid, s.${key}, ${of('c')}, ${byteSwapSql('c.__assay_b1')} AS __assay_h1, ${byteSwapSql('c.__assay_b2')} AS __assay_h2
FROM __assay_taken AS c JOIN ${base} AS s ON s.rowid = c.__assay_rowid`;
}

/**
 * The sampled rows of a base table through its chosen rows (sampleChosenSql, kept in
 * `chosen`), in review order; the first `limit` of them when given, picked among the narrow
 * chosen rows before any wide row of the source is joined and sorted. The key must match as
 * well as the rowid, so a source reloaded since the cell ran can lose rows from the view but
 * never show other records in their place. `base` as for sampleChosenSql.
 */
export function sampleFromChosenSql(spec: SampleSpec, chosen: string, limit?: number, base = quoteIdent(spec.source)): string {
  const masked = maskedSql(spec, 's.');
  const key = quoteIdent(spec.key);
  const order = [spec.stratify, ...spec.strata].map((c) => `c.${quoteIdent(c)}`).join(', ');
  // Rows with one key tie on the hash; the rowid keeps their order fixed.
  const rank = `${order}, c.__assay_h1, c.__assay_h2, c.__assay_rowid`;
  const from = limit === undefined ? quoteIdent(chosen) : `(SELECT * FROM ${quoteIdent(chosen)} c ORDER BY ${rank} LIMIT ${Math.max(0, Math.floor(limit))})`;
  return `SELECT s.*${masked}
FROM ${base} AS s JOIN ${from} AS c ON s.rowid = c.__assay_rowid AND s.${key} IS NOT DISTINCT FROM c.${key}
ORDER BY ${rank}`;
}

/** SQL for the per-stratum table: population and sample size. */
export function sampleSizesSql(spec: SampleSpec): string {
  const cols = [spec.stratify, ...spec.strata];
  const select = cols.map((c) => `CAST(${quoteIdent(c)} AS VARCHAR) AS ${quoteIdent(c)}`).join(', ');
  return `SELECT ${select}, count(*)::DOUBLE AS population,
       ${sizeSql(spec, 'count(*)')}::DOUBLE AS size
FROM ${quoteIdent(spec.source)} GROUP BY ALL ORDER BY ALL`;
}

/** The keys of a `sample` cell's spec. */
export const SAMPLE_SCHEMA: SpecSchema = {
  source: { role: 'relation', required: true, doc: 'the source or cell to sample' },
  stratify: { role: 'column', required: true, hint: 'label', doc: 'the class column: every class is sampled' },
  key: { role: 'column', required: true, hint: 'key', doc: 'the record key the seeded hash ranks by' },
  fraction: { role: 'number', doc: 'the share of each class to take, 0 to 1 (0.05)' },
  min_per_class: { role: 'number', doc: 'at least this many per class (or all of it)' },
  seed: { role: 'text', doc: 'the seed (default: the notebook’s seed parameter)' },
  strata: { role: 'columns', doc: 'further columns to stratify by' },
  mask: { role: 'columns', doc: 'columns hidden from reviewers (personal data)' },
};

/**
 * `sample` — a reproducible stratified spot-check sample: a share of every class (5 % by
 * default), at least a minimum, chosen by a seeded hash of each record's key. Masked columns
 * (personal data) are blanked in what reviewers see. The cell's view holds the sampled rows.
 */
export const sampleCell: CellKind<SampleSpec> = {
  kind: 'sample',
  description: 'Stratified spot-check sample: a share of every class, reproducible from a seed',
  schema: SAMPLE_SCHEMA,
  template: 'source: batch\nstratify: label\nkey: image_id\nfraction: 0.05\nmin_per_class: 5',
  parse(body) {
    const y = new YamlSpec(body, SAMPLE_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const seed = y.raw('seed');
    if (seed !== undefined && typeof seed !== 'number' && typeof seed !== 'string') y.problem('seed', 'must be a number or text');
    const spec: SampleSpec = {
      source: y.text('source', true),
      stratify: y.text('stratify', true),
      key: y.text('key', true),
      fraction: y.number('fraction', 0.05, 0, 1),
      minPerClass: y.number('min_per_class', 0, 0, 1_000_000),
      seed: seed as number | string | undefined,
      strata: y.list('strata') ?? [],
      mask: y.list('mask') ?? [],
    };
    if (!Number.isInteger(spec.minPerClass)) y.problem('min_per_class', 'must be a whole number');
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : spec, diagnostics: y.diagnostics };
  },
  references(spec) {
    return [spec.source.toLowerCase()];
  },
  defines(_spec, name) {
    return [`${name}_per_class`];
  },
  async run(spec, ctx) {
    const seedValue = spec.seed ?? (ctx.params.seed as number | string | undefined);
    if (seedValue === undefined) throw new AssayError('input', 'no seed: give one in the spec or as the notebook parameter `seed`', { subject: ctx.name });
    const seed = String(seedValue);
    const columns = new Set((await describeColumns(ctx.query, spec.source)).map((c) => c.name));
    for (const c of [spec.stratify, spec.key, ...spec.strata, ...spec.mask]) {
      if (!columns.has(c)) throw new AssayError('input', `${spec.source} has no column ${c}`, { subject: ctx.name });
    }
    // The relation the name resolves to: in the current schema (each notebook's namespace),
    // never a same-named table of another one.
    const typeOf = async (schema: string, name: string) =>
      (await ctx.query(`SELECT any_value(table_type) AS t FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = ${schema} AND lower(table_name) = lower(${quoteLiteral(name)})`)).get(0)?.toJSON().t;
    const kind = await typeOf('current_schema()', spec.source);
    // A source the host gives as a view of a loaded file's table is sampled from that table.
    const file = kind === 'VIEW' ? (ctx.fileTable?.(spec.source) ?? null) : null;
    const fileIsTable = file !== null && (await typeOf(quoteLiteral(file.schema), file.table)) === 'BASE TABLE';
    const base = kind === 'BASE TABLE' ? quoteIdent(spec.source) : fileIsTable ? `${quoteIdent(file.schema)}.${quoteIdent(file.table)}` : null;
    // The cell's relation is a view, so what reads it projects only the columns it needs.
    // Over a base table the ranking runs once per run into a narrow table of the chosen rows
    // (5 % of the rows, a few columns): reading the view is then a join, not another ranking
    // of every row (three reads per run, more by the review cell). Materialising every
    // sampled column ran DuckDB-WASM out of memory at 10M rows; these few columns do not.
    // The keys are read from the chosen rows where there are some: the same keys as the view
    // has now, without joining every row of the source to find them.
    let keysFrom = ctx.name;
    let shown = `SELECT * FROM ${quoteIdent(ctx.name)} LIMIT ${SHOWN_ROWS}`;
    if (base) {
      const chosen = `${ctx.name}__chosen`;
      await ctx.query(`CREATE OR REPLACE TABLE ${quoteIdent(chosen)} AS ${sampleChosenSql(spec, seed, base)}`);
      await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${sampleFromChosenSql(spec, chosen, undefined, base)}`);
      keysFrom = chosen;
      shown = sampleFromChosenSql(spec, chosen, SHOWN_ROWS, base);
    } else {
      await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${sampleSql(spec, seed)}`);
    }
    const strataColumns = [spec.stratify, ...spec.strata];
    const sizes = (await ctx.query(sampleSizesSql(spec)))
      .toArray()
      .map((r) => r.toJSON() as Record<string, unknown>)
      .sort((x, y) => {
        for (const c of strataColumns) {
          const o = labelOrderNullsLast((x[c] as string | null) ?? null, (y[c] as string | null) ?? null);
          if (o) return o;
        }
        return 0;
      });
    // Read as one column: a row object per key cost the page's thread 120–240 ms at 50,000 keys.
    const keys = Array.from((await ctx.query(`SELECT CAST(${quoteIdent(spec.key)} AS VARCHAR) AS k FROM ${quoteIdent(keysFrom)} ORDER BY k`)).getChild('k')!, (k) => String(k));
    const table = await ctx.query(shown);
    const all = sizes.map((s) => ({
      class: (s[spec.stratify] as string | null) ?? null,
      ...Object.fromEntries(spec.strata.map((c) => [c, s[c] ?? null])),
      population: Number(s.population),
      size: Number(s.size),
      share: Number(s.population) ? Number(s.size) / Number(s.population) : 0,
    }));
    // The result lists the largest strata; every stratum's sizes stay a view, <cell>_per_class.
    await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(`${ctx.name}_per_class`)} AS ${sampleSizesSql(spec)}`);
    const { kept: per_class, rest } = topCategories(all, (c) => c.population, (c) => [c.class, ...spec.strata.map((k) => (c as Record<string, unknown>)[k])].join('\u0000'));
    const other = rest.length ? { strata: rest.length, population: rest.reduce((s, c) => s + c.population, 0), size: rest.reduce((s, c) => s + c.size, 0) } : null;
    return { table, result: { seed, fraction: spec.fraction, min_per_class: spec.minPerClass, total: keys.length, strata: all.length, per_class, other, keys } };
  },
};
