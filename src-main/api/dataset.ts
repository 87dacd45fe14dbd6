/** Dataset import as the renderer and main see it: options, progress, the report. */
import { z } from 'zod';
import type { RequestSpecs } from './rpc';
import { datasetSummarySchema, pngImageSchema, projectDatasetRefSchema } from './schemas';

const side = z.number().int().min(16).max(512);

export const importOptionsSchema = z
  .object({
    width: side.default(64),
    height: side.default(64),
    /** crop: cover then centre-crop; pad: letterbox on `background`; stretch: ignore aspect ratio. */
    fit: z.enum(['crop', 'pad', 'stretch']).default('crop'),
    channels: z.union([z.literal(1), z.literal(3)]).default(3),
    /** Behind transparent pixels and around letterboxed images. */
    background: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'background must be a colour like #000000')
      .transform((s) => s.toLowerCase())
      .default('#000000'),
    labelsFromFolders: z.boolean().default(true),
    /** Images whose header declares more pixels are skipped before any decoding (decompression bombs). */
    maxPixels: z.number().int().min(1).max(2 ** 31).default(64e6),
  })
  .strict();

export const skippedFileSchema = z.object({ path: z.string(), code: z.string(), reason: z.string() });
/**
 * How many files the import left out, per skip code (duplicates included): counted before the
 * `skipped` list is cut to its first few thousand rows, so totals stay right on huge folders.
 */
export const skippedCountsSchema = z.record(z.string(), z.number().int().nonnegative());

export const importProgressSchema = z.object({
  phase: z.enum(['scan', 'decode', 'write', 'done']),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  imagesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type ImportProgressShape = z.infer<typeof importProgressSchema>;

export const importReportSchema = z.object({
  imported: z.number().int().nonnegative(),
  skipped: z.array(skippedFileSchema),
  skippedCounts: skippedCountsSchema,
  duplicates: z.number().int().nonnegative(),
  decoded: z.number().int().nonnegative(),
  reused: z.number().int().nonnegative(),
  classes: z.array(z.object({ name: z.string(), count: z.number().int().nonnegative() })),
  elapsedMs: z.number().nonnegative(),
});
export type ImportReportShape = z.infer<typeof importReportSchema>;

/**
 * One of the project's datasets with the files its last import left out and its per-pixel mean
 * image, or null when there is none. `version` changes with every import (cached thumbnails key on it).
 */
export const projectDatasetSchema = z
  .object({
    summary: datasetSummarySchema,
    skipped: z.array(skippedFileSchema),
    skippedCounts: skippedCountsSchema,
    mean: pngImageSchema,
    version: z.string(),
  })
  .nullable();
export type ProjectDatasetShape = z.infer<typeof projectDatasetSchema>;

/** The project's datasets, first imported first: what pickers list (no pictures). */
export const datasetListSchema = z.array(
  datasetSummarySchema.omit({ preview: true }).extend({ id: projectDatasetRefSchema, version: z.string(), createdAt: z.string() }),
);
export type DatasetListShape = z.infer<typeof datasetListSchema>;
export type DatasetListItem = DatasetListShape[number];

/** What 'dataset.changed' says: every dataset, and the one an import or a delete just changed. */
export const datasetsChangedSchema = z.object({ list: datasetListSchema, changed: projectDatasetRefSchema.nullable() });

/** A dataset's name as people see it: the imported folder's, unless renamed. */
export const datasetNameSchema = z.string().trim().min(1).max(80);

/** An import's destination: a new dataset, or an existing one it replaces (a re-import of the same folder updates it). */
export const importTargetSchema = z.union([z.literal('new'), projectDatasetRefSchema]);

/** Most thumbnails one 'dataset.thumbnails' page carries. */
export const THUMBNAIL_PAGE_MAX = 256;

/** A page of the imported images in path order, optionally of one class (-1: the unlabelled). */
export const thumbnailQuerySchema = z
  .object({
    dataset: projectDatasetRefSchema.default('project'),
    offset: z.number().int().min(0),
    count: z.number().int().min(1).max(THUMBNAIL_PAGE_MAX),
    label: z.number().int().min(-1).max(100_000).optional(),
  })
  .strict();

const pixels = z.number().int().positive();
/** The page's thumbnails tiled left to right, top to bottom in `columns` columns, without gaps. */
export const thumbnailPageSchema = z.object({
  version: z.string(),
  /** Images that match the filter, in all pages. */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  tile: z.object({ width: pixels, height: pixels }),
  columns: pixels,
  /** null when the page is past the end. */
  sprite: pngImageSchema.nullable(),
  items: z.array(z.object({ path: z.string(), label: z.number().int().min(-1) })),
});
export type ThumbnailPage = z.infer<typeof thumbnailPageSchema>;

/** Most sample files an import preview decodes. */
export const PREVIEW_SAMPLES_MAX = 8;

/**
 * Sample images of a folder decoded with the given options, exactly as an import would store them.
 * The samples come from files web mode uploaded for the preview, a folder the desktop app's dialog
 * or a drop picked, or the sources of the project's dataset when they are still on disk.
 */
export const importPreviewRequestSchema = z
  .object({
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('upload'), uploadId: z.string().regex(/^[a-f0-9]{32}$/) }).strict(),
      /** Desktop: a folder chosen in the dialog or dropped, waiting for its import. */
      z.object({ kind: z.literal('dropped'), token: z.string().regex(/^[a-f0-9]{32}$/) }).strict(),
      /** The sources of one of the project's datasets, when still on disk. */
      z.object({ kind: z.literal('project'), dataset: projectDatasetRefSchema.default('project') }).strict(),
    ]),
    options: importOptionsSchema,
  })
  .strict();

