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
  /** The step at which the run ended early by its own rule (early stopping), or null. */
  endedStep: z.number().int().nullable().default(null),
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

/** What the user writes about a run in the runs table (runs/<id>/notes.json). */
export const runNotesSchema = z.object({
  notes: z.string().max(2000).default(''),
  tags: z.array(z.string().trim().min(1).max(40)).max(16).default([]),
});
export type RunNotes = z.infer<typeof runNotesSchema>;

/** A metric's best and newest value over a run's evaluations (lower is better for both KID and FID). */
const metricSpanSchema = z.object({ best: z.number(), bestStep: z.number().int(), latest: z.number(), latestStep: z.number().int() }).nullable();

/** One row of the runs table: everything a comparison across runs sorts, filters or exports on. */
export const runTableRowSchema = z.object({
  runId: z.string(),
  name: z.string().nullable(),
  created: z.string(),
  /** "demo:mnist", "project" or "project:<id>"; null when run.json is missing or damaged. */
  dataset: z.string().nullable(),
  /** The run's config as JSON (null when it cannot be read); the table diffs these across runs. */
  config: z.record(z.string(), z.unknown()).nullable(),
  steps: z.number().int().nonnegative(),
  /** The last logged step. */
  step: z.number().int().nonnegative(),
  lastCheckpointStep: z.number().int().nullable(),
  /** The step at which the run ended early (early stopping), or null. */
  endedStep: z.number().int().nullable(),
  damaged: z.string().nullable(),
  kid: metricSpanSchema,
  fid: metricSpanSchema,
  /** Median over the logged steps. */
  imagesPerSecond: z.number().nonnegative().nullable(),
  /** Training time: the sum of the logged step times, in seconds. */
  trainSeconds: z.number().nonnegative(),
  notes: z.string(),
  tags: z.array(z.string()),
});
export type RunTableRow = z.infer<typeof runTableRowSchema>;

