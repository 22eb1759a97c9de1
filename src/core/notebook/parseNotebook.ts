import { CELL_KINDS } from '../cells/registry';
import { NON_NAME_KEYWORDS } from '../sql/sqlKeywords';
import { emptyFrontMatter, parseFrontMatter } from './frontMatter';
import type { Block, CellBlock, Diagnostic, Notebook, ParseResult } from './types';

// The info string keeps the blanks before it, so a fence written "```\tsql x" is written back so.
const FENCE = /^(`{3,}|~{3,})([ \t]*[^`]*)$/;
/** Cell names are SQL-typeable identifiers. */
export const CELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parse an `*.assay.md` file. Blocks keep their text exactly, so
 * serializeNotebook(parseNotebook(text).notebook) === text for every canonical file
 * (LF line endings, a final newline). Problems come back as diagnostics with file line
 * numbers; this function does not throw on any input.
 */
export function parseNotebook(input: string, kinds: ReadonlySet<string> = new Set(CELL_KINDS.keys())): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const text = input.replace(/\r\n?/g, '\n').replace(/^\uFEFF/, '');
  const lines = text.split('\n');
  // A final newline leaves one empty string after split: not a line of its own.
  const hasFinalNewline = lines.length > 0 && lines[lines.length - 1] === '';
  if (hasFinalNewline) lines.pop();

  let i = 0;
  let frontMatterText: string | null = null;
  let frontMatter = emptyFrontMatter();
  if (lines[0] === '---') {
    const end = lines.indexOf('---', 1);
    if (end < 0) {
      diagnostics.push({ line: 1, severity: 'error', message: 'front matter opened with --- is never closed' });
    } else {
      frontMatterText = lines.slice(1, end).map((l) => l + '\n').join('');
      const parsed = parseFrontMatter(frontMatterText, 2);
      frontMatter = parsed.frontMatter;
      diagnostics.push(...parsed.diagnostics);
      i = end + 1;
    }
  }

  const blocks: Block[] = [];
  let prose: string[] = [];
  let proseLine = i + 1;
  let counter = 0;
  const flushProse = () => {
    if (prose.length) blocks.push({ type: 'prose', id: `b${++counter}`, text: prose.join(''), line: proseLine });
    prose = [];
  };
  const isLast = (k: number) => k === lines.length - 1;
  const eol = (k: number) => (isLast(k) && !hasFinalNewline ? '' : '\n');

  while (i < lines.length) {
    const line = lines[i]!;
    const m = FENCE.exec(line);
    if (!m) {
      if (prose.length === 0) proseLine = i + 1;
      prose.push(line + eol(i));
      i++;
      continue;
    }
    const fence = m[1]!;
    const words = m[2]!.trim().split(/\s+/).filter(Boolean);
    const closeAt = findClose(lines, i + 1, fence);
    const isCell = words.length > 0 && (kinds.has(words[0]!) || (words.length >= 2 && /^[a-z][a-z_-]*$/.test(words[0]!)));
    if (!isCell) {
      // An ordinary Markdown code block: prose, kept as written.
      const end = closeAt < 0 ? lines.length - 1 : closeAt;
      if (prose.length === 0) proseLine = i + 1;
      for (let k = i; k <= end; k++) prose.push(lines[k]! + eol(k));
      i = end + 1;
      continue;
    }
    flushProse();
    const [kind, name = '', ...options] = words as [string, ...string[]];
    if (closeAt < 0) {
      diagnostics.push({ line: i + 1, severity: 'error', cell: name || undefined, message: `the ${kind} cell ${name} opened here is never closed (expected ${fence})` });
    }
    const end = closeAt < 0 ? lines.length : closeAt;
    const body = lines.slice(i + 1, end).join('\n');
    const cell: CellBlock = { type: 'cell', id: `b${++counter}`, kind, name, options, info: m[2]!, body, fence, line: i + 1 };
    if (end - i - 1 === 1 && body === '') cell.blankLine = true;
    if (closeAt >= 0 && lines[closeAt] !== fence) cell.close = lines[closeAt]!;
    blocks.push(cell);
    if (!kinds.has(kind)) {
      diagnostics.push({ line: i + 1, severity: 'error', cell: name, message: `unknown cell kind "${kind}" (known: ${[...kinds].sort().join(', ')})` });
    }
    if (!name) diagnostics.push({ line: i + 1, severity: 'error', message: `the ${kind} cell has no name: write \`${fence}${kind} a_name\`` });
    else if (!CELL_NAME.test(name)) {
      diagnostics.push({ line: i + 1, severity: 'error', cell: name, message: `cell name "${name}" must start with a letter or _ and hold only letters, digits and _` });
    }
    i = end + 1;
  }
  flushProse();

  const notebook: Notebook = { frontMatterText, frontMatter, blocks };
  diagnostics.push(...checkNames(notebook));
  diagnostics.sort((a, b) => a.line - b.line);
  return { notebook, diagnostics };
}

function findClose(lines: string[], from: number, fence: string): number {
  const ch = fence[0]!;
  for (let k = from; k < lines.length; k++) {
    const t = lines[k]!;
    if (t.startsWith(fence) && t.slice(fence.length).split('').every((c) => c === ch || c === ' ' || c === '\t') && t.trim().split('').every((c) => c === ch)) return k;
  }
  return -1;
}

/** Duplicate cell names, cell names that shadow a source, and (a warning) names that are SQL keywords. */
export function checkNames(nb: Notebook): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, number>();
  const sources = new Set(nb.frontMatter.sources.map((s) => s.name.toLowerCase()));
  for (const b of nb.blocks) {
    if (b.type !== 'cell' || !b.name) continue;
    const key = b.name.toLowerCase();
    if (seen.has(key)) {
      out.push({ line: b.line, severity: 'error', cell: b.name, message: `duplicate cell name "${b.name}" (first used on line ${seen.get(key)})` });
    } else seen.set(key, b.line);
    if (sources.has(key)) out.push({ line: b.line, severity: 'error', cell: b.name, message: `cell name "${b.name}" is already the name of a source` });
    if (NON_NAME_KEYWORDS.has(key)) out.push({ line: b.line, severity: 'warning', cell: b.name, message: `cell name "${b.name}" is an SQL keyword: other cells read it only quoted, as "${b.name}"` });
  }
  return out;
}
