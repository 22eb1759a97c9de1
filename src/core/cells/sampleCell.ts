import { AssayError } from '../errors';
import { describeColumns } from '../sql/describe';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import type { CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';

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

/** The text masked columns show to reviewers. */
export const MASKED = '•••';

/**
 * The ranking order within a stratum: md5(seed:key) as two fixed-width 64-bit halves, which
 * sort exactly as the hex string does (tested against the Python reference's keys) but take
 * 16 bytes in the window's sort instead of a 32-character string: at 10M rows that difference
 * decides whether DuckDB-WASM runs out of memory. (md5_number is little-endian: another order.)
 */
function rankOrderSql(seed: string, key: string): string {
  const h = `md5(${quoteLiteral(`${seed}:`)} || CAST(${quoteIdent(key)} AS VARCHAR))`;
  return `('0x' || ${h}[1:16])::UBIGINT, ('0x' || ${h}[17:32])::UBIGINT`;
}

/** Masked columns shown as MASKED (NULL stays NULL), as a `* REPLACE (...)` clause; '' when none. */
function maskedSql(spec: SampleSpec, alias = ''): string {
  if (!spec.mask.length) return '';
  const col = (m: string) => `${alias}${quoteIdent(m)}`;
  return ` REPLACE (${spec.mask.map((m) => `CASE WHEN ${col(m)} IS NULL THEN NULL ELSE ${quoteLiteral(MASKED)} END AS ${quoteIdent(m)}`).join(', ')})`;
}

/** The WHERE condition keeping the first n = min(N, max(min, ceil(fraction × N))) of a stratum. */
function keepFirstSql(spec: SampleSpec): string {
  return `__assay_rank <= least(__assay_population, greatest(${quoteLiteral(spec.minPerClass)}, ceil(__assay_population * ${quoteLiteral(spec.fraction)})))`;
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
  SELECT *, row_number() OVER (PARTITION BY ${strata} ORDER BY ${rankOrderSql(seed, spec.key)}) AS __assay_rank,
         count(*) OVER (PARTITION BY ${strata}) AS __assay_population
  FROM ${quoteIdent(spec.source)}
)
SELECT * EXCLUDE (__assay_rank, __assay_population)${masked}
FROM __assay_ranked
WHERE ${keepFirstSql(spec)}
ORDER BY ${strata}, __assay_rank`;
}

/**
 * The chosen rows of a base table, narrow: (rowid, key, strata, rank) of the first n per
 * stratum. The window sorts only rowid, the strata and the two hash halves; the key joins
 * back for the chosen rows alone.
 */
export function sampleChosenSql(spec: SampleSpec, seed: string): string {
  const cols = [spec.stratify, ...spec.strata].map(quoteIdent);
  const strata = cols.join(', ');
  const key = quoteIdent(spec.key);
  return `SELECT c.__assay_rowid, s.${key}, ${cols.map((c) => `c.${c}`).join(', ')}, c.__assay_rank FROM (
  SELECT __assay_rowid, ${strata}, __assay_rank FROM (
    SELECT rowid AS __assay_rowid, ${strata},
           row_number() OVER (PARTITION BY ${strata} ORDER BY ${rankOrderSql(seed, spec.key)}) AS __assay_rank,
           count(*) OVER (PARTITION BY ${strata}) AS __assay_population
    FROM ${quoteIdent(spec.source)}
  )
  WHERE ${keepFirstSql(spec)}
) AS c JOIN ${quoteIdent(spec.source)} AS s ON s.rowid = c.__assay_rowid`;
}

/**
 * The sampled rows of a base table through its chosen rows (sampleChosenSql, kept in
 * `chosen`). The key must match as well as the rowid, so a source reloaded since the cell ran
 * can lose rows from the view but never show other records in their place.
 */
export function sampleFromChosenSql(spec: SampleSpec, chosen: string): string {
  const masked = maskedSql(spec, 's.');
  const key = quoteIdent(spec.key);
  const order = [spec.stratify, ...spec.strata].map((c) => `c.${quoteIdent(c)}`).join(', ');
  return `SELECT s.*${masked}
FROM ${quoteIdent(spec.source)} AS s JOIN ${quoteIdent(chosen)} AS c ON s.rowid = c.__assay_rowid AND s.${key} IS NOT DISTINCT FROM c.${key}
ORDER BY ${order}, c.__assay_rank`;
}

/** SQL for the per-stratum table: population and sample size. */
export function sampleSizesSql(spec: SampleSpec): string {
  const cols = [spec.stratify, ...spec.strata];
  const select = cols.map((c) => `CAST(${quoteIdent(c)} AS VARCHAR) AS ${quoteIdent(c)}`).join(', ');
  return `SELECT ${select}, count(*)::DOUBLE AS population,
       least(count(*), greatest(${quoteLiteral(spec.minPerClass)}, ceil(count(*) * ${quoteLiteral(spec.fraction)})))::DOUBLE AS size
FROM ${quoteIdent(spec.source)} GROUP BY ALL ORDER BY ALL`;
}

/**
 * `sample` — a reproducible stratified spot-check sample: a share of every class (5 % by
 * default), at least a minimum, chosen by a seeded hash of each record's key. Masked columns
 * (personal data) are blanked in what reviewers see. The cell's view holds the sampled rows.
 */
export const sampleCell: CellKind<SampleSpec> = {
  kind: 'sample',
  description: 'Stratified spot-check sample: a share of every class, reproducible from a seed',
  template: 'source: batch\nstratify: label\nkey: image_id\nfraction: 0.05\nmin_per_class: 5',
  parse(body) {
    const y = new YamlSpec(body);
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
  async run(spec, ctx) {
    const seedValue = spec.seed ?? (ctx.params.seed as number | string | undefined);
    if (seedValue === undefined) throw new AssayError('input', 'no seed: give one in the spec or as the notebook parameter `seed`', { subject: ctx.name });
    const seed = String(seedValue);
    const columns = new Set((await describeColumns(ctx.query, spec.source)).map((c) => c.name));
    for (const c of [spec.stratify, spec.key, ...spec.strata, ...spec.mask]) {
      if (!columns.has(c)) throw new AssayError('input', `${spec.source} has no column ${c}`, { subject: ctx.name });
    }
    const kind = (await ctx.query(`SELECT any_value(table_type) AS t FROM information_schema.tables WHERE table_name = ${quoteLiteral(spec.source)}`)).get(0)?.toJSON().t;
    // The cell's relation is a view, so what reads it projects only the columns it needs.
    // Over a base table the ranking runs once per run into a narrow table of the chosen rows
    // (5 % of the rows, a few columns): reading the view is then a join, not another ranking
    // of every row (three reads per run, more by the review cell). Materialising every
    // sampled column ran DuckDB-WASM out of memory at 10M rows; these few columns do not.
    if (kind === 'BASE TABLE') {
      const chosen = `${ctx.name}__chosen`;
      await ctx.query(`CREATE OR REPLACE TABLE ${quoteIdent(chosen)} AS ${sampleChosenSql(spec, seed)}`);
      await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${sampleFromChosenSql(spec, chosen)}`);
    } else {
      await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${sampleSql(spec, seed)}`);
    }
    const sizes = (await ctx.query(sampleSizesSql(spec))).toArray().map((r) => r.toJSON() as Record<string, unknown>);
    const keys = (await ctx.query(`SELECT CAST(${quoteIdent(spec.key)} AS VARCHAR) AS k FROM ${quoteIdent(ctx.name)} ORDER BY k`)).toArray().map((r) => String(r.k));
    const table = await ctx.query(`SELECT * FROM ${quoteIdent(ctx.name)} LIMIT 10000`);
    const per_class = sizes.map((s) => ({
      class: (s[spec.stratify] as string | null) ?? null,
      ...Object.fromEntries(spec.strata.map((c) => [c, s[c] ?? null])),
      population: Number(s.population),
      size: Number(s.size),
      share: Number(s.population) ? Number(s.size) / Number(s.population) : 0,
    }));
    return { table, result: { seed, fraction: spec.fraction, min_per_class: spec.minPerClass, total: keys.length, per_class, keys } };
  },
};
