import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import type { QueryFn } from '../cells/CellKind';
import { quoteIdent } from '../sql/quote';
import { checkCountsSql, type CheckRule, type Rule } from '../stats/checks';
import { labelOrder } from '../stats/labelOrder';
import type { ColumnProfile } from '../stats/profile';
import { displayShape, inferPattern, valueShapesSql, type ShapeLevel } from './patternInference';

/** What a suggestion reads from a profile cell's result (src/core/cells/profileCell.ts). */
export interface ProfileResult {
  rows: number;
  key?: string;
  repeated_keys?: number;
  columns: ColumnProfile[];
}

/** The stated numbers every suggestion is made with. */
export interface SuggestOptions {
  /** `in_set` is suggested for columns of at most this many distinct values. */
  inSetMax: number;
  /** `between` widens the observed range by this share of it on each side. */
  rangeMargin: number;
  /** `max_null_share` allows the observed share plus this many (absolute: 0.02 is 2 points). */
  nullShareMargin: number;
  /** `row_count` allows the observed count times 1 ± this. */
  rowCountBand: number;
  /** A pattern is inferred only from at most this many distinct value shapes. */
  maxShapes: number;
}

export const DEFAULT_SUGGEST_OPTIONS: SuggestOptions = { inSetMax: 20, rangeMargin: 0.1, nullShareMargin: 0.02, rowCountBand: 0.5, maxShapes: 12 };

/** One suggested rule: the spec item a checks cell holds, its parsed form, and why. */
export interface SuggestedRule {
  name: string;
  type: Rule['type'];
  column: string | null;
  /** The rule as an item of a checks cell's `rules:` list. */
  item: Record<string, unknown>;
  /** The same rule as the checks cell parses it (for the backtest). */
  check: CheckRule;
  /** Why it was suggested, from the profile's own numbers. */
  reason: string;
}

/** What the profile alone does not hold: complete value sets and inferred patterns, by column. */
export interface SuggestionEvidence {
  values: Record<string, string[]>;
  patterns: Record<string, { pattern: string; shapes: string[] }>;
}

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)\b/i;
const isInteger = (c: ColumnProfile) => c.kind === 'numeric' && INTEGER.test(c.type);

/** The key the profile vouches for: its declared key when no value repeats. */
function uniqueColumn(p: ProfileResult): { column: string; declared: boolean } | null {
  if (p.key) {
    const c = p.columns.find((x) => x.name === p.key);
    return c && p.repeated_keys === 0 && c.count > 0 ? { column: p.key, declared: true } : null;
  }
  // Without a declared key, a text column with no NULL and every value different is a candidate key.
  const c = p.columns.find((x) => x.kind === 'text' && p.rows > 1 && x.count === p.rows && x.distinct === p.rows);
  return c ? { column: c.name, declared: false } : null;
}

/** Columns whose observed set of values becomes an `in_set` rule. */
export function inSetColumns(p: ProfileResult, o: SuggestOptions = DEFAULT_SUGGEST_OPTIONS): ColumnProfile[] {
  const unique = uniqueColumn(p)?.column;
  return p.columns.filter((c) => c.name !== unique && c.count > 0 && c.distinct <= o.inSetMax && (c.kind === 'text' || c.kind === 'boolean' || isInteger(c)));
}

/** Text columns (not given a value set) for which a pattern is worth inferring. */
export function patternColumns(p: ProfileResult, o: SuggestOptions = DEFAULT_SUGGEST_OPTIONS): ColumnProfile[] {
  const inSet = new Set(inSetColumns(p, o).map((c) => c.name));
  return p.columns.filter((c) => c.kind === 'text' && c.count > 0 && !inSet.has(c.name) && /^VARCHAR/i.test(c.type));
}

/**
 * Every distinct non-NULL value (as text, as `in_set` compares them) of each column, at most
 * `limit + 1` per column, in one statement; `col` is the position in `columns`.
 */
