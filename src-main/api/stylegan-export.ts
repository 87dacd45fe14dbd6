/**
 * A project dataset as StyleGAN2-ADA's dataset zip (dataset_tool.py's layout), for users who take
 * their data to a multi-GPU trainer. `datasetExportRequests` are the StudioApi channels,
 * `datasetExportEngineRequests` the engine's, `datasetExportEvents` its progress events.
 */
import { z } from 'zod';
import type { EventSpecs, RequestSpecs } from './rpc';
import { projectDatasetRefSchema } from './schemas';

export const styleGanExportSchema = z.object({
  /** The zip, in the project's exports folder. */
  path: z.string(),
  images: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Whether dataset.json carries class labels (every image has one). */
  labelled: z.boolean(),
  /** What StyleGAN2-ADA will object to, worth knowing before uploading. */
  warnings: z.array(z.string()),
});
export type StyleGanExport = z.infer<typeof styleGanExportSchema>;

export const datasetExportProgressSchema = z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export type DatasetExportProgress = z.infer<typeof datasetExportProgressSchema>;

const empty = z.object({}).strict();
/** null when the export was cancelled (nothing is left behind). */
export const outcome = z.object({ result: styleGanExportSchema.nullable() });

export const datasetExportRequests = {
  /** One of the project's datasets as a StyleGAN2-ADA dataset zip. */
  'dataset.exportStyleGan': { input: z.object({ dataset: projectDatasetRefSchema.default('project') }).strict(), output: outcome },
  'dataset.cancelExport': { input: empty, output: z.object({ cancelled: z.boolean() }) },
} satisfies RequestSpecs;


export const datasetExportEvents = {
  'dataset.exportProgress': datasetExportProgressSchema,
} satisfies EventSpecs;
