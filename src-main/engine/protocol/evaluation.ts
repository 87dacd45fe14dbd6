/** The engine's side of evaluation: requests from main with absolute paths the renderer never sees. */
import { z } from 'zod';
import type { RequestSpecs } from '../../api/rpc';
import { checkpointRefSchema } from '../../api/projects';
import { evaluationRecordSchema, evaluationSettingsSchema, extractorsInfoSchema, inputRangeSchema, modelUrlSchema, sha256Schema } from '../../api/evaluation';

export const evaluationEngineRequests = {
  'eval.checkpoint': {
    input: evaluationSettingsSchema.extend({
      projectDir: z.string().min(1),
      runDir: z.string().min(1),
      file: checkpointRefSchema.shape.file,
      index: z.number().int().nonnegative(),
      count: z.number().int().positive(),
    }),
    output: evaluationRecordSchema,
  },
  'eval.cancel': { input: z.object({}), output: z.object({ cancelled: z.boolean() }) },
  'eval.extractors': { input: z.object({ projectDir: z.string().min(1) }), output: extractorsInfoSchema },
  'eval.importExtractor': {
    input: z.object({
      projectDir: z.string().min(1),
      source: z.union([z.object({ dir: z.string().min(1) }), z.object({ url: modelUrlSchema, sha256: sha256Schema.optional() })]),
      inputRange: inputRangeSchema,
    }),
    output: extractorsInfoSchema,
  },
} satisfies RequestSpecs;