export function distinctValuesSql(source: string, columns: readonly string[], limit: number): string {
  if (columns.length === 0) return `SELECT NULL::INTEGER AS col, NULL::VARCHAR AS value WHERE false`;
  return columns
    .map((c, i) => `(SELECT ${i} AS col, CAST(v AS VARCHAR) AS value FROM (SELECT DISTINCT ${quoteIdent(c)} AS v FROM ${quoteIdent(source)} WHERE ${quoteIdent(c)} IS NOT NULL) ORDER BY value LIMIT ${limit + 1})`)
    .join('\nUNION ALL\n');
}

/**
 * Ask DuckDB for what the suggestions need beyond the profile: the full value set of small
 * columns whose top values leave some out, and the distinct shapes of text columns, from which
 * one pattern per column is inferred and confirmed to match every value (see inferPatterns).
 */
export async function gatherEvidence(query: QueryFn, source: string, profile: ProfileResult, o: SuggestOptions = DEFAULT_SUGGEST_OPTIONS): Promise<SuggestionEvidence> {
  const values: Record<string, string[]> = {};
  const incomplete: string[] = [];
  for (const c of inSetColumns(profile, o)) {
    if (c.top.length === c.distinct) values[c.name] = c.top.map((t) => t.value);
    else incomplete.push(c.name);
  }
  if (incomplete.length) {
    const rows = (await query(distinctValuesSql(source, incomplete, o.inSetMax))).toArray();
    incomplete.forEach((name, i) => (values[name] = rows.filter((r) => Number(r.col) === i).map((r) => String(r.value))));
  }
  for (const [name, list] of Object.entries(values)) values[name] = [...list].sort(labelOrder);

  return { values, patterns: await inferPatterns(query, source, patternColumns(profile, o).map((c) => c.name), o) };
}

/** Values read per column to infer a first pattern from; the pattern is then confirmed on all of them. */
export const PATTERN_SAMPLE_ROWS = 10_000;

/** Rounds of confirming a pattern on every value and widening it by the shapes it missed. */
const PATTERN_REPAIRS = 2;

/**
 * One pattern per column that every non-NULL value matches, where the shapes allow one. The
 * shapes of the first PATTERN_SAMPLE_ROWS values give a pattern (digits first, then letter
 * classes); it is confirmed on all the values by the checks cell's own predicate; the shapes of
 * the values it misses, if any and few, are added and the pattern inferred again. A column whose
 * values have more than `maxShapes` shapes, or that never comes out clean, gets none. A
 * value holding a placeholder character (its shape is a real value's) fails its confirmation.
 */
async function inferPatterns(query: QueryFn, source: string, columns: readonly string[], o: SuggestOptions): Promise<SuggestionEvidence['patterns']> {
  const found: SuggestionEvidence['patterns'] = {};
  let pending = [...columns];
  for (const level of ['digits', 'classes'] as ShapeLevel[]) {
    if (pending.length === 0) break;
    const sampled = (await query(valueShapesSql(source, pending.map((name) => ({ name })), level, o.maxShapes, PATTERN_SAMPLE_ROWS))).toArray();
    // Column -> the shapes seen so far and the pattern they give.
    const trying = new Map<string, { shapes: string[]; pattern: string }>();
    pending.forEach((name, i) => {
      const shapes = sampled.filter((r) => Number(r.col) === i).map((r) => String(r.shape));
      const pattern = shapes.length <= o.maxShapes ? inferPattern(shapes, level) : null;
      if (pattern) trying.set(name, { shapes, pattern });
    });
    for (let round = 0; trying.size > 0; round++) {
      const names = [...trying.keys()];
      const rules: CheckRule[] = names.map((n, i) => ({ rule: { type: 'matches', column: n, pattern: trying.get(n)!.pattern }, name: `p${i}`, severity: 'error', mostly: 1 }));
      const counts = (await query(checkCountsSql(source, rules))).get(0)!.toJSON() as Record<string, unknown>;
      const missed = names.filter((n, i) => Number(counts[`f${i}`]) !== 0);
      for (const n of names) if (!missed.includes(n)) found[n] = { pattern: trying.get(n)!.pattern, shapes: trying.get(n)!.shapes.map(displayShape) };
      for (const n of names) if (!missed.includes(n)) trying.delete(n);
      if (missed.length === 0) break;
      if (round === PATTERN_REPAIRS) {
        missed.forEach((n) => trying.delete(n));
        break;
      }
      const extra = (await query(valueShapesSql(source, missed.map((name) => ({ name, notMatching: trying.get(name)!.pattern })), level, o.maxShapes))).toArray();
      missed.forEach((n, i) => {
        const t = trying.get(n)!;
        const shapes = [...new Set([...t.shapes, ...extra.filter((r) => Number(r.col) === i).map((r) => String(r.shape))])].sort();
        const pattern = shapes.length > t.shapes.length && shapes.length <= o.maxShapes ? inferPattern(shapes, level) : null;
        if (pattern) trying.set(n, { shapes, pattern });
        else trying.delete(n);
      });
    }
    pending = pending.filter((n) => !(n in found));
  }
  return found;
}

