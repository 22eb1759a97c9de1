import { quoteIdent, quoteLiteral } from '../sql/quote';

/**
 * Which characters a value's shape abstracts. `digits`: each digit becomes one placeholder and
 * letters stay as they are (ids such as `img_000123` then have one shape). `classes`: digits,
 * lowercase and uppercase ASCII letters each become their own placeholder (words of varying
 * letters collapse too).
 */
export type ShapeLevel = 'digits' | 'classes';

/** Placeholders in a shape: control characters, which real identifiers and codes do not hold. */
export const DIGIT = '\u0001';
export const LOWER = '\u0002';
export const UPPER = '\u0003';

/** Values longer than this are free text, not codes: no pattern is inferred for their column. */
export const MAX_PATTERN_VALUE_LENGTH = 64;

/** The SQL expression of a value's shape at a level (`column` is already quoted). */
function shapeExpression(column: string, level: ShapeLevel): string {
  // translate() maps characters one to one: half the cost of regexp_replace in DuckDB-WASM.
  const from = level === 'digits' ? '0123456789' : '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const to = level === 'digits' ? 'repeat(chr(1), 10)' : 'repeat(chr(1), 10) || repeat(chr(2), 26) || repeat(chr(3), 26)';
  return `translate(CAST(${column} AS VARCHAR), ${quoteLiteral(from)}, ${to})`;
}

/** A column whose value shapes are asked for: all its values, or only those a pattern does not match. */
export interface ShapeColumn {
  name: string;
  /** Only values that this (RE2) pattern does not match. */
  notMatching?: string;
}

/**
 * The distinct shapes of the non-NULL values of each column, at most `limit + 1` per column (one
 * more than is usable, so a column with too many shapes says so), in one statement. DuckDB maps
 * every value to its shape; only the few distinct shapes come back. With `sampleRows`, only the
 * first that many non-NULL values of each column are read (in the table's order). `col` is the
 * position in `columns`.
 */
export function valueShapesSql(source: string, columns: readonly ShapeColumn[], level: ShapeLevel, limit: number, sampleRows?: number): string {
  if (columns.length === 0) return `SELECT NULL::INTEGER AS col, NULL::VARCHAR AS shape WHERE false`;
  return columns
    .map((c, i) => {
      const col = quoteIdent(c.name);
      const filter = c.notMatching === undefined ? '' : ` AND NOT regexp_matches(CAST(${col} AS VARCHAR), ${quoteLiteral(c.notMatching)})`;
      const values = `SELECT ${col} AS v FROM ${quoteIdent(source)} WHERE ${col} IS NOT NULL${filter}${sampleRows === undefined ? '' : ` LIMIT ${sampleRows}`}`;
      return `(SELECT ${i} AS col, shape FROM (SELECT DISTINCT ${shapeExpression('v', level)} AS shape FROM (${values})) ORDER BY shape LIMIT ${limit + 1})`;
    })
    .join('\nUNION ALL\n');
}

type CharClass = 'u' | 'l' | 'd';
type Token = { kind: 'lit'; ch: string } | { kind: 'run'; classes: Set<CharClass>; min: number; max: number };

const classOf = (ch: string): CharClass | null => (ch === DIGIT ? 'd' : ch === LOWER ? 'l' : ch === UPPER ? 'u' : null);

/**
 * A shape as tokens: runs of placeholders (one run per class, or — `merge` — one run over
 * adjacent placeholders of any class) and single literal characters.
 */
function tokenize(shape: string, merge: boolean): Token[] {
  const out: Token[] = [];
  for (const ch of shape) {
    const cls = classOf(ch);
    const last = out.at(-1);
    if (cls === null) out.push({ kind: 'lit', ch });
    else if (last?.kind === 'run' && (merge || last.classes.has(cls))) {
      last.classes.add(cls);
      last.min++;
      last.max++;
    } else out.push({ kind: 'run', classes: new Set([cls]), min: 1, max: 1 });
  }
  return out;
}

const isAsciiLetter = (ch: string) => /^[A-Za-z]$/.test(ch);

