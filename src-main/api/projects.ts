/** The open project as the renderer sees it. Paths are shown, never sent back. */
import { z } from 'zod';

export const runSummarySchema = z.object({
  runId: z.string(),
  created: z.string(),
  summary: z.string(),
  steps: z.number().int().nonnegative(),
  lastCheckpointStep: z.number().int().nullable(),
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
