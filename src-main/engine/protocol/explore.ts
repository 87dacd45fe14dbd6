/** The engine's side of explore: requests from main with absolute paths the renderer never sees. */
import { z } from 'zod';
import type { RequestSpecs } from '../../api/rpc';
import { directionIdSchema, sampleSpecSchema } from '../../api/sampling';
import { projectionResultSchema, projectionSettingsShape, projectionSourceSchema, MAX_NEIGHBOURS, MAX_TIMELINE_CHECKPOINTS, checkpointUsedSchema, copiesResultSchema, nearestResultSchema, oneImageAcross, renderShape, renderedSchema, seedList, tilesFit, unsupervisedMethods } from '../../api/explore';

const engineCheckpoint = { runDir: z.string().min(1), file: z.string().optional() };
const vectorSchema = z.array(z.number().finite()).min(2).max(512);

export const exploreEngineRequests = {
  'explore.render': {
    input: z
      .object({
        runDir: z.string().min(1),
        ...renderShape,
        /** The vectors of the directions the spec and sweep use, resolved by main from the project. */
        directions: z.array(z.object({ id: directionIdSchema, vector: vectorSchema })).max(33),
        /** acrossCheckpoints: the checkpoint files to draw with, oldest first, chosen by main. */
        files: z.array(z.string().min(1)).max(MAX_TIMELINE_CHECKPOINTS).optional(),
      })
      .refine(...tilesFit)
      .refine(...oneImageAcross)
      .refine((input) => !input.acrossCheckpoints || (input.files?.length ?? 0) > 0, { message: 'acrossCheckpoints needs the checkpoint files' }),
    output: renderedSchema,
  },
  'explore.nearest': {
    input: z.object({
      runDir: z.string().min(1),
      projectDir: z.string().min(1),
      spec: sampleSpecSchema,
      k: z.number().int().min(1).max(MAX_NEIGHBOURS),
      directions: z.array(z.object({ id: directionIdSchema, vector: vectorSchema })).max(32),
    }),
    output: nearestResultSchema,
  },
  'explore.copies': {
    input: z.object({ ...engineCheckpoint, projectDir: z.string().min(1), samples: z.number().int().min(100).max(5000), seed: z.number().int().min(0) }),
    output: copiesResultSchema,
  },
  'explore.project': {
    input: z.object({ ...engineCheckpoint, projectDir: z.string().min(1), source: projectionSourceSchema, ...projectionSettingsShape }),
    output: projectionResultSchema,
  },
  'explore.project.cancel': { input: z.object({}), output: z.object({ cancelled: z.boolean() }) },
  'explore.directions.unsupervised': {
    input: z.object({ ...engineCheckpoint, method: z.enum(unsupervisedMethods), count: z.number().int().min(1).max(16), samples: z.number().int().min(16).max(4096).optional() }),
    output: z.object({
      checkpoint: checkpointUsedSchema,
      zDim: z.number().int(),
      components: z.array(z.object({ vector: vectorSchema, score: z.number(), share: z.number() })),
    }),
  },
  'explore.directions.fit': {
    input: z.object({ ...engineCheckpoint, positives: seedList, negatives: seedList, orthogonalTo: z.array(vectorSchema).max(32) }),
    output: z.object({ checkpoint: checkpointUsedSchema, zDim: z.number().int(), vector: vectorSchema, accuracy: z.number(), margin: z.number() }),
  },
  'explore.directions.classifier': {
    input: z.object({ ...engineCheckpoint, projectDir: z.string().min(1), targetClass: z.number().int().min(0), keepOthers: z.number().min(0) }),
    output: z.object({
      checkpoint: checkpointUsedSchema,
      zDim: z.number().int(),
      vector: vectorSchema,
      className: z.string(),
      /** Mean probability of the target class over the walked samples, before and after. */
      before: z.number(),
      after: z.number(),
      classifierAccuracy: z.number(),
    }),
  },
} satisfies RequestSpecs;