/**
 * One token sequence covering all the given ones, position by position, or null when they do
 * not line up: runs join (classes united, lengths as a range); equal literals stay literal; with
 * `lettersGeneralize`, literal ASCII letters that differ at a position become a letter class.
 */
function align(sequences: readonly Token[][], lettersGeneralize: boolean): Token[] | null {
  const n = sequences[0]!.length;
  if (sequences.some((s) => s.length !== n)) return null;
  const out: Token[] = [];
  for (let i = 0; i < n; i++) {
    const at = sequences.map((s) => s[i]!);
    if (at.every((t) => t.kind === 'run')) {
      const runs = at as Extract<Token, { kind: 'run' }>[];
      out.push({ kind: 'run', classes: new Set(runs.flatMap((r) => [...r.classes])), min: Math.min(...runs.map((r) => r.min)), max: Math.max(...runs.map((r) => r.max)) });
    } else if (at.every((t) => t.kind === 'lit')) {
      const chars = new Set((at as Extract<Token, { kind: 'lit' }>[]).map((t) => t.ch));
      if (chars.size === 1) out.push(at[0]!);
      else if (lettersGeneralize && [...chars].every(isAsciiLetter)) out.push({ kind: 'run', classes: new Set([...chars].map((c) => (c === c.toLowerCase() ? 'l' : 'u'))), min: 1, max: 1 });
      else return null;
    } else return null;
  }
  // Adjacent runs of the same classes read as one (`[a-z][a-z][a-z]` is `[a-z]{3}`).
  const merged: Token[] = [];
  for (const t of out) {
    const last = merged.at(-1);
    if (t.kind === 'run' && last?.kind === 'run' && sameSet(last.classes, t.classes)) merged[merged.length - 1] = { ...last, min: last.min + t.min, max: last.max + t.max };
    else merged.push(t);
  }
  return merged;
}

const sameSet = <T>(a: Set<T>, b: Set<T>) => a.size === b.size && [...a].every((x) => b.has(x));

/** RE2's special characters, escaped so a literal stays a literal. */
const escapeLiteral = (ch: string) => (/[\\^$.|?*+()[\]{}]/.test(ch) ? `\\${ch}` : ch);

function render(tokens: readonly Token[]): string {
  const body = tokens
    .map((t) => {
      if (t.kind === 'lit') return escapeLiteral(t.ch);
      const set = (['u', 'l', 'd'] as const).filter((c) => t.classes.has(c)).map((c) => ({ u: 'A-Z', l: 'a-z', d: '0-9' })[c]).join('');
      const quantifier = t.min === t.max ? (t.min === 1 ? '' : `{${t.min}}`) : `{${t.min},${t.max}}`;
      return `[${set}]${quantifier}`;
    })
    .join('');
  return `^${body}$`;
}

/**
 * One regular expression (anchored, RE2 syntax) that every value with one of these shapes
 * matches, or null when the shapes share no structure. `digits` shapes are tried position by
 * position with letters as literals (differing letters at a position become a class);
 * `classes` shapes first by runs of each class, then by runs of letters and digits together.
 * A shape longer than MAX_PATTERN_VALUE_LENGTH means free text: null.
 */
export function inferPattern(shapes: readonly string[], level: ShapeLevel): string | null {
  if (shapes.length === 0 || shapes.some((s) => s.length === 0 || [...s].length > MAX_PATTERN_VALUE_LENGTH)) return null;
  if (level === 'digits') {
    const tokens = align(
      shapes.map((s) => tokenize(s, false)),
      true,
    );
    return tokens ? render(tokens) : null;
  }
  for (const merge of [false, true]) {
    const tokens = align(
      shapes.map((s) => tokenize(s, merge)),
      false,
    );
    if (tokens) return render(tokens);
  }
  return null;
}

/** A shape as people read it: 9 for a digit, a and A for letters (`img_999999`). */
export function displayShape(shape: string): string {
  return shape.replaceAll(DIGIT, '9').replaceAll(LOWER, 'a').replaceAll(UPPER, 'A');
}
