import type { CellKind } from './CellKind';
import type { ColumnHint } from './specSchema';
import type { DescribedColumn } from '../sql/describe';

/** What a new cell can be filled from: the notebook's relations, with their columns when known. */
export interface TemplateContext {
  /** Sources first (front-matter order), then cells, each with its kind. */
  relations: { name: string; kind: string; columns: DescribedColumn[] }[];
}

const NUMERIC = /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC|HUGEINT/i;

/** The column that best fits a hint: key-like (`*_id`, `id`, `key`), label-like, numeric; null when none does. */
export function pickColumn(columns: DescribedColumn[], hint: ColumnHint, avoid: string[] = []): string | null {
  const free = columns.filter((c) => !avoid.includes(c.name));
  const byName = (re: RegExp) => free.find((c) => re.test(c.name))?.name ?? null;
  switch (hint) {
    case 'key':
      return byName(/^(id|key|uuid)$/i) ?? byName(/(_id|_key|_uuid)$/i) ?? byName(/id$/i);
    case 'label':
      return byName(/^(label|class|category|target|y)$/i) ?? byName(/label|class|category|annotat/i) ?? free.find((c) => /VARCHAR|BOOL|ENUM/i.test(c.type) && !/(_id|^id)$/i.test(c.name))?.name ?? null;
    case 'numeric':
      return free.find((c) => NUMERIC.test(c.type) && !/(_id|^id)$/i.test(c.name))?.name ?? null;
    default:
      return free[0]?.name ?? null;
  }
}

/**
 * A new cell's body from the kind's template with the notebook's own names: every key naming
 * a relation gets the notebook's first source (a review's `sample`, its latest sample cell;
 * a drift's `current`, the second source), every column key a real column of that relation
 * chosen by its hint, and the template's columns elsewhere (a checks rule) follow the same
 * replacement. Keys it cannot fill keep the template's text.
 */
export function fillTemplate(kind: CellKind<unknown>, ctx: TemplateContext): string {
  const schema = kind.schema;
  const sources = ctx.relations.filter((r) => r.kind === 'source');
  if (kind.kind === 'sql') return sources[0] ? `SELECT * FROM ${/^[A-Za-z_][A-Za-z0-9_]*$/.test(sources[0].name) ? sources[0].name : `"${sources[0].name.replaceAll('"', '""')}"`} LIMIT 100` : kind.template;
  if (!schema) return kind.template;
  const lines = kind.template.split('\n');
  const values = new Map<string, string>();
  for (const line of lines) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/.exec(line);
    if (m) values.set(m[1]!, m[2]!);
  }
  const chosen = new Map<string, (typeof ctx.relations)[number]>();
  const relationKeys = Object.entries(schema).filter(([k, s]) => s.role === 'relation' && values.has(k));
  relationKeys.forEach(([k, s], i) => {
    const pool = s.kinds ? ctx.relations.filter((r) => s.kinds!.includes(r.kind)).reverse() : sources.length > 1 && i > 0 ? sources.slice(1) : sources;
    if (pool[0]) chosen.set(k, pool[0]);
  });
  const replaced = new Map<string, string>();
  const out = new Map(values);
  for (const [k, rel] of chosen) out.set(k, rel.name);
  const used: string[] = [];
  for (const [k, s] of Object.entries(schema)) {
    if (s.role !== 'column' || !values.has(k)) continue;
    const rel = chosen.get(s.of ?? 'source');
    if (!rel?.columns.length) continue;
    const col = pickColumn(rel.columns, s.hint ?? 'any', used) ?? pickColumn(rel.columns, s.hint ?? 'any');
    if (!col) continue;
    used.push(col);
    replaced.set(values.get(k)!, col);
    out.set(k, col);
  }
  // A label_issues cell's probabilities: the relation's p_<class> columns, when it has two or more.
  if (schema.probabilities && values.has('probabilities')) {
    const rel = chosen.get('source');
    const probs = rel?.columns.filter((c) => /^p_.+/.test(c.name) && NUMERIC.test(c.type)) ?? [];
    if (probs.length >= 2) out.set('probabilities', `{${probs.map((c) => `${c.name.slice(2)}: ${c.name}`).join(', ')}}`);
  }
  return lines
    .map((line) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/.exec(line);
      if (m && out.get(m[1]!) !== values.get(m[1]!)) return `${m[1]}: ${out.get(m[1]!)}`;
      // Nested lines (a checks rule) name the template's columns too.
      return line.replace(/(:\s*)([A-Za-z_][A-Za-z0-9_]*)\s*$/, (all, sep: string, word: string) => (replaced.has(word) ? `${sep}${replaced.get(word)}` : all));
    })
    .join('\n');
}
