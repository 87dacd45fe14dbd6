/** The engine's side of the dataset: imports, the project dataset, thumbnails, previews, the demo. */
import { z } from 'zod';
import type { RequestSpecs } from '../../api/rpc';
import { datasetSummarySchema } from '../../api/schemas';
import {
  importOptionsSchema,
  importPreviewSchema,
  importReportSchema,
  projectDatasetSchema,
  thumbnailPageSchema,
  thumbnailQuerySchema,
} from '../../api/dataset';

export const datasetEngineRequests = {
  'dataset.demo': { input: z.object({}), output: datasetSummarySchema },
  'dataset.import': {
    input: z.object({ sourceDir: z.string().min(1), projectDir: z.string().min(1), options: importOptionsSchema }),
    output: importReportSchema,
  },
  'dataset.cancelImport': { input: z.object({}), output: z.object({ cancelled: z.boolean() }) },
  'dataset.project': { input: z.object({ projectDir: z.string().min(1), name: z.string() }), output: projectDatasetSchema },
  'dataset.thumbnails': { input: z.object({ ...thumbnailQuerySchema.shape, projectDir: z.string().min(1) }), output: thumbnailPageSchema },
  'dataset.preview': {
    // sourceDir null: the sources of the project's dataset.
    input: z.object({ sourceDir: z.string().min(1).nullable(), projectDir: z.string().min(1), options: importOptionsSchema }),
    output: importPreviewSchema,
  },
} satisfies RequestSpecs;
