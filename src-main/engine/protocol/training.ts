/** The engine's side of training: runs are named by their folders (absolute paths main chose). */
import { z } from 'zod';
import type { RequestSpecs } from '../../api/rpc';
import { trainConfigSchema } from '../../api/train-config';
import { datasetRefSchema, liveParamsSchema, runHistorySchema, runStatusSchema, trainControlSchema } from '../../api/training';

export const trainingEngineRequests = {
  'train.start': {
    input: z.object({ runsDir: z.string().min(1), config: trainConfigSchema, dataset: datasetRefSchema }),
    output: runStatusSchema,
  },
  'train.open': {
    input: z.object({ runDir: z.string().min(1) }),
    output: z.object({ status: runStatusSchema, skipped: z.array(z.string()), warnings: z.array(z.string()) }),
  },
  'train.control': { input: trainControlSchema, output: runStatusSchema },
  'train.update': { input: liveParamsSchema.partial(), output: runStatusSchema },
  'train.status': { input: z.object({}), output: runStatusSchema.nullable() },
  'train.history': { input: z.object({}), output: runHistorySchema.nullable() },
} satisfies RequestSpecs;
