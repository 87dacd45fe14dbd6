/** The engine's side of the dataset: imports, the project dataset, thumbnails, previews, the demo. */
import { z } from 'zod';
import type { RequestSpecs } from '../../api/rpc';
import { datasetSummarySchema, projectDatasetRefSchema } from '../../api/schemas';
import {
  datasetListSchema,
  datasetNameSchema,
  importOptionsSchema,
  importTargetSchema,
  importPreviewSchema,
  importReportSchema,
  projectDatasetSchema,
  thumbnailPageSchema,
  thumbnailQuerySchema,
} from '../../api/dataset';

export const datasetEngineRequests = {
  'dataset.demo': { input: z.object({}), output: datasetSummarySchema },
  'dataset.import': {
    input: z.object({
      sourceDir: z.string().min(1),
      projectDir: z.string().min(1),
      options: importOptionsSchema,
      target: importTargetSchema,
      name: datasetNameSchema,
    }),
    output: z.object({ report: importReportSchema, dataset: projectDatasetRefSchema }),
  },
  'dataset.cancelImport': { input: z.object({}), output: z.object({ cancelled: z.boolean() }) },
  'dataset.list': { input: z.object({ projectDir: z.string().min(1) }), output: datasetListSchema },
  'dataset.project': { input: z.object({ projectDir: z.string().min(1), dataset: projectDatasetRefSchema }), output: projectDatasetSchema },
  'dataset.delete': { input: z.object({ projectDir: z.string().min(1), dataset: projectDatasetRefSchema }), output: z.object({ deleted: z.boolean() }) },
  'dataset.thumbnails': { input: z.object({ ...thumbnailQuerySchema.shape, projectDir: z.string().min(1) }), output: thumbnailPageSchema },
  'dataset.preview': {
    // sourceDir null: the sources of the dataset.
    input: z.object({ sourceDir: z.string().min(1).nullable(), projectDir: z.string().min(1), dataset: projectDatasetRefSchema, options: importOptionsSchema }),
    output: importPreviewSchema,
  },
} satisfies RequestSpecs;
