import { cellKind } from '../cells/registry';
import { CELL_NAME, checkNames } from './parseNotebook';
import type { CellBlock, Diagnostic, Notebook } from './types';

/** A cell as the graph sees it. */
export interface AnalyzedCell {
  block: CellBlock;
  /** Parsed spec, or null when the body is invalid or the kind unknown. */
  spec: unknown;
  /** Lowercased names of the cells this one reads directly. */
  cellDeps: string[];
  /** Source names (as in the front matter) this one reads. */
  sourceDeps: string[];
}

export interface Analysis {
  cells: Map<string, AnalyzedCell>;
  /** Cell names (lowercased) in an order where every cell comes after what it reads; document order breaks ties. */
  order: string[];
  diagnostics: Diagnostic[];
  /**
   * Cells that must not run, by lowercased name, with the first error-level problem that stops
   * them (a duplicate name, a name that is a source's, a cell reading itself…); cells that read
   * them fail in turn.
   */
  blocked: Map<string, string>;
}

/**
 * Parse every cell's body with its kind, find what each reads, and order the cells.
 * Cycles are reported (with the cells on them) and those cells left out of the order.
 * Every error-level problem that belongs to a cell blocks it: the parser's (pass them as
 * `parseDiagnostics`; the name checks are redone here in any case) and this analysis' own.
 */
export function analyzeNotebook(nb: Notebook, parseDiagnostics: readonly Diagnostic[] = []): Analysis {
  const diagnostics: Diagnostic[] = [];
  const blocked = new Map<string, string>();
  const blockCell = (cell: string, message: string) => {
    if (!blocked.has(cell.toLowerCase())) blocked.set(cell.toLowerCase(), message);
  };
  const invalidNames = nb.blocks.filter((b): b is CellBlock => b.type === 'cell' && b.name !== '' && !CELL_NAME.test(b.name));
  for (const b of invalidNames) blockCell(b.name, `cell name "${b.name}" is not an identifier`);
  for (const d of [...parseDiagnostics, ...checkNames(nb)]) if (d.severity === 'error' && d.cell) blockCell(d.cell, d.message);
  const cells = new Map<string, AnalyzedCell>();
  const blocks = nb.blocks.filter((b): b is CellBlock => b.type === 'cell' && b.name !== '');
  const cellNames = new Set(blocks.map((b) => b.name.toLowerCase()));
  // Extra names a cell defines (a checks cell's views) resolve to that cell.
  const owner = new Map<string, string>();
  for (const block of blocks) {
    const kind = cellKind(block.kind);
    if (!kind?.defines) continue;
    const parsed = kind.parse(block.body);
    if (parsed.spec !== null) for (const extra of kind.defines(parsed.spec, block.name)) owner.set(extra.toLowerCase(), block.name.toLowerCase());
  }
  const sourceNames = new Map(nb.frontMatter.sources.map((s) => [s.name.toLowerCase(), s.name]));
  for (const block of blocks) {
    const key = block.name.toLowerCase();
    if (cells.has(key)) continue;
    const kind = cellKind(block.kind);
    let spec: unknown = null;
    let refs: Iterable<string> = [];
    if (kind) {
      const parsed = kind.parse(block.body);
      for (const d of parsed.diagnostics) {
        diagnostics.push({ line: block.line + d.line, severity: 'error', cell: block.name, message: `${block.kind} cell ${block.name}: ${d.message}` });
      }
      spec = parsed.spec;
      if (spec !== null) {
        refs = kind.references(spec);
        const self = kind.kind !== 'sql' && [...refs].some((r) => r.toLowerCase() === key);
        // A SQL cell may mention its own name as a column; a spec field naming the cell itself is always wrong.
        if (self) {
          const message = `${block.kind} cell ${block.name} reads itself: name another cell or a source`;
          diagnostics.push({ line: block.line, severity: 'error', cell: block.name, message });
          blockCell(block.name, message);
        }
        for (const target of kind.resultReads?.(spec) ?? []) {
          if (cellNames.has(target.toLowerCase()) && target.toLowerCase() !== key) continue;
          const message = `${block.kind} cell ${block.name} reads the results of ${target}, which is not ${target.toLowerCase() === key ? 'another' : 'a'} cell in this notebook`;
          diagnostics.push({ line: block.line, severity: 'error', cell: block.name, message });
          blockCell(block.name, message);
        }
      }
    }
    const seen = new Set<string>();
    const cellDeps: string[] = [];
    const sourceDeps: string[] = [];
    for (const r of refs) {
      const name = r.toLowerCase();
      const target = cellNames.has(name) ? name : owner.get(name);
      if (seen.has(target ?? name) || (target ?? name) === key) continue;
      seen.add(target ?? name);
      if (target) cellDeps.push(target);
      else if (sourceNames.has(name)) sourceDeps.push(sourceNames.get(name)!);
    }
    cells.set(key, { block, spec, cellDeps, sourceDeps });
  }
  const { order, cyclic } = topologicalOrder(blocks.map((b) => b.name.toLowerCase()), cells);
  for (const cycle of cyclic) {
    const first = cells.get(cycle[0]!)!.block;
    const names = cycle.map((n) => cells.get(n)!.block.name);
    const reads = names.map((n, k) => `${n} reads ${names[(k + 1) % names.length]}`).join(', ');
    diagnostics.push({ line: first.line, severity: 'error', cell: first.name, message: `cells read each other in a cycle: ${reads}` });
  }
  diagnostics.sort((a, b) => a.line - b.line);
  return { cells, order, diagnostics, blocked };
}