/** A rule name from a column: letters, digits and _, not starting with a digit. */
function ruleName(column: string | null, suffix: string): string {
  const base = column === null ? '' : column.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  const name = base ? `${base}_${suffix}` : suffix;
  return /^[0-9]/.test(name) ? `c_${name}` : name;
}

const pct = (x: number) => `${+(x * 100).toFixed(2)} %`;

/** Round `x` to the decimals of `step` (so 0.46 does not print as 0.45999999999999996). */
function onStep(k: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number((k * step).toFixed(decimals));
}

/**
 * The bounds of a `between` rule: the observed range widened by `margin` of its width on each
 * side (of |max| when every value is the same), rounded outward to the power of ten just below
 * that widening (integers to at least 1), and not below 0 when no value is negative.
 */
export function widenedRange(min: number, max: number, margin: number, integer: boolean): { min: number; max: number; pad: number; step: number } {
  const width = max - min;
  const pad = margin * (width > 0 ? width : Math.abs(max));
  let step = pad > 0 ? 10 ** Math.floor(Math.log10(pad)) : 1;
  if (integer) step = Math.max(1, step);
  // Steps counted to 9 decimals first: (1.1 + 0.06) / 0.01 is 116.00000000000001 in binary, not 117 steps.
  const steps = (x: number) => Math.round((x / step) * 1e9) / 1e9;
  let lo = pad > 0 || integer ? onStep(Math.floor(steps(min - pad)), step) : min;
  const hi = pad > 0 || integer ? onStep(Math.ceil(steps(max + pad)), step) : max;
  if (min >= 0 && lo < 0) lo = 0;
  return { min: lo, max: hi, pad, step };
}

/**
 * The rules a profile's own numbers support, each with the reason it was suggested:
 * `row_count` within a band around the observed count; per column `not_null` (no NULL) or
 * `max_null_share` (observed share plus a margin), `unique` for the key, `in_set` for columns
 * of few values (the observed set), `between` for numeric measures (the widened observed
 * range), `matches` where one inferred pattern covers every value.
 */
