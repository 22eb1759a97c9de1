import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { profileCell } from '../../../src/core/cells/profileCell';
import { checksCell } from '../../../src/core/cells/checksCell';
import { DIGIT, LOWER, UPPER, inferPattern, displayShape } from '../../../src/core/suggest/patternInference';
import { DEFAULT_SUGGEST_OPTIONS, PATTERN_SAMPLE_ROWS, suggestChecks, widenedRange, type ProfileResult, type SuggestOptions } from '../../../src/core/suggest/suggestChecks';
import type { RuleOutcome } from '../../../src/core/stats/checks';

/** A shape as DuckDB computes it (test/core/... checks the SQL side separately). */
const digits = (v: string) => v.replace(/[0-9]/g, DIGIT);
const classes = (v: string) => digits(v).replace(/[a-z]/g, LOWER).replace(/[A-Z]/g, UPPER);

describe('pattern inference (pure)', () => {
  test('ids with a fixed prefix: letters stay literal, digits become a class', () => {
    expect(inferPattern(['img_000123', 'img_004560'].map(digits), 'digits')).toBe('^img_[0-9]{6}$');
    expect(inferPattern(['images/img_000123.png'].map(digits), 'digits')).toBe('^images/img_[0-9]{6}\\.png$');
  });
  test('mixed values: differing letters at a position become a class, digit runs a length range', () => {
    expect(inferPattern(['img_000123', 'IMG_77', 'Img_5'].map(digits), 'digits')).toBe('^[A-Za-z]{3}_[0-9]{1,6}$');
    expect(inferPattern(['cam-1', 'cam-12', 'cam-4'].map(digits), 'digits')).toBe('^cam-[0-9]{1,2}$');
    expect(inferPattern(['AB-1', 'cd-22', 'Ef-333'].map(digits), 'digits')).toBe('^[A-Za-z]{2}-[0-9]{1,3}$');
    // Words of different lengths do not line up by position; as letter runs they do.
    expect(inferPattern(['red', 'blue', 'green'].map(digits), 'digits')).toBeNull();
    expect(inferPattern(['red', 'blue', 'green'].map(classes), 'classes')).toBe('^[a-z]{3,5}$');
    // Runs of different classes next to each other line up only as one letters-and-digits run.
    expect(inferPattern(['ab12', 'x7', 'Q1a'].map(classes), 'classes')).toBe('^[A-Za-z0-9]{2,4}$');
  });
  test('values with no common structure give no pattern', () => {
    expect(inferPattern(['AB-12', 'x9'].map(classes), 'classes')).toBeNull();
    expect(inferPattern(['a b', 'a.b'].map(classes), 'classes')).toBeNull();
    expect(inferPattern(['x'.repeat(65)].map(classes), 'classes')).toBeNull();
    expect(inferPattern([], 'classes')).toBeNull();
  });
  test('special characters are escaped; shapes read with 9, a and A', () => {
    expect(inferPattern(['a+b(1)'].map(digits), 'digits')).toBe('^a\\+b\\([0-9]\\)$');
    expect(displayShape(classes('Img_07'))).toBe('Aaa_99');
  });
});

describe('margins (pure)', () => {
  test('between: widened by the margin of the range, rounded outward to the power of ten below the widening', () => {
    // range 600, pad 60, step 10
    expect(widenedRange(300, 900, 0.1, false)).toMatchObject({ min: 240, max: 960, step: 10 });
    // range 0.486, pad 0.0486, step 0.01: 0.4634 → 0.46, 1.0466 → 1.05
    expect(widenedRange(0.512, 0.998, 0.1, false)).toMatchObject({ min: 0.46, max: 1.05, step: 0.01 });
    // non-negative data stays non-negative: -5 → 0
    expect(widenedRange(0, 50, 0.1, true)).toMatchObject({ min: 0, max: 55, step: 1 });
    // negative data is widened below
    expect(widenedRange(-20, 20, 0.25, true)).toMatchObject({ min: -30, max: 30, step: 10 });
    // integers round to whole numbers at least: pad 0.3
    expect(widenedRange(3, 6, 0.1, true)).toMatchObject({ min: 2, max: 7, step: 1 });
    // binary fractions do not add a step: (1.1 + 0.06) / 0.01 is 116.00000000000001, still 116 steps
    expect(widenedRange(0.5, 1.1, 0.1, false)).toMatchObject({ min: 0.44, max: 1.16, step: 0.01 });
    // a constant: the margin of its magnitude, pad 100, step 100
    expect(widenedRange(1000, 1000, 0.1, false)).toMatchObject({ min: 900, max: 1100 });
  });
});

/**
 * Ten rows, every rule type decided by hand:
 * id: img_000001…img_000010 (the key) · label: 3 values and one NULL · lux: 300…900 ·
 * width: always 1024 · n: 0…50 · code: mixed-case letters and digit runs · colour: words ·
 * junk: no common shape · note: NULL in 4 rows.
 */
