/**
 * Text for a value shown as a label — a table cell, a chart axis tick, a class in a confusion
 * matrix or a drift bin — such that values that differ never look the same. A tool whose job is
 * to find "dent " next to "dent" must not draw them alike:
 *
 * - a real NULL reads `⟨null⟩`; the text 'NULL' stays `NULL`;
 * - the empty string reads `⟨empty⟩`;
 * - a space or tab at either end shows as `␣` / `⇥` (inner single spaces stay spaces);
 * - every other invisible or confusable character — controls, line breaks, no-break and other
 *   Unicode spaces, zero-width and direction marks, the BOM — reads `⟨U+XXXX⟩` wherever it is.
 *
 * `special` says which of these applied, so an HTML view can style them apart.
 */
export interface DisplayLabel {
  text: string;
  /** `null`, `empty`, `marked` (characters were made visible), or null for plain text. */
  special: 'null' | 'empty' | 'marked' | null;
}

/** The text a real NULL shows. */
export const NULL_LABEL = '⟨null⟩';
/** The text the empty string shows. */
export const EMPTY_LABEL = '⟨empty⟩';

// Controls (C0, DEL, C1), Unicode spaces other than U+0020, zero-width and bidi marks, line and
// paragraph separators, the BOM, the soft hyphen and the Hangul fillers that render as nothing.
const INVISIBLE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u00A0\u00AD\u115F\u1160\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\u3164\uFEFF]/gu;

function codePoint(ch: string): string {
  return `⟨U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** The display text of one label value (see the module comment for the rules). */
export function displayLabel(value: unknown): DisplayLabel {
  if (value === null || value === undefined) return { text: NULL_LABEL, special: 'null' };
  const raw = typeof value === 'string' ? value : String(value);
  if (raw === '') return { text: EMPTY_LABEL, special: 'empty' };
  let marked = false;
  let text = raw.replace(INVISIBLE, (ch) => ((marked = true), codePoint(ch)));
  const lead = /^[ \t]+/.exec(text)?.[0] ?? '';
  const trail = lead.length === text.length ? '' : (/[ \t]+$/.exec(text)?.[0] ?? '');
  if (lead || trail) {
    marked = true;
    const show = (ws: string) => ws.replace(/ /g, '␣').replace(/\t/g, '⇥');
    text = show(lead) + text.slice(lead.length, text.length - trail.length) + show(trail);
  }
  // Tabs inside the text are not visible as such either.
  if (text.includes('\t')) text = text.replace(/\t/g, () => ((marked = true), '⇥'));
  return { text, special: marked ? 'marked' : null };
}

/** Just the text, for places that draw strings only (chart ticks, SVG, titles). */
export function labelText(value: unknown): string {
  return displayLabel(value).text;
}
