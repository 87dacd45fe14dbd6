/** The open project as the renderer sees it. Paths are shown, never sent back. */
import { z } from 'zod';

/** A name the user gives a run; the run id (its folder) never changes. */
export const runNameSchema = z.string().trim().min(1, 'a name cannot be empty').max(80);

export const runSummarySchema = z.object({
  runId: z.string(),
  /** The user's name for the run, or null. */
  name: z.string().nullable(),
  created: z.string(),
  summary: z.string(),
  steps: z.number().int().nonnegative(),
  lastCheckpointStep: z.number().int().nullable(),
  /** The checkpoint marked best (at completion, or by evaluation), or null. */
  bestCheckpointStep: z.number().int().nullable(),
  /** Why the run folder cannot be opened, or null. */
  damaged: z.string().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const projectInfoSchema = z.object({
  name: z.string(),
  /** For display ("Show in folder"); main never accepts it back from the renderer. */
  dir: z.string(),
  created: z.string(),
});
export type ProjectInfo = z.infer<typeof projectInfoSchema>;

export const projectStateSchema = z.object({ project: projectInfoSchema, runs: z.array(runSummarySchema) });
export type ProjectState = z.infer<typeof projectStateSchema>;

/** Run ids are folder names the engine made; anything else could walk out of runs/. */
export const runIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'not a run id');

/** A checkpoint of a run in the open project; without `file`, the run's newest one. */
export const checkpointRefSchema = z
  .object({
    runId: runIdSchema,
    file: z.string().regex(/^ckpt-\d+\.gsc$/, 'not a checkpoint file name').optional(),
  })
  .strict();
export type CheckpointRef = z.infer<typeof checkpointRefSchema>;

export const checkpointInfoSchema = z.object({
  file: z.string(),
  step: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  savedAt: z.string(),
  best: z.boolean(),
});
export type CheckpointInfoShape = z.infer<typeof checkpointInfoSchema>;
