import { requireValidRegex } from '../sql/requireValidRegex';
import { AssayError } from '../errors';
import { describeColumns } from '../sql/describe';
import { quoteIdent } from '../sql/quote';
import {
  DEFAULT_THRESHOLDS,
  columnProfiles,
  duplicateRowsSql,
  histogramSql,
  keyDuplicatesSql,
  keyIsUnique,
  profileAggregateSql,
  profileAlerts,
  topValuesSql,
  type ColumnContract,
  type HistogramInput,
  type ProfiledColumn,
} from '../stats/profile';
import type { CellKind } from './CellKind';
import { YamlSpec } from './yamlSpec';
import type { SpecSchema } from './specSchema';

export interface ProfileSpec {
  source: string;
  columns?: string[];
  key?: string;
  top: number;
  bins: number;
  contract: Record<string, ColumnContract>;
  nullShare: number;
}

/** Columns with more distinct values than this (and than half their count) get no top-values list. */
export const TOP_DISTINCT_LIMIT = 100_000;

/**
 * The statistics of every column in one aggregate pass; when that pass does not fit in memory
 * (a wide table at tens of millions of rows in a 4 GiB wasm heap), one pass per column instead.
 */
async function aggregate(spec: ProfileSpec, columns: ProfiledColumn[], query: (sql: string) => Promise<import('apache-arrow').Table>): Promise<Record<string, unknown>> {
  try {
    return (await query(profileAggregateSql(spec.source, columns, spec.contract))).get(0)!.toJSON() as Record<string, unknown>;
  } catch (error) {
    if (!/out of memory|allocation failure/i.test(String((error as Error).message))) throw error;
  }
  const merged: Record<string, unknown> = {};
  for (const [i, c] of columns.entries()) {
    const row = (await query(profileAggregateSql(spec.source, [c], spec.contract[c.name] ? { [c.name]: spec.contract[c.name]! } : {}))).get(0)!.toJSON() as Record<string, unknown>;
    for (const [k, v] of Object.entries(row)) merged[k === 'rows' ? k : k.replace(/^c0_/, `c${i}_`)] = v;
  }
  return merged;
}

/** Parse a `contract:` mapping (column -> allowed/min/max/pattern), reporting problems on the spec. */
export function parseContract(y: YamlSpec, key = 'contract'): Record<string, ColumnContract> {
  const raw = y.raw(key);
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    y.problem(key, 'must map column names to allowed/min/max/pattern');
    return {};
  }
  const out: Record<string, ColumnContract> = {};
  for (const [col, rule] of Object.entries(raw as Record<string, unknown>)) {
    if (!rule || typeof rule !== 'object' || Array.isArray(rule)) {
      y.problem(key, `${col} must have allowed, min, max or pattern`);
      continue;
    }
    const r = rule as Record<string, unknown>;
    const c: ColumnContract = {};
    if (r.allowed !== undefined) {
      if (Array.isArray(r.allowed) && r.allowed.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) c.allowed = r.allowed.map(String);
      else y.problem(key, `${col}.allowed must be a list of values`);
    }
    for (const bound of ['min', 'max'] as const) {
      if (r[bound] === undefined) continue;
      if (typeof r[bound] === 'number') c[bound] = r[bound];
      else y.problem(key, `${col}.${bound} must be a number`);
    }
    if (r.pattern !== undefined) {
      if (typeof r.pattern === 'string') c.pattern = r.pattern;
      else y.problem(key, `${col}.pattern must be a regular expression`);
    }
    for (const k of Object.keys(r)) if (!['allowed', 'min', 'max', 'pattern'].includes(k)) y.problem(key, `${col}: unknown rule "${k}"`);
    out[col] = c;
  }
  return out;
}

/** The keys of a `profile` cell's spec. */
export const PROFILE_SCHEMA: SpecSchema = {
  source: { role: 'relation', required: true, doc: 'the source or cell to profile' },
  columns: { role: 'columns', doc: 'only these columns (default: all)' },
  key: { role: 'column', hint: 'key', doc: 'the column that should identify a row (repeated keys are counted)' },
  top: { role: 'number', doc: 'top values listed per column, 1 to 100 (10)' },
  bins: { role: 'number', doc: 'histogram bins, 2 to 200 (20)' },
  contract: { role: 'map', doc: 'column → allowed, min, max, pattern: values outside are alerts' },
  null_share_alert: { role: 'number', doc: 'a column with a larger share of NULLs is an alert, 0 to 1' },
};

/**
 * `profile` — every column of a source at a glance: type, count, NULLs, distinct values,
 * min/max, mean, sample standard deviation, quartiles, top values, a histogram; duplicate
 * rows and repeated keys; and the alerts a careful reviewer would raise.
 */
