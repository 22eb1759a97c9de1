import { Document, parseDocument, isMap, isSeq } from 'yaml';
import type { Diagnostic, FrontMatter, SourceRef } from './types';

const KNOWN = new Set(['title', 'params', 'sources']);

/** An empty front matter. */
export function emptyFrontMatter(): FrontMatter {
  return { title: '', params: {}, sources: [], extra: {} };
}

/**
 * Read the YAML front matter. `firstLine` is the file line of the first YAML line, so
 * diagnostics point into the file. Never throws.
 */
export function parseFrontMatter(text: string, firstLine: number): { frontMatter: FrontMatter; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fm = emptyFrontMatter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) {
    diagnostics.push({ line: firstLine + (e.linePos?.[0]?.line ?? 1) - 1, severity: 'error', message: `front matter: ${e.message.split('\n')[0]}` });
  }
  if (doc.errors.length > 0) return { frontMatter: fm, diagnostics };
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) return firstLine;
    return firstLine + (text.slice(0, range[0]).match(/\n/g)?.length ?? 0);
  };
  let data: unknown;
  try {
    // toJS throws (rather than reporting) on an unresolved alias or an alias bomb.
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    diagnostics.push({ line: firstLine, severity: 'error', message: `front matter: ${(error as Error).message.split('\n')[0]}` });
    return { frontMatter: fm, diagnostics };
  }
  if (data === null || data === undefined) return { frontMatter: fm, diagnostics };
  if (typeof data !== 'object' || Array.isArray(data)) {
    diagnostics.push({ line: firstLine, severity: 'error', message: 'front matter must be a YAML mapping (key: value lines)' });
    return { frontMatter: fm, diagnostics };
  }
  const record = data as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) if (!KNOWN.has(k)) fm.extra[k] = v;
  if (record.title !== undefined) {
    if (typeof record.title === 'string') fm.title = record.title;
    else diagnostics.push({ line: lineOf(doc.get('title', true)), severity: 'error', message: 'front matter: title must be text' });
  }
  if (record.params !== undefined) {
    if (record.params && typeof record.params === 'object' && !Array.isArray(record.params)) fm.params = record.params as Record<string, unknown>;
    else diagnostics.push({ line: lineOf(doc.get('params', true)), severity: 'error', message: 'front matter: params must be a mapping' });
  }
  const sourcesNode = doc.get('sources', true);
  if (record.sources !== undefined) {
    if (!isMap(sourcesNode)) {
      diagnostics.push({
        line: lineOf(sourcesNode),
        severity: 'error',
        message: `front matter: sources must be a mapping of name to file${isSeq(sourcesNode) ? ' (found a list)' : ''}`,
      });
    } else {
      for (const item of sourcesNode.items) {
        const name = String((item.key as { value?: unknown })?.value ?? item.key);
        const value = (item.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? (item.value as { value?: unknown } | null)?.value;
        const line = lineOf(item.key);
        // SQL has no empty identifier: DuckDB would say only "zero-length delimited identifier".
        if (name.trim() === '') {
          diagnostics.push({ line, severity: 'error', message: `front matter: a source has an empty name ("${name}"): give it a name cells can read it by` });
          continue;
        }
        const ref = sourceRef(name, value);
        if (typeof ref === 'string') diagnostics.push({ line, severity: 'error', message: `front matter: source ${name}: ${ref}` });
        else fm.sources.push(ref);
      }
    }
  }
  return { frontMatter: fm, diagnostics };
}

function sourceRef(name: string, value: unknown): SourceRef | string {
  if (typeof value === 'string') return { name, path: value };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'expected a path or a mapping with path (or manifest) and sha256';
  const v = value as Record<string, unknown>;
  const ref: SourceRef = { name };
  for (const key of ['path', 'manifest', 'version', 'sha256'] as const) {
    if (v[key] === undefined) continue;
    if (typeof v[key] !== 'string') return `${key} must be text`;
    ref[key] = v[key];
  }
  if (v.columns !== undefined) {
    if (!Array.isArray(v.columns) || !v.columns.length || !v.columns.every((c) => typeof c === 'string' && c !== '')) return 'columns must be a list of column names';
    ref.columns = v.columns as string[];
  }
  if (!ref.path && !ref.manifest) return 'needs a path (or a manifest)';
  if (ref.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(ref.sha256)) return 'sha256 must be 64 lowercase hex digits';
  return ref;
}

/** Canonical YAML for a front matter: title, params, sources, then any other keys. */
export function stringifyFrontMatter(fm: FrontMatter): string {
  const out: Record<string, unknown> = {};
  if (fm.title) out.title = fm.title;
  if (Object.keys(fm.params).length) out.params = fm.params;
  if (fm.sources.length) {
    out.sources = Object.fromEntries(
      fm.sources.map((s) => {
        const { name, ...rest } = s;
        return [name, rest];
      }),
    );
  }
  Object.assign(out, fm.extra);
  const doc = new Document(out);
  // A column list reads as people write it: `columns: [image_id, label]` on one line.
  for (const s of fm.sources) {
    const node = s.columns ? doc.getIn(['sources', s.name, 'columns'], true) : undefined;
    if (isSeq(node)) node.flow = true;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
