import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CELL_KINDS } from '../../../src/core/cells/registry';
import { schemaReference } from '../../../src/core/cells/specSchema';

const specKinds = [...CELL_KINDS.values()].filter((k) => k.kind !== 'sql');

describe('one schema per cell kind, the one its parser validates against', () => {
  it('every spec kind in the registry declares a schema with a doc for every key', () => {
    for (const kind of specKinds) {
      expect(kind.schema, kind.kind).toBeDefined();
      for (const [key, k] of Object.entries(kind.schema!)) {
        expect(k.doc.length, `${kind.kind}.${key}`).toBeGreaterThan(10);
        expect(k.doc.includes('\n'), `${kind.kind}.${key}: one line`).toBe(false);
        if (k.role === 'enum') expect(k.values?.length, `${kind.kind}.${key}`).toBeGreaterThan(1);
        if (k.role === 'column' || k.role === 'columns') expect(kind.schema![k.of ?? 'source']?.role, `${kind.kind}.${key} names a relation key`).toBe('relation');
      }
    }
  });

  it('the template parses, and every declared key is accepted (never "unknown")', () => {
    for (const kind of specKinds) {
      expect(kind.parse(kind.template).diagnostics, kind.kind).toEqual([]);
      for (const key of Object.keys(kind.schema!)) {
        const { diagnostics } = kind.parse(`${kind.template}\n${key}: x`.replace(new RegExp(`^${key}:.*\\n`, 'm'), ''));
        expect(diagnostics.filter((d) => d.message.includes('unknown key')), `${kind.kind}.${key}`).toEqual([]);
      }
    }
  });

  it('a key outside the schema is a diagnostic at its own line, listing the declared keys', () => {
    for (const kind of specKinds) {
      const lines = kind.template.split('\n');
      const body = [lines[0], 'refrence: x', ...lines.slice(1)].join('\n');
      const { spec, diagnostics } = kind.parse(body);
      expect(spec, kind.kind).toBeNull();
      const d = diagnostics.find((x) => x.message.includes('unknown key "refrence"'));
      expect(d?.line, kind.kind).toBe(2);
      for (const key of Object.keys(kind.schema!)) expect(d!.message).toContain(key);
    }
  });

  it('an enum key refuses a word outside its values, naming them', () => {
    for (const kind of specKinds) {
      for (const [key, k] of Object.entries(kind.schema!)) {
        if (k.role !== 'enum') continue;
        const body = `${kind.template.replace(new RegExp(`^${key}:.*$\\n?`, 'm'), '')}\n${key}: nonsense`;
        const { diagnostics } = kind.parse(body);
        const d = diagnostics.find((x) => x.message.startsWith(`${key}:`));
        expect(d?.message, `${kind.kind}.${key}`).toContain(k.values!.join(', '));
        expect(d!.line).toBe(body.split('\n').length);
      }
    }
  });

  it('removing a required key is a diagnostic naming it', () => {
    for (const kind of specKinds) {
      for (const [key, k] of Object.entries(kind.schema!)) {
        if (!k.required) continue;
        // A key's value may span lines (checks' rules): drop the key and its indented lines.
        const body = kind.template.replace(new RegExp(`^${key}:.*(\\n[ -].*)*\\n?`, 'm'), '');
        expect(body, `${kind.kind}.${key} is in the template`).not.toBe(kind.template);
        const { spec, diagnostics } = kind.parse(body);
        expect(spec, `${kind.kind} without ${key}`).toBeNull();
        expect(diagnostics.some((d) => d.message.includes(key)), `${kind.kind} without ${key}: ${JSON.stringify(diagnostics)}`).toBe(true);
      }
    }
  });

  it("the README's cell reference is generated from the schemas", () => {
    const readme = readFileSync('README.md', 'utf8');
    const m = /<!-- cell-reference:start[^>]*-->\n([\s\S]*?)<!-- cell-reference:end -->/.exec(readme);
    expect(m, 'README has the cell reference section').not.toBeNull();
    expect(m![1]).toBe(schemaReference(CELL_KINDS.values()));
  });
});