/** Kahn's algorithm with document order as the tie-break; what remains lies on or behind a cycle. */
function topologicalOrder(docOrder: string[], cells: Map<string, AnalyzedCell>): { order: string[]; cyclic: string[][] } {
  const names = [...new Set(docOrder)];
  const indegree = new Map(names.map((n) => [n, cells.get(n)!.cellDeps.length]));
  const dependents = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const n of names) for (const d of cells.get(n)!.cellDeps) dependents.get(d)!.push(n);
  const order: string[] = [];
  const done = new Set<string>();
  for (;;) {
    const next = names.find((n) => !done.has(n) && indegree.get(n) === 0);
    if (next === undefined) break;
    done.add(next);
    order.push(next);
    for (const m of dependents.get(next)!) indegree.set(m, indegree.get(m)! - 1);
  }
  const left = names.filter((n) => !done.has(n));
  return { order, cyclic: findCycles(left, cells) };
}

/** The distinct cycles among the left-over cells (each reported once, starting at its earliest cell). */
function findCycles(left: string[], cells: Map<string, AnalyzedCell>): string[][] {
  const leftSet = new Set(left);
  const cycles: string[][] = [];
  const onCycle = new Set<string>();
  for (const start of left) {
    if (onCycle.has(start)) continue;
    // Follow deps inside the left-over set until a name repeats: that loop is a cycle.
    const path: string[] = [];
    const index = new Map<string, number>();
    let cur: string | undefined = start;
    while (cur !== undefined && !index.has(cur)) {
      index.set(cur, path.length);
      path.push(cur);
      cur = cells.get(cur)!.cellDeps.find((d) => leftSet.has(d));
    }
    if (cur === undefined) continue;
    const cycle = path.slice(index.get(cur)!);
    if (cycle.some((n) => onCycle.has(n))) continue;
    cycle.forEach((n) => onCycle.add(n));
    const first = left.findIndex((n) => cycle.includes(n));
    const at = cycle.indexOf(left[first]!);
    cycles.push([...cycle.slice(at), ...cycle.slice(0, at)]);
  }
  return cycles;
}

/** A cell and everything that reads it, directly or not, in run order. */
export function downstreamOf(analysis: Analysis, name: string): string[] {
  const key = name.toLowerCase();
  const hit = new Set([key]);
  for (const n of analysis.order) {
    if (analysis.cells.get(n)!.cellDeps.some((d) => hit.has(d))) hit.add(n);
  }
  return analysis.order.filter((n) => hit.has(n));
}