export const importPreviewSchema = z.object({
  /** The decoded samples side by side at the import size, or null when none decoded. */
  image: pngImageSchema.nullable(),
  tile: z.object({ width: pixels, height: pixels }),
  samples: z.array(z.object({ path: z.string(), ok: z.boolean(), reason: z.string().nullable() })),
  /** Why there is nothing to show (no samples found), for the view to say. */
  message: z.string().nullable(),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

const empty = z.object({}).strict();

export const datasetRequests = {
  'dataset.demo': { input: empty, output: datasetSummarySchema },
  /** The project's datasets, first imported first. */
  'dataset.list': { input: empty, output: datasetListSchema },
  /** One dataset with what its last import skipped (null when the project has none of that name). */
  'dataset.project': { input: z.object({ dataset: projectDatasetRefSchema.default('project') }).strict(), output: projectDatasetSchema },
  /** Deletes a dataset's imported images (the source folder is not touched). Runs that trained on it keep their checkpoints. */
  'dataset.delete': { input: z.object({ dataset: projectDatasetRefSchema }).strict(), output: z.object({ deleted: z.boolean() }) },
  /**
   * Imports a folder into the project. The folder comes from a native dialog (desktop), a drop the
   * preload registered (desktop), or files uploaded to web mode — never a path the renderer typed.
   * `report` is null when the user cancelled the dialog.
   */
  'dataset.import': {
    input: z
      .object({
        source: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('dialog') }).strict(),
          z.object({ kind: z.literal('dropped'), token: z.string().regex(/^[a-f0-9]{32}$/) }).strict(),
          z.object({ kind: z.literal('upload'), uploadId: z.string().regex(/^[a-f0-9]{32}$/) }).strict(),
        ]),
        options: importOptionsSchema,
        target: importTargetSchema.default('new'),
        /** The new dataset's name; the source folder's when left out. */
        name: datasetNameSchema.optional(),
      })
      .strict(),
    output: z.object({ report: importReportSchema.nullable(), dataset: projectDatasetRefSchema.nullable() }),
  },
  'dataset.cancelImport': { input: empty, output: z.object({ cancelled: z.boolean() }) },
  /** Desktop: picks a folder in the native dialog for a later preview and import (null: cancelled). */
  'dataset.chooseFolder': { input: empty, output: z.object({ token: z.string(), folder: z.string() }).nullable() },
  /** One page of the project dataset's thumbnails (a tiled sprite plus paths and labels). */
  'dataset.thumbnails': { input: thumbnailQuerySchema, output: thumbnailPageSchema },
  /** A few sample images decoded with the import options, before (or instead of) importing. */
  'dataset.preview': { input: importPreviewRequestSchema, output: importPreviewSchema },
} satisfies RequestSpecs;
