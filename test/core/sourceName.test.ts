import { expect, test } from 'vitest';
import { sourceNameFor } from '../../src/core/sourceName';

test('derives typeable table names from file names', () => {
  expect(sourceNameFor('defects_v1.parquet')).toBe('defects_v1');
  expect(sourceNameFor('Defects v2 (final).csv')).toBe('defects_v2_final');
  expect(sourceNameFor('/home/me/data/2026 batch.jsonl')).toBe('t_2026_batch');
  expect(sourceNameFor('Étiquettes.arrow')).toBe('etiquettes');
  expect(sourceNameFor('列.csv')).toBe('source');
  expect(sourceNameFor('a.csv', ['a', 'a_2'])).toBe('a_3');
});
