import { tableToJsonRows } from '../arrowJson';
import { AssayError } from '../errors';
import { describeColumns } from '../sql/describe';
import { quoteIdent } from '../sql/quote';
import { hashBands, MAX_NEAR_DISTANCE } from '../images/bands';
import { imageTableStatements } from '../images/imageTable';
import { filesViewSql, IMAGE_PROBLEMS, IMAGE_VIEW_ORDER, imageProblems, imageViewSql, type ImageProblem, type ImageViewInput } from '../images/imageViews';
import { IMAGE_MEASURES, type ImageMeasureName } from '../images/measure';
import type { CellKind } from './CellKind';
import type { SpecSchema } from './specSchema';
import { YamlSpec } from './yamlSpec';

export interface ImagesSpec {
  /** The image folder, relative to the notebook (in the app: a folder opened with the dataset). */
  folder: string;
  /** Metadata naming the files: a source or cell with a path column, optionally a key and declared sizes. */
  source?: string;
  image?: string;
  key?: string;
  width?: string;
  height?: string;
  near_duplicate_distance: number;
  measures: ImageMeasureName[];
  /** Rows of each problem carried in the result (the views hold them all). */
  top: number;
}

/** The default near-duplicate distance: see the README ("Images: the definitions"). */
export const DEFAULT_NEAR_DISTANCE = 8;

export const IMAGES_SCHEMA: SpecSchema = {
  folder: { role: 'text', required: true, doc: 'the image folder, relative to the notebook (in the app: opened with the dataset)' },
  source: { role: 'relation', doc: 'metadata naming the files (a source or cell)' },
  image: { role: 'column', hint: 'any', doc: 'the column holding each record’s path within the folder' },
  key: { role: 'column', hint: 'key', doc: 'the column identifying a record' },
  width: { role: 'column', hint: 'numeric', doc: 'the declared width in pixels' },
  height: { role: 'column', hint: 'numeric', doc: 'the declared height in pixels' },
  near_duplicate_distance: { role: 'number', doc: `near-duplicates: dHashes at most this many bits apart, 0 to ${MAX_NEAR_DISTANCE} (${DEFAULT_NEAR_DISTANCE})` },
  measures: { role: 'list', doc: `what to measure beside size and SHA-256: ${IMAGE_MEASURES.join(', ')} (all)` },
  top: { role: 'number', doc: 'rows of each problem the cell shows (50)' },
};

/** The internal table of measured files. */
export function imagesTable(cell: string): string {
  return `__assay_${cell}_files`;
}

/** What the cell reports (results.schema.json documents it). */
export interface ImagesResult {
  folder: string;
  files: number;
  decoded: number;
  bytes: number;
  formats: Record<string, number>;
  measures: ImageMeasureName[];
  near_duplicate_distance: number;
  /** Band lengths in bits, most significant first. */
  bands: number[];
  metadata: { source: string; rows: number } | null;
  /** Rows of each problem's view (pairs for near_duplicates, files for exact_duplicates). */
  counts: Partial<Record<ImageProblem, number>>;
  /** Groups of identical files. */
  duplicate_groups: number;
  views: Partial<Record<ImageProblem, string>>;
  /** The first `top` rows of each problem. */
  problems: Partial<Record<ImageProblem, Record<string, unknown>[]>>;
  /** Mean and range of the measures over decoded files. */
  summary: { mean_luminance: { min: number | null; mean: number | null; max: number | null }; sharpness: { min: number | null; mean: number | null; max: number | null } };
}

function viewInput(spec: ImagesSpec, cell: string): ImageViewInput {
  return {
    files: imagesTable(cell),
    near_duplicate_distance: spec.near_duplicate_distance,
    ...(spec.source && spec.image ? { metadata: { source: spec.source, image: spec.image, ...(spec.key ? { key: spec.key } : {}), ...(spec.width ? { width: spec.width } : {}), ...(spec.height ? { height: spec.height } : {}) } } : {}),
  };
}

/**
 * `images` — decode every file of an image folder and measure it (bytes, SHA-256, format,
 * size, channels, decode error, mean luminance, sharpness, dHash), then join the metadata:
 * size mismatches, missing and extra files, undecodable files, exact and near duplicates,
 * each a view `<cell>_<problem>` a checks cell can gate on. The decoding is pure TypeScript
 * (src/core/images), so every engine sees the same table; the host reads the files.
 */
