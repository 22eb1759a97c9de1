import { Marked } from 'marked';
import DOMPurify from 'dompurify';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * Markdown with raw HTML shown as text: a notebook someone sent you may carry markup, and
 * it never reaches an HTML parser as markup (not even DOMPurify's inert one, which Chromium
 * still reports against the CSP).
 */
const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

/**
 * Notebook prose as safe HTML: Markdown rendered with raw HTML escaped, then sanitised by
 * DOMPurify as a second layer (links with javascript: URLs, for example).
 */
export function renderMarkdown(text: string): string {
  const html = markdown.parse(text) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button'], FORBID_ATTR: ['style'] });
}
