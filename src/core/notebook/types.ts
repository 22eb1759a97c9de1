/** A problem in a notebook file, at a 1-based line, optionally about one cell. */
export interface Diagnostic {
  line: number;
  message: string;
  severity: 'error' | 'warning';
  cell?: string;
}

/** A dataset a notebook reads, as pinned in its front matter. */
export interface SourceRef {
  /** The SQL name cells use. */
  name: string;
  /** A data file, relative to the notebook file. */
  path?: string;
  /** Or a manifest (relative path) and one of its versions. */
  manifest?: string;
  version?: string;
  /** The SHA-256 the notebook was written against. */
  sha256?: string;
  /** Load only these columns of the file (the rest of a wide file is never decoded). */
  columns?: string[];
}

export interface FrontMatter {
  title: string;
  /** Parameters cells may use (`seed`, thresholds …). */
  params: Record<string, unknown>;
  sources: SourceRef[];
  /** Keys Assay does not know, kept so a round trip loses nothing. */
  extra: Record<string, unknown>;
}

/** Markdown between cells, kept verbatim (blank lines included). */
export interface ProseBlock {
  type: 'prose';
  id: string;
  text: string;
  line: number;
}

/** A fenced cell: three backticks, then `kind name`, a body, and a closing fence. */
export interface CellBlock {
  type: 'cell';
  id: string;
  kind: string;
  name: string;
  /** Words after the name in the info string, kept for round trips. */
  options: string[];
  /** The body was one blank line (which `body` alone cannot tell from no line at all). */
  blankLine?: boolean;
  /** The info string as written (spacing included); used while kind, name and options are unchanged. */
  info?: string;
  /** SQL or the YAML spec, without the final newline. */
  body: string;
  /** The fence characters used (``` or ~~~ or longer). */
  fence: string;
  /** The closing line as written, when it is not just `fence` (longer, or with trailing spaces). */
  close?: string;
  /** Line of the opening fence. */
  line: number;
}

export type Block = ProseBlock | CellBlock;

/** A parsed `*.assay.md` file. */
export interface Notebook {
  /** The YAML between the `---` lines exactly as written (null when the file has none). */
  frontMatterText: string | null;
  frontMatter: FrontMatter;
  blocks: Block[];
}

/** What parsing gives: a notebook (as much as could be read) and every problem found. */
export interface ParseResult {
  notebook: Notebook;
  diagnostics: Diagnostic[];
}
