import { marked } from 'marked';
import DOMPurify from 'dompurify';

/**
 * Notebook prose as safe HTML: Markdown rendered by marked, then sanitised by DOMPurify,
 * so a `<script>` or an `onerror=` in a notebook someone sent you never runs.
 */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button'], FORBID_ATTR: ['style'] });
}