export const imagesCell: CellKind<ImagesSpec> = {
  kind: 'images',
  description: 'Decode an image folder: sizes, corrupt files, missing and extra files, exact and near duplicates',
  schema: IMAGES_SCHEMA,
  template: 'folder: images\nsource: batch\nimage: image_path\nkey: image_id\nwidth: width\nheight: height',
  parse(body) {
    const y = new YamlSpec(body, IMAGES_SCHEMA);
    if (y.diagnostics.length) return { spec: null, diagnostics: y.diagnostics };
    const measures = y.list('measures') ?? [...IMAGE_MEASURES];
    for (const m of measures) if (!(IMAGE_MEASURES as readonly string[]).includes(m)) y.problem('measures', `unknown measure ${JSON.stringify(m)}: the measures are ${IMAGE_MEASURES.join(', ')}`);
    const spec: ImagesSpec = {
      folder: y.text('folder', true),
      source: y.text('source'),
      image: y.text('image'),
      key: y.text('key'),
      width: y.text('width'),
      height: y.text('height'),
      near_duplicate_distance: y.number('near_duplicate_distance', DEFAULT_NEAR_DISTANCE, 0, MAX_NEAR_DISTANCE),
      measures: measures as ImageMeasureName[],
      top: y.number('top', 50, 0, 10_000),
    };
    if (!Number.isInteger(spec.near_duplicate_distance)) y.problem('near_duplicate_distance', 'must be a whole number of bits');
    if (!Number.isInteger(spec.top)) y.problem('top', 'must be a whole number');
    if (spec.source && !spec.image) y.problem('source', 'needs `image:`, the column naming each record’s file');
    for (const k of ['image', 'key', 'width', 'height'] as const) if (spec[k] && !spec.source) y.problem(k, 'needs `source:`, the metadata it is a column of');
    if (spec.folder !== undefined && /^([a-z][a-z0-9+.-]*:|\/)/i.test(spec.folder)) y.problem('folder', 'is a folder relative to the notebook, not an absolute path or URL');
    y.rejectUnknown();
    for (const k of ['source', 'image', 'key', 'width', 'height'] as const) if (spec[k] === undefined) delete spec[k];
    return { spec: y.diagnostics.length ? null : spec, diagnostics: y.diagnostics };
  },
  references(spec) {
    return spec.source ? [spec.source.toLowerCase()] : [];
  },
  defines(spec, name) {
    return imageProblems(viewInput(spec, name)).map((p) => `${name}_${p}`);
  },
  async run(spec, ctx) {
    const fail = (message: string) => new AssayError('input', message, { subject: ctx.name });
    if (!ctx.measureImages) throw fail('images cannot be read here (no image host)');
    const input = viewInput(spec, ctx.name);
    if (input.metadata) {
      const columns = new Set((await describeColumns(ctx.query, input.metadata.source)).map((c) => c.name));
      for (const k of ['image', 'key', 'width', 'height'] as const) {
        const c = spec[k];
        if (c && !columns.has(c)) throw fail(`${spec.source} has no column ${c} (${k})`);
      }
    }
    const rows = await ctx.measureImages({ cell: ctx.name, folder: spec.folder, measures: spec.measures });
    for (const sql of imageTableStatements(input.files, rows)) await ctx.query(sql);
    await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(ctx.name)} AS ${filesViewSql(input)}`);

    const counts: ImagesResult['counts'] = {};
    const views: ImagesResult['views'] = {};
    const problems: ImagesResult['problems'] = {};
    for (const p of imageProblems(input)) {
      const view = `${ctx.name}_${p}`;
      await ctx.query(`CREATE OR REPLACE VIEW ${quoteIdent(view)} AS ${imageViewSql(input, p)}`);
      views[p] = view;
      counts[p] = Number((await ctx.query(`SELECT count(*)::DOUBLE AS n FROM ${quoteIdent(view)}`)).get(0)!.n);
      problems[p] = tableToJsonRows(await ctx.query(`SELECT * FROM ${quoteIdent(view)} ORDER BY ${IMAGE_VIEW_ORDER[p]} LIMIT ${spec.top}`));
    }
    const stats = (
      await ctx.query(`SELECT count(*)::DOUBLE AS files, count(*) FILTER (WHERE decode_error IS NULL)::DOUBLE AS decoded, coalesce(sum(bytes), 0)::DOUBLE AS bytes,
  count(DISTINCT sha256) FILTER (WHERE sha256 IN (SELECT sha256 FROM ${quoteIdent(input.files)} GROUP BY sha256 HAVING count(*) > 1))::DOUBLE AS duplicate_groups,
  min(mean_luminance) AS lum_min, avg(mean_luminance) AS lum_mean, max(mean_luminance) AS lum_max, min(sharpness) AS sharp_min, avg(sharpness) AS sharp_mean, max(sharpness) AS sharp_max
FROM ${quoteIdent(input.files)}`)
    ).get(0)!.toJSON() as Record<string, number | null>;
    const formats: Record<string, number> = {};
    for (const r of rows) formats[r.format ?? 'unknown'] = (formats[r.format ?? 'unknown'] ?? 0) + 1;
    const metadataRows = input.metadata ? Number((await ctx.query(`SELECT count(*)::DOUBLE AS n FROM ${quoteIdent(input.metadata.source)}`)).get(0)!.n) : 0;
    const n = (x: number | null | undefined) => (x === null || x === undefined ? null : Number(x));
    const result: ImagesResult = {
      folder: spec.folder,
      files: Number(stats.files),
      decoded: Number(stats.decoded),
      bytes: Number(stats.bytes),
      formats: Object.fromEntries(Object.entries(formats).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      measures: spec.measures,
      near_duplicate_distance: spec.near_duplicate_distance,
      bands: hashBands(spec.near_duplicate_distance).map((b) => b.length),
      metadata: input.metadata ? { source: input.metadata.source, rows: metadataRows } : null,
      counts,
      duplicate_groups: Number(stats.duplicate_groups),
      views,
      problems,
      summary: {
        mean_luminance: { min: n(stats.lum_min), mean: n(stats.lum_mean), max: n(stats.lum_max) },
        sharpness: { min: n(stats.sharp_min), mean: n(stats.sharp_mean), max: n(stats.sharp_max) },
      },
    };
    const table = await ctx.query(`SELECT * FROM ${quoteIdent(ctx.name)} ORDER BY path LIMIT ${spec.top}`);
    return { table, result: result as unknown as Record<string, unknown>, truncated: result.files > spec.top };
  },
};

export { IMAGE_PROBLEMS };
