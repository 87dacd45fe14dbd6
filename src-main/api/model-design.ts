/**
 * Model design: named configs in the project, validation, layer tables and measured cost before training.
 * `modelDesignRequests` are the StudioApi channels (renderer → main), `modelDesignEngineRequests` the engine's (main →
 * engine), `modelDesignEvents` events the engine emits and main forwards to the renderer unchanged.
 */
import { z } from 'zod';
import type { EventSpecs, RequestSpecs } from './rpc';
import { backendNameSchema, generatorPreviewSchema, sampleGridSchema } from './schemas';
import { trainConfigSchema } from './train-config';

/**
 * A saved config's name, which is also its file name (<project>/configs/<name>.json): letters,
 * digits, spaces and a little punctuation, no separators, no leading dot, no trailing dot or space
 * (Windows drops them), and none of the device names Windows reserves.
 */
export const configNameSchema = z
  .string()
  .trim()
  .min(1, 'give the config a name')
  .max(64, 'at most 64 characters')
  .regex(/^[\p{L}\p{N}](?:[\p{L}\p{N} _.,()+-]*[\p{L}\p{N}_)])?$/u, 'use letters, digits, spaces and _ . , ( ) + - (starting with a letter or digit)')
  .refine((name) => !/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(name), 'that name is reserved on Windows');

export const savedConfigSchema = z.object({
  name: z.string(),
  /** ISO time of the last write. */
  savedAt: z.string(),
  config: trainConfigSchema,
});
export type SavedConfig = z.infer<typeof savedConfigSchema>;

/** A file in configs/ that does not hold a valid config (hand-edited, from a newer version…). */
export const damagedConfigSchema = z.object({ name: z.string(), problems: z.array(z.string()) });

export const configListSchema = z.object({ configs: z.array(savedConfigSchema), damaged: z.array(damagedConfigSchema) });
export type ConfigList = z.infer<typeof configListSchema>;

/** A few real training steps of a throwaway model on the active backend. */
export const measurementSchema = z.object({
  backend: backendNameSchema,
  /** Median time of the measured steps (one D round of n_critic updates + one G update). */
  msPerStep: z.number().positive(),
  imagesPerSecond: z.number().nonnegative(),
  /** The warm-up step, which also builds kernels and grows memory; never part of msPerStep. */
  firstStepMs: z.number().nonnegative(),
  /** Steps timed after the warm-up, whose median is msPerStep (at least 1; 3 or more unless a step takes seconds). */
  stepsMeasured: z.number().int().nonnegative(),
});
export type Measurement = z.infer<typeof measurementSchema>;

export const measureInput = z.object({ config: trainConfigSchema }).strict();

export const modelDesignRequests = {
  /** A grid from an untrained generator built from the form's settings (the Model view's Sample). */
  'samples.preview': { input: generatorPreviewSchema.strict(), output: sampleGridSchema },
  /** The project's saved configs, by name, and any file in configs/ that is not a valid one. */
  'design.list': { input: z.object({}).strict(), output: configListSchema },
  /** Writes configs/<name>.json atomically; refused if the name is taken unless `replace`. */
  'design.save': {
    input: z.object({ name: configNameSchema, config: trainConfigSchema, replace: z.boolean().default(false) }).strict(),
    output: savedConfigSchema,
  },
  'design.duplicate': { input: z.object({ name: configNameSchema, as: configNameSchema }).strict(), output: savedConfigSchema },
  'design.delete': { input: z.object({ name: configNameSchema }).strict(), output: z.object({ deleted: z.string() }) },
  /** Refused while a run is training, so the estimate never slows (or is skewed by) a real run. */
  'design.measure': { input: measureInput, output: measurementSchema },
} satisfies RequestSpecs;


export const modelDesignEvents = {} satisfies EventSpecs;