export const profileCell: CellKind<ProfileSpec> = {
  kind: 'profile',
  description: 'Profile every column: nulls, distinct, quartiles, top values, histograms, duplicates, alerts',
  schema: PROFILE_SCHEMA,
  template: 'source: batch\nkey: image_id',
  parse(body) {
    const y = new YamlSpec(body, PROFILE_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const spec: ProfileSpec = {
      source: y.text('source', true),
      columns: y.list('columns'),
      key: y.text('key'),
      top: y.number('top', 10, 1, 100),
      bins: y.number('bins', 20, 2, 200),
      contract: parseContract(y),
      nullShare: y.number('null_share_alert', DEFAULT_THRESHOLDS.nullShare, 0, 1),
    };
    y.rejectUnknown();
    return { spec: y.diagnostics.length ? null : spec, diagnostics: y.diagnostics };
  },
  references(spec) {
    return [spec.source.toLowerCase()];
  },
  async run(spec, ctx) {
    const described = await describeColumns(ctx.query, spec.source);
    let columns: ProfiledColumn[] = described;
    if (spec.columns) {
      const missing = spec.columns.filter((c) => !described.some((d) => d.name === c));
      if (missing.length) throw new AssayError('input', `${spec.source} has no column ${missing.join(', ')}`, { subject: ctx.name });
      columns = spec.columns.map((c) => described.find((d) => d.name === c)!);
    }
    for (const [col] of Object.entries(spec.contract)) {
      if (!described.some((d) => d.name === col)) throw new AssayError('input', `contract names ${col}, which ${spec.source} does not have`, { subject: ctx.name });
    }
    await requireValidRegex(ctx.query, Object.entries(spec.contract).flatMap(([col, c]) => (c.pattern !== undefined ? [[`contract ${col}.pattern`, c.pattern] as const] : [])), ctx.name);
    if (spec.key && !described.some((d) => d.name === spec.key)) throw new AssayError('input', `${spec.source} has no key column ${spec.key}`, { subject: ctx.name });
    const agg = await aggregate(spec, columns, ctx.query);
    // Top values of a column whose values are nearly all different say nothing (every count
    // is 1) and cost the most; such columns are left out.
    const topIndexes = columns.map((_, i) => i).filter((i) => {
      const distinct = Number(agg[`c${i}_distinct`]);
      const count = Number(agg[`c${i}_count`]);
      return distinct <= TOP_DISTINCT_LIMIT || distinct <= count / 2;
    });
    const topRows = (await ctx.query(topValuesSql(spec.source, topIndexes.map((i) => columns[i]!), spec.top))).toArray();
    const top = topRows.map((r) => ({ col: topIndexes[Number(r.col)]!, value: String(r.value), n: Number(r.n) }));
    const ranges: HistogramInput[] = [];
    columns.forEach((c, i) => {
      const min = agg[`c${i}_min`];
      const max = agg[`c${i}_max`];
      if (typeof min === 'number' && typeof max === 'number' && Number.isFinite(min) && Number.isFinite(max)) ranges.push({ index: i, name: c.name, min, max });
    });
    const histogram = (await ctx.query(histogramSql(spec.source, ranges, spec.bins))).toArray().map((r) => ({ col: Number(r.col), bin: Number(r.bin), n: Number(r.n) }));
    const rows = Number(agg.rows);
    const keyIndex = spec.key ? columns.findIndex((c) => c.name === spec.key) : -1;
    const unique = keyIndex >= 0 && keyIsUnique(rows, Number(agg[`c${keyIndex}_count`]), Number(agg[`c${keyIndex}_distinct`]));
    const duplicate_rows = unique ? 0 : Number((await ctx.query(duplicateRowsSql(spec.source, described.map((d) => d.name)))).getChild('duplicate_rows')!.get(0));
    const keyStats = !spec.key
      ? null
      : unique
        ? { repeated_keys: 0, key_duplicate_rows: 0 }
        : ((await ctx.query(keyDuplicatesSql(spec.source, spec.key))).get(0)!.toJSON() as { repeated_keys: number; key_duplicate_rows: number });
    const profiles = columnProfiles(columns, agg, top, histogram, ranges, spec.bins);
    const alerts = profileAlerts(rows, profiles, spec.top, spec.key, { ...DEFAULT_THRESHOLDS, nullShare: spec.nullShare });
    if (duplicate_rows > 0) alerts.unshift({ column: null, kind: 'duplicates', message: `${duplicate_rows} rows repeat an earlier row exactly` });
    if (keyStats && keyStats.repeated_keys > 0) {
      alerts.unshift({ column: spec.key!, kind: 'duplicates', message: `${keyStats.repeated_keys} values of ${spec.key} repeat (${keyStats.key_duplicate_rows} extra rows)` });
    }
    return {
      table: null,
      result: {
        rows,
        duplicate_rows,
        ...(keyStats ? { key: spec.key, repeated_keys: Number(keyStats.repeated_keys), key_duplicate_rows: Number(keyStats.key_duplicate_rows) } : {}),
        columns: profiles,
        alerts,
      },
    };
  },
};
