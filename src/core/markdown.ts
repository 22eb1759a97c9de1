import { Marked } from 'marked';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const SAFE_HREF = /^(https?:|mailto:|#|\.{0,2}\/|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\/|$|#))/;

/**
 * Markdown with raw HTML shown as text and only plain links kept: a notebook someone sent you
 * may carry markup or javascript: URLs, and neither reaches a page as markup. The app adds
 * DOMPurify on top; static snapshots use this alone (they carry no script at all).
 */
const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    link({ href, title, tokens }) {
      const text = this.parser.parseInline(tokens);
      if (!SAFE_HREF.test(href)) return text;
      return `<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${text}</a>`;
    },
    image: ({ text }) => escapeHtml(text),
  },
});

/** Notebook prose as HTML that holds no raw markup from the source. */
export function renderMarkdown(text: string): string {
  return markdown.parse(text) as string;
}
