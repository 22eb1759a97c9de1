import { stringifyFrontMatter } from './frontMatter';
import type { CellBlock, FrontMatter, Notebook } from './types';

/** The file text of a notebook. Inverse of parseNotebook for canonical files. */
export function serializeNotebook(nb: Notebook): string {
  let out = nb.frontMatterText === null ? '' : `---\n${nb.frontMatterText}---\n`;
  for (const b of nb.blocks) out += b.type === 'prose' ? b.text : serializeCell(b);
  return out;
}

/** One fenced cell, with its closing fence and a final newline. */
export function serializeCell(cell: CellBlock): string {
  const words = [cell.kind, cell.name, ...cell.options].filter(Boolean);
  const raw = cell.info?.trim().split(/\s+/).filter(Boolean);
  const info = raw && raw.length === words.length && raw.every((w, i) => w === words[i]) ? cell.info! : words.join(' ');
  const fence = safeFence(cell.fence, cell.body);
  // The closing line as written survives while the opening fence is still safe for the body.
  const close = fence === cell.fence && cell.close !== undefined ? cell.close : fence;
  return `${fence}${info}\n${cell.body === '' && !cell.blankLine ? '' : cell.body + '\n'}${close}\n`;
}

/**
 * A fence longer than any body line that could close it (a line of only fence characters, as
 * parseNotebook's findClose reads it), so a body can never end its cell early. A line such as
 * ```` ```python ```` cannot close a fence and leaves it as it is.
 */
function safeFence(fence: string, body: string): string {
  const ch = fence[0]!;
  const closing = new RegExp(`^(${ch === '`' ? '`' : '~'}{3,})[ \\t]*$`, 'gm');
  let longest = 0;
  for (const m of body.matchAll(closing)) longest = Math.max(longest, m[1]!.length);
  return longest >= fence.length ? ch.repeat(longest + 1) : fence;
}

/** A copy of the notebook with a new front matter, written canonically. */
export function withFrontMatter(nb: Notebook, fm: FrontMatter): Notebook {
  return { ...nb, frontMatter: fm, frontMatterText: stringifyFrontMatter(fm) };
}
