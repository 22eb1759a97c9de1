/**
 * Typed errors that say which file or cell went wrong and keep the underlying cause,
 * so the UI can show "defects.parquet: the file is truncated" and a developer can
 * still read the original DuckDB or parquet-wasm message.
 */

/** What kind of problem this is; the UI groups and words messages by it. */
export type AssayErrorKind = 'input' | 'sql' | 'engine' | 'cancelled' | 'notebook' | 'storage' | 'internal';

/** An error that names what it is about (`subject`: a file or cell name) and carries a cause. */
export class AssayError extends Error {
  readonly kind: AssayErrorKind;
  readonly subject: string | undefined;
  /** Where in a cell's body the problem is (1-based line and column), when known. */
  readonly at: { line: number; column: number } | undefined;

  constructor(kind: AssayErrorKind, message: string, options: { subject?: string; cause?: unknown; at?: { line: number; column: number } } = {}) {
    super(options.subject ? `${options.subject}: ${message}` : message, { cause: options.cause });
    this.name = 'AssayError';
    this.kind = kind;
    this.subject = options.subject;
    this.at = options.at;
  }
}

/** The message of anything thrown, without DuckDB-WASM's JSON wrapping. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return unwrapDuckMessage(error.message);
  if (typeof error === 'string') return unwrapDuckMessage(error);
  return String(error);
}

/** DuckDB-WASM sometimes throws `{"exception_type":..,"exception_message":..}` as text. */
function unwrapDuckMessage(text: string): string {
  if (!text.startsWith('{')) return text;
  try {
    const parsed = JSON.parse(text) as { exception_type?: string; exception_message?: string };
    if (parsed.exception_message) return `${parsed.exception_type ?? 'Error'}: ${parsed.exception_message}`;
  } catch {
    /* not JSON after all */
  }
  return text;
}

/** True when an error (or its cause chain) is a cancellation. */
export function isCancelled(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof AssayError && e.kind === 'cancelled') return true;
    if (e instanceof Error && e.name === 'AbortError') return true;
    if (!(e instanceof Error)) break;
  }
  return false;
}

/**
 * DuckDB's refusals by a sealed engine (src/engine/sandbox.ts), said in a notebook's terms;
 * any other message unchanged. The engine's own words stay, after the reason.
 */
export function explainRefusal(message: string): string {
  if (/disabled by configuration/.test(message) && /file system operations|Cannot access (file|directory)/.test(message)) {
    return `refused by the sandbox: a notebook's SQL reads only its declared sources, never other files or URLs (${message})`;
  }
  if (/Loading external extensions is disabled|extension.*disabled/i.test(message)) return `refused by the sandbox: a notebook cannot install or load extensions (${message})`;
  if (/the configuration has been locked/.test(message)) return `refused by the sandbox: a notebook cannot change the engine's settings (${message})`;
  return message;
}
