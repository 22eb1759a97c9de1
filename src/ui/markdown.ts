import DOMPurify from 'dompurify';
import { renderMarkdown as renderSafe } from '../core/markdown';

/**
 * Notebook prose as safe HTML: Markdown rendered with raw HTML escaped (src/core/markdown.ts),
 * then sanitised by DOMPurify as a second layer.
 */
export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(renderSafe(text), { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button'], FORBID_ATTR: ['style'] });
}
