/**
 * What a key of a cell's YAML spec holds. The parser reads keys through `YamlSpec`, which
 * refuses a key its kind's schema does not declare; the editor completes from the same
 * schema, and the README's cell reference is generated from it.
 *
 * - `relation`: the name of a source or a cell (`kinds` narrows it to cells of those kinds)
 * - `column` / `columns`: one column, or a list of columns, of the relation named by key `of`
 * - `enum`: one of `values`
 * - `number`, `text`, `list` (a list of values), `map` (a mapping the kind reads itself),
 *   `rules` (a list of rule mappings, a checks cell's)
 */
export type SpecRole = 'relation' | 'column' | 'columns' | 'enum' | 'number' | 'text' | 'list' | 'map' | 'rules';

/** What a column key is likely to be, for filling templates from real column names. */
export type ColumnHint = 'label' | 'key' | 'numeric' | 'any';

/** One key of a spec. */
export interface SpecKey {
  /** One line: what the key means (shown in the completion list and the README). */
  readonly doc: string;
  readonly role: SpecRole;
  readonly required?: boolean;
  /** `enum`: the words allowed. */
  readonly values?: readonly string[];
  /** `column(s)`: the key naming the relation the columns belong to (default `source`). */
  readonly of?: string;
  /** `relation`: only cells of these kinds (a review's `sample`). */
  readonly kinds?: readonly string[];
  /** `column`: what kind of column fits, for templates. */
  readonly hint?: ColumnHint;
}

/** A kind's spec: its keys in the order the docs list them. */
export type SpecSchema = Readonly<Record<string, SpecKey>>;

/** The relation key a column key belongs to. */
export function columnOwner(key: SpecKey): string {
  return key.of ?? 'source';
}

/** One line describing a key's value, for completion details and the README. */
export function describeValue(key: SpecKey): string {
  switch (key.role) {
    case 'relation':
      return key.kinds ? `a ${key.kinds.join(' or ')} cell` : 'a source or cell';
    case 'column':
      return `a column of ${columnOwner(key)}`;
    case 'columns':
      return `columns of ${columnOwner(key)}`;
    case 'enum':
      return (key.values ?? []).join(' | ');
    case 'number':
      return 'a number';
    case 'list':
      return 'a list';
    case 'map':
      return 'a mapping';
    case 'rules':
      return 'a list of rules';
    default:
      return 'text';
  }
}

/**
 * The cell reference as a Markdown table per kind (key, required, value, doc): the README's
 * "Cell reference" section is this text, and a test keeps the two equal.
 */
export function schemaReference(kinds: Iterable<{ kind: string; description: string; schema?: SpecSchema }>): string {
  const out: string[] = [];
  for (const k of kinds) {
    if (!k.schema) continue;
    out.push(`#### \`${k.kind}\` — ${k.description}`, '', '| key | | value | meaning |', '| --- | --- | --- | --- |');
    for (const [name, key] of Object.entries(k.schema)) {
      out.push(`| \`${name}\` | ${key.required ? 'required' : ''} | ${describeValue(key).replaceAll('|', '\\|')} | ${key.doc.replaceAll('|', '\\|')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
