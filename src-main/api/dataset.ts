/** Dataset import as the renderer and main see it: options, progress, the report. */
import { z } from 'zod';
import { datasetSummarySchema } from './schemas';

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
  duplicates: z.number().int().nonnegative(),
  decoded: z.number().int().nonnegative(),
  reused: z.number().int().nonnegative(),
  classes: z.array(z.object({ name: z.string(), count: z.number().int().nonnegative() })),
  elapsedMs: z.number().nonnegative(),
});
export type ImportReportShape = z.infer<typeof importReportSchema>;

/** The project's dataset with the files its last import left out, or null before any import. */
export const projectDatasetSchema = z
  .object({ summary: datasetSummarySchema, skipped: z.array(skippedFileSchema) })
  .nullable();
