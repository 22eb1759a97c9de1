/**
 * The cell editor: CodeMirror 6 with SQL (DuckDB dialect) or YAML, completion from the
 * notebook, diagnostics at their line. Loaded with a dynamic import by CellEditor.svelte, so
 * the start page never downloads it.
 */
import { Annotation, Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { autocompletion, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { sql, SQLDialect, PostgreSQL } from '@codemirror/lang-sql';
import { yaml } from '@codemirror/lang-yaml';
import type { CompletionAnswer } from './completion';

/** A problem to underline: 1-based line, optional 1-based column. */
export interface EditorDiagnostic {
  line: number;
  column?: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface EditorOptions {
  language: 'sql' | 'yaml';
  doc: string;
  label: string;
  onChange(text: string): void;
  keys: { run(): void; runAll(): void; moveUp(): void; moveDown(): void };
  complete(text: string, pos: number, explicit: boolean): Promise<CompletionAnswer | null>;
  /** DuckDB's function names and keywords, for highlighting (asked once, applied when they come). */
  catalog?(): Promise<{ functions: string[]; keywords: string[] }>;
}

export interface CellEditorHandle {
  view: EditorView;
  /** Replace the text; `fresh` also forgets the undo history (the editor now shows another cell). */
  setDoc(text: string, fresh: boolean): void;
  setDiagnostics(list: EditorDiagnostic[]): void;
  destroy(): void;
}

/** Marks changes that came from outside (another view of the text), so they are not echoed back. */
const external = Annotation.define<boolean>();

const DUCKDB_EXTRA_KEYWORDS = 'qualify pivot unpivot asof positional anti semi exclude replace columns struct map list union_by_name describe summarize';

function duckdbDialect(functions: string[] = [], keywords: string[] = []): SQLDialect {
  const base = PostgreSQL.spec;
  return SQLDialect.define({
    ...base,
    keywords: [base.keywords ?? '', DUCKDB_EXTRA_KEYWORDS, keywords.join(' ').toLowerCase()].join(' '),
    builtin: [base.builtin ?? '', functions.join(' ').toLowerCase()].join(' '),
    doubleQuotedStrings: false,
  });
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', border: '1px solid var(--border, #ccc)', borderRadius: '4px', background: 'var(--bg, #fff)' },
  '&.cm-focused': { outline: '2px solid #4a7dff55' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', padding: '6px 0' },
  '.cm-scroller': { maxHeight: '32em', overflow: 'auto' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { background: '#2457d6', color: '#fff' },
  '.cm-completionInfo': { maxWidth: '28em', whiteSpace: 'normal' },
});

/** Make a cell editor in `parent`. */
export function createCellEditor(parent: HTMLElement, options: EditorOptions): CellEditorHandle {
  const language = new Compartment();
  const completionSource = async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const answer = await options.complete(ctx.state.doc.toString(), ctx.pos, ctx.explicit);
    if (!answer || (answer.options.length === 0 && !ctx.explicit)) return null;
    return {
      from: answer.from,
      options: answer.options.map((o) => ({ label: o.label, detail: o.detail, info: o.info, type: o.type, apply: o.apply, boost: o.boost })),
      validFor: /^[A-Za-z0-9_]*$/,
    };
  };
  const run = (f: () => void) => () => {
    f();
    return true;
  };
  const extensions: Extension[] = [
    history(),
    // No drawSelection or highlightActiveLine: the browser's own caret and selection, and no
    // active-line band. Both re-measured and re-drew on every keystroke; without them a
    // keystroke in a 300-line cell costs about a quarter less main-thread time (README).
    bracketMatching(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    language.of(options.language === 'sql' ? sql({ dialect: duckdbDialect(), upperCaseKeywords: true }) : yaml()),
    autocompletion({ override: [completionSource], activateOnTyping: true, icons: false, maxRenderedOptions: 40 }),
    Prec.highest(
      keymap.of([
        { key: 'Shift-Enter', run: run(options.keys.run) },
        { key: 'Mod-Enter', run: run(options.keys.run) },
        { key: 'Mod-Shift-Enter', run: run(options.keys.runAll) },
        { key: 'Alt-ArrowUp', run: run(options.keys.moveUp) },
        { key: 'Alt-ArrowDown', run: run(options.keys.moveDown) },
      ]),
    ),
    keymap.of([...completionKeymap, ...historyKeymap, ...defaultKeymap, indentWithTab]),
    placeholder(options.language === 'sql' ? 'SELECT …' : 'key: value'),
    EditorView.contentAttributes.of({ 'aria-label': options.label, 'data-testid': 'cell-input', spellcheck: 'false' }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged && !u.transactions.every((t) => t.annotation(external))) options.onChange(u.state.doc.toString());
    }),
    theme,
  ];
  let view: EditorView | undefined = new EditorView({ parent, state: EditorState.create({ doc: options.doc, extensions }) });
  if (options.language === 'sql' && options.catalog) {
    void options.catalog().then((c) => {
      if (c.functions.length && view) view.dispatch({ effects: language.reconfigure(sql({ dialect: duckdbDialect(c.functions, c.keywords), upperCaseKeywords: true })) });
    });
  }
  return {
    view,
    setDoc(text, fresh) {
      if (!view) return;
      if (fresh) {
        view.setState(EditorState.create({ doc: text, extensions }));
        return;
      }
      if (view.state.doc.toString() === text) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, annotations: external.of(true) });
    },
    setDiagnostics(list) {
      if (!view) return;
      const doc = view.state.doc;
      const diagnostics: Diagnostic[] = list.map((d) => {
        const line = doc.line(Math.max(1, Math.min(d.line, doc.lines)));
        if (d.column !== undefined) {
          const from = Math.min(line.to, line.from + d.column - 1);
          const word = /^[A-Za-z0-9_"]+/.exec(doc.sliceString(from, line.to))?.[0].length ?? 1;
          return { from, to: Math.min(line.to, from + word), message: d.message, severity: d.severity };
        }
        const indent = /^\s*/.exec(line.text)![0].length;
        return { from: line.from + indent, to: line.to, message: d.message, severity: d.severity };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    destroy() {
      view?.destroy();
      view = undefined;
    },
  };
}