export function suggestRules(profile: ProfileResult, evidence: SuggestionEvidence, o: SuggestOptions = DEFAULT_SUGGEST_OPTIONS): SuggestedRule[] {
  const out: SuggestedRule[] = [];
  const add = (type: Rule['type'], column: string | null, suffix: string, spec: Record<string, unknown>, rule: Rule, reason: string) => {
    let name = ruleName(column, suffix);
    for (let i = 2; out.some((r) => r.name === name); i++) name = `${ruleName(column, suffix)}_${i}`;
    out.push({ name, type, column, item: { ...spec, name }, check: { rule, name, severity: 'error', mostly: 1 }, reason });
  };
  const rows = profile.rows;
  if (rows > 0) {
    const min = Math.floor(rows * (1 - o.rowCountBand));
    const max = Math.ceil(rows * (1 + o.rowCountBand));
    add('row_count', null, 'row_count', { row_count: true, min, max }, { type: 'row_count', min, max }, `${rows} rows observed; allowed ±${pct(o.rowCountBand)}`);
  }
  const unique = uniqueColumn(profile);
  const inSet = new Set(inSetColumns(profile, o).map((c) => c.name));
  for (const c of profile.columns) {
    const col = c.name;
    if (rows > 0 && c.nulls === 0) add('not_null', col, 'not_null', { not_null: col }, { type: 'not_null', column: col }, `no NULL in ${rows} rows`);
    else if (rows > 0 && c.count > 0) {
      const share = Math.min(1, Math.ceil((c.nulls / rows + o.nullShareMargin) * 1000 - 1e-9) / 1000);
      add('max_null_share', col, 'null_share', { max_null_share: col, share }, { type: 'max_null_share', column: col, share }, `NULL in ${pct(c.nulls / rows)} of rows (${c.nulls} of ${rows}); allowed up to that plus ${+(o.nullShareMargin * 100).toFixed(2)} points, rounded up`);
    }
    if (unique?.column === col) {
      add('unique', col, 'unique', { unique: col }, { type: 'unique', column: col }, unique.declared ? `the key: ${c.distinct} values, none repeated` : `all ${c.count} values differ (a candidate key)`);
    }
    const values = evidence.values[col];
    if (inSet.has(col) && values) {
      // Integers are written as YAML numbers where that is exact; a BIGINT beyond 2^53 stays text (in_set compares text).
      const listed = isInteger(c) && values.every((v) => Number.isSafeInteger(Number(v))) ? values.map(Number) : values;
      add('in_set', col, 'in_set', { in_set: col, values: listed }, { type: 'in_set', column: col, values }, `${values.length} distinct ${values.length === 1 ? 'value' : 'values'} (at most ${o.inSetMax} become a set)`);
    } else if (c.kind === 'numeric' && col !== unique?.column && typeof c.min === 'number' && typeof c.max === 'number') {
      const w = widenedRange(c.min, c.max, o.rangeMargin, isInteger(c));
      const clamp = c.min >= 0 && w.min === 0 && c.min - w.pad < 0 ? ', not below 0 (no value is negative)' : '';
      add(
        'between',
        col,
        'range',
        { between: col, min: w.min, max: w.max },
        { type: 'between', column: col, min: w.min, max: w.max },
        `observed ${c.min} to ${c.max}; widened by ${pct(o.rangeMargin)} of the range on each side, rounded outward to ${w.step}${clamp}`,
      );
    }
    const p = evidence.patterns[col];
    if (p && !inSet.has(col)) {
      const shown = p.shapes.slice(0, 3).join(', ') + (p.shapes.length > 3 ? ', …' : '');
      add('matches', col, 'pattern', { matches: col, pattern: p.pattern }, { type: 'matches', column: col, pattern: p.pattern }, `all ${c.count} values have ${p.shapes.length === 1 ? 'one shape' : `one of ${p.shapes.length} shapes`} (${shown})`);
    }
  }
  return out;
}

/**
 * The YAML body of a `checks` cell holding these rules, each preceded by a comment saying why
 * it was suggested (comments are part of the cell's text and do not change its spec), and by
 * what it contradicts in a schema contract, if anything (see contractConflicts).
 */
export function suggestionsBody(source: string, key: string | undefined, rules: readonly SuggestedRule[], conflicts: Record<string, string> = {}): string {
  const doc = new Document({ source, ...(key ? { key } : {}), rules: rules.map((r) => r.item) });
  const seq = doc.get('rules', true) as YAMLSeq | undefined;
  const line = (s: string) => s.replace(/\s*\n\s*/g, ' ');
  if (isSeq(seq)) {
    seq.items.forEach((node, i) => {
      if (!isMap(node)) return;
      const conflict = conflicts[rules[i]!.name];
      (node as YAMLMap).commentBefore = ` why: ${line(rules[i]!.reason)}${conflict ? `\n contradicts the contract: ${line(conflict)}` : ''}`;
      const values = (node as YAMLMap).get('values', true);
      if (isSeq(values)) values.flow = true;
    });
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd();
}

/** Profile result in, suggested rules and the checks cell's body out (the queries run on `source`). */
export async function suggestChecks(query: QueryFn, source: string, profile: ProfileResult, o: SuggestOptions = DEFAULT_SUGGEST_OPTIONS): Promise<{ rules: SuggestedRule[]; body: string }> {
  const evidence = await gatherEvidence(query, source, profile, o);
  const rules = suggestRules(profile, evidence, o);
  return { rules, body: suggestionsBody(source, profile.key, rules) };
}
