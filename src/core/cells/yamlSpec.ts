import { parseDocument, isMap, type Document } from 'yaml';
import type { BodyDiagnostic } from './CellKind';
import type { SpecSchema } from './specSchema';

/**
 * A cell's YAML spec with typed accessors that record a diagnostic (at the key's line)
 * instead of throwing. Kinds read their fields through it and return `spec: null` when
 * `diagnostics` is not empty. The kind's schema is the list of keys: reading a key it does
 * not declare is a programming error (thrown, so tests catch it), a key in the text it does
 * not declare is a diagnostic, and a required key missing is one too.
 */
export class YamlSpec {
  readonly diagnostics: BodyDiagnostic[] = [];
  readonly data: Record<string, unknown>;
  #doc: Document;
  #body: string;
  #schema: SpecSchema;

  constructor(body: string, schema: SpecSchema) {
    this.#body = body;
    this.#schema = schema;
    this.data = {};
    // No name or value DuckDB reads can hold a NUL; refused here, before anything builds SQL from it.
    const nul = body.indexOf('\u0000');
    if (nul >= 0) {
      this.#doc = parseDocument('');
      this.diagnostics.push({ line: (body.slice(0, nul).match(/\n/g)?.length ?? 0) + 1, message: 'the spec holds a NUL character (U+0000), which no column name or value can contain' });
      return;
    }
    this.#doc = parseDocument(body, { prettyErrors: false, uniqueKeys: true });
    for (const e of this.#doc.errors) this.diagnostics.push({ line: e.linePos?.[0]?.line ?? 1, message: `YAML: ${e.message.split('\n')[0]}` });
    if (this.#doc.errors.length) return;
    let js: unknown;
    try {
      // toJS throws (rather than reporting) on an unresolved alias or an alias bomb.
      js = this.#doc.toJS({ maxAliasCount: 50 });
    } catch (error) {
      this.diagnostics.push({ line: 1, message: `YAML: ${(error as Error).message.split('\n')[0]}` });
      return;
    }
    if (js === null || js === undefined) this.diagnostics.push({ line: 1, message: 'the spec is empty' });
    else if (typeof js !== 'object' || Array.isArray(js) || !isMap(this.#doc.contents)) this.diagnostics.push({ line: 1, message: 'the spec must be YAML key: value lines' });
    else this.data = js as Record<string, unknown>;
  }

  /** 1-based body line of a key (1 when absent). */
  lineOf(key: string): number {
    const node = this.#doc.get(key, true) as { range?: [number, number, number] } | undefined;
    const pair = isMap(this.#doc.contents) ? this.#doc.contents.items.find((p) => (p.key as { value?: unknown })?.value === key) : undefined;
    const offset = (pair?.key as { range?: [number] } | undefined)?.range?.[0] ?? node?.range?.[0];
    return offset === undefined ? 1 : (this.#body.slice(0, offset).match(/\n/g)?.length ?? 0) + 1;
  }

  /** Mark a key read; a key outside the schema means the schema and the parser disagree. */
  #use(key: string): void {
    if (!Object.hasOwn(this.#schema, key)) throw new Error(`spec key "${key}" is read but not declared in the kind's schema`);
  }

  #fail(key: string, message: string): undefined {
    this.diagnostics.push({ line: this.lineOf(key), message: `${key}: ${message}` });
    return undefined;
  }

  /** A required (or optional) non-empty text field. Numbers are accepted as their text (column `2024`). */
  text(key: string, required: true): string;
  text(key: string, required?: false): string | undefined;
  text(key: string, required = false): string | undefined {
    this.#use(key);
    const v = this.data[key];
    if (v === undefined || v === null) return required ? (this.diagnostics.push({ line: 1, message: `${key} is required` }), '') : undefined;
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string' || v.trim() === '') return this.#fail(key, 'must be text') ?? (required ? '' : undefined);
    return v;
  }

  /** One of a fixed set of words. */
  choice<T extends string>(key: string, options: readonly T[], fallback: T): T {
    this.#use(key);
    const declared = this.#schema[key]!.values ?? [];
    if (declared.length !== options.length || options.some((o) => !declared.includes(o))) throw new Error(`spec key "${key}": the schema's values differ from the parser's`);
    const v = this.data[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string' || !options.includes(v as T)) return this.#fail(key, `must be one of ${options.join(', ')}`) ?? fallback;
    return v as T;
  }

  /** A list of texts (numbers allowed, as text). */
  list(key: string): string[] | undefined {
    this.#use(key);
    const v = this.data[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || typeof x === 'number')) return this.#fail(key, 'must be a list, e.g. [crack, dent, ok]');
    const out = v.map(String);
    if (new Set(out).size !== out.length) return this.#fail(key, 'lists a value twice');
    return out;
  }

  /** A number within [min, max]. */
  number(key: string, fallback: number, min = -Infinity, max = Infinity): number {
    this.#use(key);
    const v = this.data[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) return this.#fail(key, `must be a number from ${min} to ${max}`) ?? fallback;
    return v;
  }

  /** The raw value of a key (validated by the caller), marking the key as known. */
  raw(key: string): unknown {
    this.#use(key);
    return this.data[key];
  }

  /** Record a problem with a key found by the caller's own validation. */
  problem(key: string, message: string): void {
    this.#fail(key, message);
  }

  /** Report keys the schema does not declare (typos such as `refrence:`), at their line. Call after reading every field. */
  rejectUnknown(): void {
    const known = Object.keys(this.#schema);
    for (const key of Object.keys(this.data)) {
      if (!known.includes(key)) this.diagnostics.push({ line: this.lineOf(key), message: `unknown key "${key}" (expected ${known.join(', ')})` });
    }
  }
}
