import { describe, expect, it } from 'vitest';
import { specCompletion, sqlCompletion, type CompletionData } from '../../../src/ui/editor/completion';
import { CONFUSION_SCHEMA } from '../../../src/core/cells/confusionCell';
import { REVIEW_SCHEMA } from '../../../src/core/cells/reviewCell';
import { CHECKS_SCHEMA } from '../../../src/core/cells/checksCell';

const data: CompletionData = {
  names: [{ name: 'batch', kind: 'source' }, { name: 'spot', kind: 'sample' }, { name: 'by_class', kind: 'sql' }],
  columnsOf: async (n) => ({ batch: ['image_id', 'label', 'annotator_a'], spot: ['image_id', 'label'], by_class: ['label', 'n'] })[n.toLowerCase()] ?? [],
  catalog: async () => ({ functions: ['count', 'regexp_matches'], keywords: ['select', 'from'] }),
};
const at = (text: string) => [text.replace('|', ''), text.indexOf('|')] as const;
const labels = (r: { options: { label: string }[] } | null) => r?.options.map((o) => o.label) ?? [];

describe('spec completion from the kind’s schema', () => {
  it('keys at the start of a line, with their docs, leaving out keys already there', async () => {
    const [text, pos] = at('source: batch\nwe|');
    const r = await specCompletion(CONFUSION_SCHEMA, text, pos, data);
    expect(labels(r)).not.toContain('source');
    const weights = r!.options.find((o) => o.label === 'weights')!;
    expect(weights.info).toBe(CONFUSION_SCHEMA.weights!.doc);
    expect(weights.detail).toContain('none | linear | quadratic');
    expect(r!.from).toBe(text.length - 2);
  });
  it('enum values, relations, columns of the named relation', async () => {
    expect(labels(await specCompletion(CONFUSION_SCHEMA, ...at('weights: |'), data))).toEqual(['none', 'linear', 'quadratic']);
    expect(labels(await specCompletion(CONFUSION_SCHEMA, ...at('source: |'), data))).toEqual(['batch', 'spot', 'by_class']);
    expect(labels(await specCompletion(CONFUSION_SCHEMA, ...at('source: batch\nreference: ann|'), data))).toEqual(['image_id', 'label', 'annotator_a']);
    // A review's sample is a sample cell; its columns are the sample's.
    expect(labels(await specCompletion(REVIEW_SCHEMA, ...at('sample: |'), data))).toEqual(['spot']);
    expect(labels(await specCompletion(REVIEW_SCHEMA, ...at('sample: spot\nkey: |'), data))).toEqual(['image_id', 'label']);
  });
  it('checks rules: rule names after "- ", columns after a column rule', async () => {
    expect(labels(await specCompletion(CHECKS_SCHEMA, ...at('source: batch\nrules:\n  - no|'), data))).toContain('not_null');
    expect(labels(await specCompletion(CHECKS_SCHEMA, ...at('source: batch\nrules:\n  - not_null: |'), data))).toEqual(['image_id', 'label', 'annotator_a']);
  });
});

describe('SQL completion', () => {
  it('columns of the relations the query names, then names, functions, keywords', async () => {
    const r = await sqlCompletion(...at('SELECT lab| FROM batch'), data, false);
    expect(labels(r).slice(0, 3)).toEqual(['image_id', 'label', 'annotator_a']);
    expect(labels(r)).toContain('by_class');
    expect(labels(r)).toContain('regexp_matches');
    expect(labels(r)).toContain('SELECT');
  });
  it('with no FROM yet, every relation’s columns; after an alias and a dot, that relation’s', async () => {
    expect(labels(await sqlCompletion(...at('SELECT n|'), data, false))).toContain('n');
    expect(labels(await sqlCompletion(...at('SELECT b.| FROM by_class AS b'), data, false))).toEqual(['label', 'n']);
    expect(await sqlCompletion(...at("SELECT 'lab|"), data, false)).toBeNull();
  });
});
