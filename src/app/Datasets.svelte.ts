import { AssayError, messageOf } from '../core/errors';
import { checkFile, parseManifest, type FileCheck, type Manifest, type ManifestFile } from '../core/manifest/manifest';
import { manifestPlan, matchFile } from '../core/manifest/manifestPlan';
import { lineageProblems } from '../core/manifest/lineage';
import { deltaSql, releaseManifest } from '../core/manifest/release';
import { quoteIdent } from '../core/sql/quote';
import { FILES_NAMESPACE, aliasSql } from '../core/sql/namespace';
import type { EngineHost } from './EngineHost.svelte';
import type { SourceRegistry } from './SourceRegistry.svelte';
import type { FolderFile } from './ImagePool';

/** What a release produced: the new manifest and the data file, ready to save. */
export interface Release {
  manifest: Manifest;
  manifestText: string;
  fileName: string;
  parquet: Uint8Array;
  delta: { added: number; removed: number; changed: number; unchanged: number };
  rows: number;
}

/** A manifest the user opened, with what verifying its files found. */
export interface OpenDataset {
  fileName: string;
  manifest: Manifest;
  checks: FileCheck[];
  /** SQL name of each version, as notebooks see it. */
  sources: Record<string, string>;
  /** Each version's table (or union view) in FILES_NAMESPACE. */
  tables: Record<string, string>;
}

/**
 * The datasets (manifests) the user opened: each file of each version loaded through the
 * registry and verified against the manifest; a version of several files is a union view in
 * FILES_NAMESPACE. Releases of a curated version are built here too.
 */
export class Datasets {
  list = $state<OpenDataset[]>([]);
  /** Files picked with a dataset or its folder, for records that name one (an image). */
  #picked = $state.raw<File[]>([]);
  /** Statements that re-create the union views after an engine restart. */
  #views: string[] = [];
  #host: EngineHost;
  #registry: SourceRegistry;
  #notify: (level: 'error' | 'info', text: string) => void;

  constructor(host: EngineHost, registry: SourceRegistry, notify: (level: 'error' | 'info', text: string) => void) {
    this.#host = host;
    this.#registry = registry;
    this.#notify = notify;
  }

