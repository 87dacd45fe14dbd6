/** Dataset import as the renderer and main see it: options, progress, the report. */
import { z } from 'zod';
import type { RequestSpecs } from './rpc';
import { datasetSummarySchema, pngImageSchema } from './schemas';

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
 * The project's dataset with the files its last import left out and its per-pixel mean image, or
 * null before any import. `version` changes with every import (cached thumbnails key on it).
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

/** Most thumbnails one 'dataset.thumbnails' page carries. */
export const THUMBNAIL_PAGE_MAX = 256;

/** A page of the imported images in path order, optionally of one class (-1: the unlabelled). */
export const thumbnailQuerySchema = z
  .object({
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
      z.object({ kind: z.literal('project') }).strict(),
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
  /** The project's imported dataset and what its last import skipped (null before any import). */
  'dataset.project': { input: empty, output: projectDatasetSchema },
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
      })
      .strict(),
    output: z.object({ report: importReportSchema.nullable() }),
  },
  'dataset.cancelImport': { input: empty, output: z.object({ cancelled: z.boolean() }) },
  /** Desktop: picks a folder in the native dialog for a later preview and import (null: cancelled). */
  'dataset.chooseFolder': { input: empty, output: z.object({ token: z.string(), folder: z.string() }).nullable() },
  /** One page of the project dataset's thumbnails (a tiled sprite plus paths and labels). */
  'dataset.thumbnails': { input: thumbnailQuerySchema, output: thumbnailPageSchema },
  /** A few sample images decoded with the import options, before (or instead of) importing. */
  'dataset.preview': { input: importPreviewRequestSchema, output: importPreviewSchema },
} satisfies RequestSpecs;
