import { describe, expect, it } from 'vitest';
import { CELL_KINDS } from '../../../src/core/cells/registry';
import { fillTemplate, pickColumn } from '../../../src/core/cells/fillTemplate';

const batch = [
  { name: 'camera_id', type: 'VARCHAR' },
  { name: 'image_id', type: 'VARCHAR' },
  { name: 'given_label', type: 'VARCHAR' },
  { name: 'score', type: 'DOUBLE' },
  { name: 'p_crack', type: 'DOUBLE' },
  { name: 'p_ok', type: 'DOUBLE' },
];
const ctx = { relations: [{ name: 'shots', kind: 'source', columns: batch }, { name: 'later', kind: 'source', columns: batch }, { name: 'spot', kind: 'sample', columns: batch }] };
const kind = (k: string) => CELL_KINDS.get(k)!;

describe('templates from the notebook', () => {
  it('picks key-like and label-like columns by name', () => {
    // No column is exactly id or *_id-first: the first *_id in order.
    expect(pickColumn(batch, 'key')).toBe('camera_id');
    expect(pickColumn(batch, 'key', ['camera_id'])).toBe('image_id');
    expect(pickColumn(batch, 'label')).toBe('given_label');
    expect(pickColumn(batch, 'numeric')).toBe('score');
  });

  it('fills every kind with the first source and real columns, and the result parses', () => {
    expect(fillTemplate(kind('profile'), ctx)).toBe('source: shots\nkey: camera_id');
    expect(fillTemplate(kind('sample'), ctx)).toBe('source: shots\nstratify: given_label\nkey: camera_id\nfraction: 0.05\nmin_per_class: 5');
    expect(fillTemplate(kind('checks'), ctx)).toBe('source: shots\nkey: camera_id\nrules:\n  - not_null: camera_id\n  - unique: camera_id\n  - row_count: true\n    min: 1');
    expect(fillTemplate(kind('drift'), ctx)).toMatch(/^baseline: shots\ncurrent: later\nlabel: given_label$/);
    expect(fillTemplate(kind('review'), ctx)).toMatch(/^sample: spot\n/);
    expect(fillTemplate(kind('label_issues'), ctx)).toContain('probabilities: {crack: p_crack, ok: p_ok}');
    expect(fillTemplate(kind('sql'), ctx)).toBe('SELECT * FROM shots LIMIT 100');
    for (const k of CELL_KINDS.values()) expect(k.parse(fillTemplate(k, ctx)).diagnostics, k.kind).toEqual([]);
  });

  it('without sources the template stays as it is', () => {
    for (const k of CELL_KINDS.values()) expect(fillTemplate(k, { relations: [] }), k.kind).toBe(k.template);
  });
});
