import { describe, expect, test } from 'vitest';
import { labelOpinions } from '../../../src/core/review/labelOpinions';

describe('labelOpinions', () => {
  const cols = ['annotator_a', 'annotator_b', 'prediction'];

  test("'Crack' against ok, ok and ok is disputed; each opinion says it differs", () => {
    const out = labelOpinions('Crack', { annotator_a: 'ok', annotator_b: 'ok', prediction: 'ok' }, cols);
    expect(out.disputed).toBe(true);
    expect(out.opinions.map((o) => [o.column, o.value, o.agrees])).toEqual([
      ['annotator_a', 'ok', false],
      ['annotator_b', 'ok', false],
      ['prediction', 'ok', false],
    ]);
  });

  test('one opinion agreeing is enough: not disputed', () => {
    expect(labelOpinions('crack', { annotator_a: 'crack', annotator_b: 'scratch', prediction: 'scratch' }, cols).disputed).toBe(false);
  });

  test("exact text: 'crack ' (trailing space) and 'Crack' do not agree with 'crack'", () => {
    const out = labelOpinions('crack', { annotator_a: 'crack ', annotator_b: 'Crack', prediction: 'crack' }, cols);
    expect(out.opinions.map((o) => o.agrees)).toEqual([false, false, true]);
    expect(out.disputed).toBe(false);
  });

  test('NULL opinions neither agree nor dispute; all NULL is not disputed', () => {
    expect(labelOpinions('ok', { annotator_a: null, annotator_b: 'dent', prediction: null }, cols).disputed).toBe(true);
    expect(labelOpinions('ok', { annotator_a: null, annotator_b: null, prediction: null }, cols).disputed).toBe(false);
    expect(labelOpinions('ok', {}, []).disputed).toBe(false);
  });

  test('a NULL given label agrees with nothing; numbers compare as their text', () => {
    expect(labelOpinions(null, { annotator_a: 'ok' }, ['annotator_a']).disputed).toBe(true);
    expect(labelOpinions('2', { severity_b: 2 }, ['severity_b']).opinions[0]!.agrees).toBe(true);
  });
});
