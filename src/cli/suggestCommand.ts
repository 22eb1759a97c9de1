import { basename } from 'node:path';
import { stringify } from 'yaml';
import type { Engine } from '../engine/Engine';
import { AssayError } from '../core/errors';
import { profileCell } from '../core/cells/profileCell';
import type { Contract } from '../core/manifest/manifest';
import type { SourceRef } from '../core/notebook/types';
import { describeColumns } from '../core/sql/describe';
import { sourceNameFor } from '../core/sourceName';
import { backtest, backtestCellText, contractConflicts, sameShape, type BacktestVersion } from '../core/suggest/backtest';
import { suggestChecks, suggestionsBody, type ProfileResult, type SuggestOptions } from '../core/suggest/suggestChecks';
import { openNotebookSources, openPath } from './runNotebookFile';

export interface SuggestArgs {
  /** A data file, or `NOTEBOOK.assay.md:SOURCE`. */
  target: string;
  key?: string;
  /** Further files of the same shape to backtest on (a data file target only). */
  against: string[];
  /** The checks cell's name. */
  cell: string;
  options: SuggestOptions;
  allowOutside: boolean;
}

/** `NOTEBOOK.assay.md:SOURCE` split, or null for a plain file. */
export function notebookSourceTarget(target: string): { notebook: string; source: string } | null {
  const m = /^(.*\.assay\.md):([A-Za-z_][A-Za-z0-9_]*)$/.exec(target);
  return m ? { notebook: m[1]!, source: m[2]! } : null;
}

/**
 * `assay suggest`: profile a file (or a notebook's source), suggest checks from the profile,
 * and backtest them on every version at hand — the other versions of the source's manifest,
 * the notebook's other sources with the same columns (see sameShape), the files given with
 * `--against`. Returns the text to print: the backtest table (Markdown, when there is more than
 * one version) and the checks cell, fenced, ready to paste into the notebook.
 */
export async function suggestCommand(a: SuggestArgs, engine: Engine): Promise<string> {
  const nb = notebookSourceTarget(a.target);
  let source: string;
  let versions: BacktestVersion[];
  let contract: Contract | undefined;
  if (nb) {
    let profiled: SourceRef | undefined;
    // The manifest's other versions, opened under fresh names for the backtest: name -> version.
    const otherVersions = new Map<string, string>();
    const opened = await openNotebookSources(nb.notebook, engine, {
      allowOutside: a.allowOutside,
      extra: (notebook, manifests) => {
        profiled = notebook.frontMatter.sources.find((s) => s.name.toLowerCase() === nb.source.toLowerCase());
        if (!profiled?.manifest) return [];
        const manifest = manifests.get(profiled.manifest);
        const own = profiled.version ?? manifest?.versions.at(-1)?.version;
        const taken = notebook.frontMatter.sources.map((s) => s.name);
        // A version the notebook already has as a source is backtested under that name.
        const named = (version: string) => notebook.frontMatter.sources.some((s) => s.manifest === profiled!.manifest && (s.version ?? manifest?.versions.at(-1)?.version) === version);
        return (manifest?.versions ?? [])
          .filter((v) => v.version !== own && !named(v.version))
          .map((v) => {
            const name = sourceNameFor(`${profiled!.name}_${v.version}`, taken);
            taken.push(name);
            otherVersions.set(name, v.version);
            return { name, manifest: profiled!.manifest, version: v.version };
          });
      },
    });
    if (!profiled) throw new AssayError('input', `the notebook has no source ${nb.source}`, { subject: nb.notebook });
    const status = opened.sources.find((s) => s.name === profiled!.name);
    if (!status || status.error) throw new AssayError('input', status?.error ?? 'did not open', { subject: profiled.name });
    source = profiled.name;
    const manifest = profiled.manifest ? opened.manifests.get(profiled.manifest) : undefined;
    const own = profiled.version ?? manifest?.versions.at(-1)?.version;
    contract = manifest?.versions.find((v) => v.version === own)?.contract;
    versions = [{ label: own ? `${source} (${own})` : source, source }];
    const shape = await describeColumns((q) => engine.query(q), source);
    for (const s of opened.sources) {
      if (s.name === source || s.error) continue;
      const version = otherVersions.get(s.name);
      // Another version of the manifest always counts; another source when it has the same columns (see sameShape).
      if (version === undefined && !sameShape(shape, await describeColumns((q) => engine.query(q), s.name))) continue;
      versions.push({ label: version === undefined ? s.name : `${source} (${version})`, source: s.name });
    }
  } else {
    source = sourceNameFor(basename(a.target));
    await openPath(engine, a.target, source);
    versions = [{ label: basename(a.target), source }];
    const taken = [source];
    for (const other of a.against) {
      const name = sourceNameFor(basename(other), taken);
      taken.push(name);
      await openPath(engine, other, name);
      versions.push({ label: basename(other), source: name });
    }
  }
  // Everything is open: the queries below reach nothing else.
  await engine.seal();
  const query = (sql: string) => engine.query(sql);
  const { spec, diagnostics } = profileCell.parse(stringify({ source, ...(a.key ? { key: a.key } : {}) }));
  if (!spec) throw new AssayError('input', diagnostics.map((d) => d.message).join('; '), { subject: a.target });
  const profile = (await profileCell.run(spec, { name: 'profile', query, params: {} })).result as unknown as ProfileResult;
  const { rules } = await suggestChecks(query, source, profile, a.options);
  const conflicts = contract ? contractConflicts(rules, contract) : {};
  const body = suggestionsBody(source, a.key, rules, conflicts);
  let out = '';
  if (versions.length > 1) {
    const bt = await backtest(
      query,
      rules.map((r) => r.check),
      versions,
    );
    const header = ['rule', ...bt.versions.map((v) => `${v.label}, ${v.rows} rows`), ...(contract ? ['contract'] : [])];
    const rows = bt.rules.map((r) => [r.name, ...r.cells.map((c) => backtestCellText(c)), ...(contract ? [conflicts[r.name] ?? ''] : [])]);
    const cell = (s: string) => s.replaceAll('|', '\\|');
    out += `Backtest of the suggested rules: failing rows on each version (✗ = the rule fails there).\n\n`;
    out += [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n') + '\n\n';
  }
  out += '```checks ' + a.cell + '\n' + body + '\n```\n';
  return out;
}