  /**
   * A file the user picked (with a dataset or its folder) by a path a record holds, such as
   * an image path: matched on the path within the picked folder, else on the file name.
   * Only files the user chose are ever read.
   */
  pickedFile(path: string): File | null {
    const clean = path.replace(/^\.?\//, '');
    const within = (f: File) => (f.webkitRelativePath || f.name).split('/').slice(1).join('/');
    return this.#picked.find((f) => within(f) === clean || f.webkitRelativePath === clean) ?? this.#picked.find((f) => f.name === clean.split('/').pop()) ?? null;
  }

  /**
   * The picked files under a folder an images cell names (relative to its notebook, say
   * `../sample-data/images`), with their paths within that folder, in code-unit order; null
   * when no picked file is under it. The folder's path is matched against the picked paths
   * with `.` and `..` dropped, its longest tail that matches wins: picking `sample-data/` or
   * `images/` itself both work. Names starting with a dot are left out, as the CLI leaves them.
   */
  filesUnder(folder: string): FolderFile[] | null {
    const want = folder.split(/[\\/]+/).filter((s) => s && s !== '.' && s !== '..');
    const picked = this.#picked.map((f) => ({ file: f, parts: (f.webkitRelativePath || f.name).split('/') }));
    for (let from = 0; from < want.length; from++) {
      const tail = want.slice(from);
      const found = new Map<string, File>();
      for (const { file, parts } of picked) {
        for (let i = 0; i + tail.length < parts.length; i++) {
          if (!tail.every((seg, k) => parts[i + k] === seg)) continue;
          const rest = parts.slice(i + tail.length);
          if (!rest.some((seg) => seg.startsWith('.')) && !found.has(rest.join('/'))) found.set(rest.join('/'), file);
          break;
        }
      }
      if (found.size) return [...found].map(([path, file]) => ({ path, file })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    return null;
  }

  /** Open a dataset: a manifest (.json) picked with its data files (or their folder). */
  async open(files: readonly File[]): Promise<OpenDataset | null> {
    this.#picked = [...files.filter((f) => !this.#picked.includes(f)), ...this.#picked];
    const manifestFile = files.find((f) => f.name.endsWith('.json'));
    if (!manifestFile) {
      // A folder of images alone (for an images cell or a review's thumbnails) needs no manifest.
      const images = files.filter((f) => /\.(png|jpe?g|gif|webp|bmp|tiff?)$/i.test(f.name)).length;
      if (images) {
        const top = (files[0]!.webkitRelativePath || files[0]!.name).split('/')[0];
        this.#notify('info', `${images.toLocaleString('en-US')} image files${files[0]!.webkitRelativePath ? ` of ${top}/` : ''} are at hand for images cells and review thumbnails (no manifest among them, so no dataset opened).`);
        return null;
      }
      this.#notify('error', 'No manifest among the picked files: pick the dataset’s .json manifest together with its data files, or their folder.');
      return null;
    }
    return this.openManifest(manifestFile.name, await manifestFile.text(), async (entry) => matchFile(entry, files) ?? null);
  }

  /** The opened dataset whose manifest has this file name. */
  byFileName(fileName: string): OpenDataset | undefined {
    return this.list.find((d) => d.fileName === fileName);
  }

  /**
   * Open a manifest's every version: each file found by `fileFor` is loaded and checked
   * against the manifest (checksum, bytes, rows); problems are reported by file.
   */
  async openManifest(fileName: string, text: string, fileFor: (entry: ManifestFile) => Promise<File | null>, keyFor?: (entry: ManifestFile) => string): Promise<OpenDataset | null> {
    const { manifest, problems } = parseManifest(text);
    if (!manifest) {
      this.#notify('error', `${fileName}: not a usable manifest — ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
      return null;
    }
    for (const p of lineageProblems(manifest)) this.#notify('error', `${fileName}: ${p.path}: ${p.message}`);
    const checks: FileCheck[] = [];
    const sources: Record<string, string> = {};
    const tables: Record<string, string> = {};
    for (const plan of manifestPlan(manifest)) {
      sources[plan.version] = plan.source;
      const parts: string[] = [];
      for (const { entry, table } of plan.files) {
        let file: File | null = null;
        try {
          file = await fileFor(entry);
        } catch (error) {
          checks.push(checkFile(plan.version, entry, null, messageOf(error)));
          continue;
        }
        if (!file) {
          checks.push(checkFile(plan.version, entry, null));
          continue;
        }
        try {
          const loaded = await this.#registry.open(file, { table, ...(keyFor ? { key: keyFor(entry) } : {}) });
          parts.push(loaded.table);
          checks.push(checkFile(plan.version, entry, { sha256: loaded.info.sha256, rows: loaded.info.rows, bytes: loaded.info.bytes }));
        } catch (error) {
          const text = error instanceof AssayError && error.subject ? error.message.slice(error.subject.length + 2) : messageOf(error);
          checks.push(checkFile(plan.version, entry, null, text));
        }
      }
      if (parts.length === 1 && plan.files.length === 1) tables[plan.version] = parts[0]!;
      else if (parts.length) {
        const union = plan.unionSql(plan.source, parts)!;
        await this.#host.query(union, FILES_NAMESPACE).catch((e) => this.#notify('error', `${plan.source}: ${messageOf(e)}`));
        this.#views = [...this.#views.filter((v) => v !== union), union];
        tables[plan.version] = plan.source;
      }
    }
    const dataset: OpenDataset = { fileName, manifest, checks, sources, tables };
    this.list = [...this.list.filter((d) => d.manifest.dataset !== manifest.dataset), dataset];
    const bad = checks.filter((c) => c.status !== 'ok');
    if (bad.length) this.#notify('error', `${fileName}: ${bad.length} of ${checks.length} files failed verification — ${bad.map((c) => c.message).join('; ')}`);
    return dataset;
  }

  /** Make every version of every dataset visible in a namespace under its source name. */
  async aliasAll(namespace: string): Promise<void> {
    for (const d of this.list) for (const [version, table] of Object.entries(d.tables)) await this.#host.query(aliasSql(d.sources[version]!, table), namespace);
  }

  /** After an engine restart: the union views again (the registry has reloaded the files). */
  async restoreViews(): Promise<string[]> {
    const failed: string[] = [];
    for (const sql of this.#views) await this.#host.query(sql, FILES_NAMESPACE).catch((e) => failed.push(messageOf(e)));
    return failed;
  }

  /**
   * Release a curated version of a dataset: the relation (a source or a notebook cell, as
   * `namespace` sees it) is written as Parquet, fingerprinted and counted, compared with its
   * parent version by the contract's key, and appended to a new manifest. Nothing is saved
   * here; the caller offers the two files for download.
   */
  async release(dataset: OpenDataset, options: { relation: string; version: string; parent: string; namespace: string }): Promise<Release> {
    const parent = dataset.manifest.versions.find((v) => v.version === options.parent);
    if (!parent) throw new AssayError('input', `${dataset.manifest.dataset} has no version ${options.parent}`);
    const key = parent.contract?.key;
    if (!key) throw new AssayError('input', `version ${options.parent} has no contract key to compare records by`);
    if (!/^[A-Za-z0-9_.-]+$/.test(options.version)) throw new AssayError('input', 'a version name holds letters, digits, _ . - only');
    const parentTable = dataset.tables[options.parent];
    if (!parentTable) throw new AssayError('input', `version ${options.parent} has no loaded files`);
    const ns = options.namespace;
    const relation = quoteIdent(options.relation);
    // The parent, seen from the relation's namespace under a name no notebook uses.
    const parentAlias = '__assay_release_parent';
    await this.#host.query(aliasSql(parentAlias, parentTable), ns);
    const rows = Number((await this.#host.query(`SELECT count(*) AS n FROM ${relation}`, ns)).getChild('n')!.get(0));
    const d = (await this.#host.query(deltaSql(parentAlias, options.relation, key), ns)).get(0)!.toJSON() as Release['delta'];
    const delta = { added: Number(d.added), removed: Number(d.removed), changed: Number(d.changed), unchanged: Number(d.unchanged) };
    const parquet = await this.#host.exportParquet(`SELECT * FROM ${relation}`, ns);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', parquet as Uint8Array<ArrayBuffer>));
    const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    const fileName = `${dataset.manifest.dataset}_${options.version}.parquet`;
    const manifest = releaseManifest(dataset.manifest, {
      version: options.version,
      parent: options.parent,
      files: [{ path: fileName, format: 'parquet', sha256, bytes: parquet.byteLength, rows }],
      delta: { key, ...delta },
      created: new Date().toISOString().slice(0, 10),
    });
    return { manifest, manifestText: JSON.stringify(manifest, null, 2) + '\n', fileName, parquet, delta, rows };
  }
}
