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
  const info = [cell.kind, cell.name, ...cell.options].filter(Boolean).join(' ');
  const fence = safeFence(cell.fence, cell.body);
  return `${fence}${info}\n${cell.body === '' ? '' : cell.body + '\n'}${fence}\n`;
}

/** A fence longer than any run of the same character inside the body, so a body can never close its cell. */
function safeFence(fence: string, body: string): string {
  const ch = fence[0]!;
  let longest = 0;
  for (const m of body.matchAll(new RegExp(`^${ch === '`' ? '`' : '~'}{3,}`, 'gm'))) longest = Math.max(longest, m[0].length);
  return longest >= fence.length ? ch.repeat(longest + 1) : fence;
}

/** A copy of the notebook with a new front matter, written canonically. */
export function withFrontMatter(nb: Notebook, fm: FrontMatter): Notebook {
  return { ...nb, frontMatter: fm, frontMatterText: stringifyFrontMatter(fm) };
}