const ROWS: [string, string | null, number, number, number, string, string, string, string | null][] = [
  ['img_000001', 'ok', 300, 1024, 0, 'AB-1', 'red', 'x9', 'a'],
  ['img_000002', 'ok', 420.5, 1024, 10, 'cd-22', 'blue', 'AB-12', null],
  ['img_000003', 'crack', 900, 1024, 50, 'Ef-333', 'green', 'q', 'b'],
  ['img_000004', 'dent', 612, 1024, 25, 'gh-4', 'red', 'x9', null],
  ['img_000005', 'ok', 700, 1024, 5, 'IJ-55', 'blue', 'zz', 'c'],
  ['img_000006', null, 333.3, 1024, 7, 'kl-6', 'green', 'x9', 'd'],
  ['img_000007', 'ok', 800, 1024, 8, 'MN-77', 'red', 'x9', null],
  ['img_000008', 'crack', 555, 1024, 9, 'op-8', 'blue', 'x9', 'e'],
  ['img_000009', 'ok', 600, 1024, 3, 'QR-99', 'teal', 'x9', 'f'],
  ['img_000010', 'dent', 650, 1024, 1, 'st-100', 'red', 'x9', null],
];

describe('suggestions on a small table', () => {
  let engine: NodeEngine;
  const q = (sql: string) => engine.query(sql);
  const lit = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`);
  beforeAll(async () => {
    engine = await NodeEngine.create();
    const values = ROWS.map((r) => `(${r.map(lit).join(', ')})`).join(', ');
    await q(`CREATE TABLE t (id VARCHAR, label VARCHAR, lux DOUBLE, width INTEGER, n INTEGER, code VARCHAR, colour VARCHAR, junk VARCHAR, note VARCHAR)`);
    await q(`INSERT INTO t VALUES ${values}`);
  });
  afterAll(() => engine.close());

  const profile = async (body: string) => {
    const { spec } = profileCell.parse(body);
    return (await profileCell.run(spec!, { name: 'p', query: q, params: {} })).result as unknown as ProfileResult;
  };

  test('every rule type, with its reason', async () => {
    const o: SuggestOptions = { ...DEFAULT_SUGGEST_OPTIONS, inSetMax: 3 };
    // top: 2, so label's three values are not all among the top values and a query fetches them.
    const { rules } = await suggestChecks(q, 't', await profile('source: t\nkey: id\ntop: 2'), o);
    const items = Object.fromEntries(rules.map((r) => [r.name, r.item]));
    expect(items).toEqual({
      row_count: { row_count: true, min: 5, max: 15, name: 'row_count' },
      id_not_null: { not_null: 'id', name: 'id_not_null' },
      id_unique: { unique: 'id', name: 'id_unique' },
      id_pattern: { matches: 'id', pattern: '^img_[0-9]{6}$', name: 'id_pattern' },
      // 1 NULL in 10 = 0.1, + 0.02
      label_null_share: { max_null_share: 'label', share: 0.12, name: 'label_null_share' },
      label_in_set: { in_set: 'label', values: ['crack', 'dent', 'ok'], name: 'label_in_set' },
      lux_not_null: { not_null: 'lux', name: 'lux_not_null' },
      lux_range: { between: 'lux', min: 240, max: 960, name: 'lux_range' },
      width_not_null: { not_null: 'width', name: 'width_not_null' },
      width_in_set: { in_set: 'width', values: [1024], name: 'width_in_set' },
      n_not_null: { not_null: 'n', name: 'n_not_null' },
      n_range: { between: 'n', min: 0, max: 55, name: 'n_range' },
      code_not_null: { not_null: 'code', name: 'code_not_null' },
      code_pattern: { matches: 'code', pattern: '^[A-Za-z]{2}-[0-9]{1,3}$', name: 'code_pattern' },
      colour_not_null: { not_null: 'colour', name: 'colour_not_null' },
      colour_pattern: { matches: 'colour', pattern: '^[a-z]{3,5}$', name: 'colour_pattern' },
      junk_not_null: { not_null: 'junk', name: 'junk_not_null' },
      // 4 NULLs in 10: 0.42; the single letters share one shape
      note_null_share: { max_null_share: 'note', share: 0.42, name: 'note_null_share' },
      note_pattern: { matches: 'note', pattern: '^[a-z]$', name: 'note_pattern' },
    });
    const why = Object.fromEntries(rules.map((r) => [r.name, r.reason]));
    expect(why.row_count).toBe('10 rows observed; allowed ±50 %');
    expect(why.id_unique).toBe('the key: 10 values, none repeated');
    expect(why.label_null_share).toMatch(/^NULL in 10 % of rows \(1 of 10\)/);
    expect(why.label_in_set).toBe('3 distinct values (at most 3 become a set)');
    expect(why.lux_range).toBe('observed 300 to 900; widened by 10 % of the range on each side, rounded outward to 10');
    expect(why.n_range).toMatch(/not below 0 \(no value is negative\)$/);
    expect(why.id_pattern).toBe('all 10 values have one shape (img_999999)');
    expect(why.code_pattern).toBe('all 10 values have one of 10 shapes (AB-9, Ef-999, IJ-99, …)');
  });

  test('the body is a checks cell: it parses to the suggested rules, each with a why comment, and passes on its table', async () => {
    const { rules, body } = await suggestChecks(q, 't', await profile('source: t\nkey: id'));
    expect(body.split('\n').filter((l) => l.trim().startsWith('# why:'))).toHaveLength(rules.length);
    expect(parse(body).rules).toEqual(rules.map((r) => r.item));
    const { spec, diagnostics } = checksCell.parse(body);
    expect(diagnostics).toEqual([]);
    expect(spec!.rules).toEqual(rules.map((r) => r.check));
    const out = await checksCell.run(spec!, { name: 'suggested', query: q, params: {} });
    const outcomes = (out.result as { rules: RuleOutcome[] }).rules;
    expect(outcomes.filter((o) => !o.passed)).toEqual([]);
    expect(out.result.passed).toBe(true);
    // With the default limit of 20 values, colour, code and note are sets too.
    expect(rules.find((r) => r.name === 'colour_in_set')?.item.values).toEqual(['blue', 'green', 'red', 'teal']);
  });

  test('without a declared key, a text column with every value different is the candidate key; a repeated key gets no unique', async () => {
    const p = await profile('source: t');
    const { rules } = await suggestChecks(q, 't', p);
    expect(rules.find((r) => r.type === 'unique')).toMatchObject({ column: 'id', reason: 'all 10 values differ (a candidate key)' });
    const withRepeats = await profile('source: t\nkey: colour');
    expect((await suggestChecks(q, 't', withRepeats)).rules.some((r) => r.type === 'unique')).toBe(false);
  });

  test('hostile column names and values stay names and values: the body parses and passes', async () => {
    await q(`CREATE TABLE hostile AS SELECT * FROM (VALUES ('x''); DROP TABLE t; --', 1), ('ok', 2), ('a"b', 3)) v("label"" ; DROP TABLE t", "9 lives")`);
    const { rules, body } = await suggestChecks(q, 'hostile', await profile('source: hostile'));
    expect(rules.map((r) => r.name)).toEqual(['row_count', 'label_DROP_TABLE_t_not_null', 'label_DROP_TABLE_t_unique', 'c_9_lives_not_null', 'c_9_lives_in_set']);
    const { spec, diagnostics } = checksCell.parse(body);
    expect(diagnostics).toEqual([]);
    const out = await checksCell.run(spec!, { name: 'hostile_checks', query: q, params: {} });
    expect(out.result.passed).toBe(true);
    expect(Number((await q('SELECT count(*) AS n FROM t')).getChild('n')!.get(0))).toBe(10);
  });

  test('integer sets are YAML numbers where exact; a BIGINT beyond 2^53 stays text and still passes', async () => {
    await q(`CREATE TABLE big AS SELECT * FROM (VALUES (9007199254740993::BIGINT, 1), (1::BIGINT, 2)) v(b, s)`);
    const { rules, body } = await suggestChecks(q, 'big', await profile('source: big'));
    expect(rules.find((r) => r.name === 'b_in_set')!.item.values).toEqual(['1', '9007199254740993']);
    expect(rules.find((r) => r.name === 's_in_set')!.item.values).toEqual([1, 2]);
    const { spec } = checksCell.parse(body);
    expect((await checksCell.run(spec!, { name: 'big_checks', query: q, params: {} })).result.passed).toBe(true);
  });

  test('a pattern from the first values is confirmed on all of them and widened by the shapes it missed', async () => {
    expect(PATTERN_SAMPLE_ROWS).toBe(10_000);
    // 10,000 ids img_000000… first, then five IMG_00…IMG_04 the sample does not see.
    await q(`CREATE TABLE late_shapes AS SELECT CASE WHEN i < 10000 THEN 'img_' || lpad(i::VARCHAR, 6, '0') ELSE 'IMG_' || lpad((i - 10000)::VARCHAR, 2, '0') END AS id FROM range(10005) t(i)`);
    const { rules } = await suggestChecks(q, 'late_shapes', await profile('source: late_shapes\nkey: id'));
    expect(rules.find((r) => r.type === 'matches')).toMatchObject({ item: { pattern: '^[A-Za-z]{3}_[0-9]{2,6}$' }, reason: 'all 10005 values have one of 2 shapes (IMG_99, img_999999)' });
  });

  test('a value holding a placeholder character does not slip past its pattern', async () => {
    await q(`CREATE TABLE tricky AS SELECT * FROM (VALUES ('a1'), ('a' || chr(1)), ('a2'), ('a3'), ('a4'), ('a5'), ('a6'), ('a7'), ('a8'), ('a9'), ('b0'), ('b1'), ('b2'), ('b3'), ('b4'), ('b5'), ('b6'), ('b7'), ('b8'), ('b9'), ('c0')) v(x)`);
    const { rules } = await suggestChecks(q, 'tricky', await profile('source: tricky'));
    expect(rules.some((r) => r.type === 'matches')).toBe(false);
  });
});
