import type { SpecSchema } from '../../core/cells/specSchema';
import { columnOwner, describeValue } from '../../core/cells/specSchema';

/** One completion option as plain data (the editor turns it into CodeMirror's). */
export interface CompletionOption {
  label: string;
  detail?: string;
  info?: string;
  type: 'property' | 'variable' | 'function' | 'keyword' | 'enum' | 'class';
  apply?: string;
  boost?: number;
}

export interface CompletionAnswer {
  from: number;
  options: CompletionOption[];
}

/** What completion may draw on: the notebook's names and, asked lazily, columns of a relation. */
export interface CompletionData {
  names: { name: string; kind: string }[];
  columnsOf(name: string): Promise<string[]>;
  catalog?(): Promise<{ functions: string[]; keywords: string[] }>;
}

const COLUMN_RULES = ['not_null', 'unique', 'in_set', 'between', 'matches', 'max_null_share'];
const RULES = [...COLUMN_RULES, 'relation', 'sql', 'row_count', 'metric'];

/** The value a top-level key has in a spec's text (a plain scalar), if any. */
function topValue(text: string, key: string): string | null {
  const m = new RegExp(`^${key}:[ \\t]*([A-Za-z_][A-Za-z0-9_]*)[ \\t]*(#.*)?$`, 'm').exec(text);
  return m ? m[1]! : null;
}

/**
 * Completion in a spec cell at `pos`: a key of the kind's schema (with its doc) at the start
 * of a line; after `key:`, what the key holds — source and cell names, columns of the named
 * relation, enum values; in a checks rule, rule names and columns.
 */
export async function specCompletion(schema: SpecSchema, text: string, pos: number, data: CompletionData): Promise<CompletionAnswer | null> {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  const before = text.slice(lineStart, pos);
  const word = /[A-Za-z0-9_]*$/.exec(before)![0];
  const from = pos - word.length;
  const atKey = /^[A-Za-z0-9_]*$/.exec(before);
  if (atKey) {
    const present = new Set([...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*):/gm)].map((m) => m[1]!));
    const options = Object.entries(schema)
      .filter(([k]) => !present.has(k) || k === word)
      .map(([k, s]) => ({ label: k, detail: `${s.required ? 'required · ' : ''}${describeValue(s)}`, info: s.doc, type: 'property' as const, apply: `${k}: `, boost: s.required ? 1 : 0 }));
    return { from, options };
  }
  const columns = async (relationKey: string) => {
    const relation = topValue(text, relationKey);
    if (!relation) return [];
    return (await data.columnsOf(relation)).map((c) => ({ label: c, detail: `column of ${relation}`, type: 'variable' as const }));
  };
  // In a checks rule: "  - " starts a rule, "  - not_null: " takes a column.
  const rule = /^\s+-\s+([A-Za-z_]*)$/.exec(before);
  if (rule && schema.rules?.role === 'rules') return { from, options: RULES.map((r) => ({ label: r, type: 'keyword' as const, apply: `${r}: `, detail: COLUMN_RULES.includes(r) ? 'a column' : 'rule' })) };
  const ruleColumn = /^\s+-?\s*([a-z_]+):\s+([A-Za-z0-9_]*)$/.exec(before);
  if (ruleColumn && schema.rules?.role === 'rules' && COLUMN_RULES.includes(ruleColumn[1]!)) return { from, options: await columns('source') };
  const value = /^([A-Za-z_][A-Za-z0-9_]*):\s*(\[[^\]]*?,?\s*)?([A-Za-z0-9_]*)$/.exec(before);
  if (!value) return null;
  const key = schema[value[1]!];
  if (!key) return null;
  switch (key.role) {
    case 'relation':
      return {
        from,
        options: data.names
          .filter((n) => (key.kinds ? key.kinds.includes(n.kind) : true))
          .map((n) => ({ label: n.name, detail: n.kind === 'source' ? 'source' : `${n.kind} cell`, type: n.kind === 'source' ? ('class' as const) : ('variable' as const) })),
      };
    case 'column':
    case 'columns':
      return { from, options: await columns(columnOwner(key)) };
    case 'enum':
      return { from, options: (key.values ?? []).map((v) => ({ label: v, type: 'enum' as const })) };
    default:
      return null;
  }
}

/** `FROM t AS a`, `JOIN t a`: alias → relation, for `a.` completion. */
function aliases(text: string, known: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/\b(?:FROM|JOIN)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?(?:\s+(?:AS\s+)?([A-Za-z_][A-Za-z0-9_]*))?/gi)) {
    const rel = m[1]!.toLowerCase();
    if (!known.has(rel)) continue;
    out.set(rel, m[1]!);
    if (m[2] && !/^(WHERE|GROUP|ORDER|LIMIT|JOIN|LEFT|RIGHT|INNER|OUTER|FULL|CROSS|ON|USING|UNION|HAVING|QUALIFY|WINDOW|NATURAL|ASOF|POSITIONAL|ANTI|SEMI)$/i.test(m[2])) out.set(m[2].toLowerCase(), m[1]!);
  }
  return out;
}

/**
 * Completion in a SQL cell: after `x.`, the columns of relation (or alias) x; otherwise the
 * columns of the relations the query names (of every relation while it names none), the
 * notebook's sources and cells, DuckDB's functions and keywords.
 */
export async function sqlCompletion(text: string, pos: number, data: CompletionData, explicit: boolean): Promise<CompletionAnswer | null> {
  const before = text.slice(0, pos);
  const m = /(?:"?([A-Za-z_][A-Za-z0-9_]*)"?\.)?([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before)!;
  const word = m[2] ?? '';
  const from = pos - word.length;
  if (!m[1] && !word && !explicit) return null;
  // Inside a string or a comment nothing is offered.
  const line = before.slice(before.lastIndexOf('\n') + 1);
  if (/--/.test(line) || (before.split("'").length - 1) % 2 === 1) return null;
  const known = new Set(data.names.map((n) => n.name.toLowerCase()));
  const alias = aliases(text, known);
  if (m[1]) {
    const rel = alias.get(m[1].toLowerCase()) ?? (known.has(m[1].toLowerCase()) ? m[1] : null);
    if (!rel) return null;
    return { from, options: (await data.columnsOf(rel)).map((c) => ({ label: c, detail: `column of ${rel}`, type: 'variable' as const })) };
  }
  const named = [...new Set(alias.values())];
  const targets = named.length ? named : data.names.map((n) => n.name);
  const options: CompletionOption[] = [];
  const cols = await Promise.all(targets.map(async (t) => [t, await data.columnsOf(t)] as const));
  const seen = new Set<string>();
  for (const [t, cs] of cols) {
    for (const c of cs) {
      if (seen.has(c)) continue;
      seen.add(c);
      options.push({ label: c, detail: `column of ${t}`, type: 'variable', boost: named.length ? 3 : 1 });
    }
  }
  for (const n of data.names) options.push({ label: n.name, detail: n.kind === 'source' ? 'source' : `${n.kind} cell`, type: 'class', boost: 2 });
  const catalog = data.catalog ? await data.catalog() : { functions: [], keywords: [] };
  for (const f of catalog.functions) options.push({ label: f, detail: 'function', type: 'function', boost: -1 });
  for (const k of catalog.keywords) options.push({ label: k.toUpperCase(), type: 'keyword', boost: -2 });
  return { from, options };
}
