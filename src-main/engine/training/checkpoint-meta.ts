/**
 * The trainer's part of a checkpoint's meta: what a resumed run needs besides the tensors (the
 * random stream, the real images seen, the live edits, the adaptive augmentation controller). The
 * file's digest catches damage; this schema catches a file that verifies but does not hold what
 * this build needs, so the session passes it over like a damaged one instead of resuming wrongly.
 *
 * It is lenient where leniency is safe, so a newer or older build's checkpoints still resume:
 * unknown keys are dropped, and a live edit the file lacks takes the run config's value.
 */
import { z } from 'zod';
import { liveParamsOf, liveParamsSchema, type LiveParamsShape } from '../../api/training';
import type { TrainConfig } from '../../api/train-config';

export const adaptiveStateSchema = z
  .object({
    probability: z.number().min(0).max(1),
    sum: z.number(),
    steps: z.number().int().min(0),
    images: z.number().int().min(0),
  })
  .refine((s) => Math.abs(s.sum) <= s.steps, { message: 'its sum of r_t is larger than its step count (r_t is in [-1, 1])' });

const storedLiveSchema = z.object(liveParamsSchema.shape).partial();

export const trainerMetaSchema = z.looseObject({
  rngState: z.number().int().min(0).max(2 ** 32 - 1),
  realImages: z.number().int().min(0).optional(),
  live: storedLiveSchema.default({}),
  adaptive: adaptiveStateSchema.optional(),
});
export interface TrainerMeta {
  rngState: number;
  realImages?: number;
  live: LiveParamsShape;
  adaptive?: z.infer<typeof adaptiveStateSchema>;
}

/** The meta parsed, or an Error that names what is wrong (the caller names the file). */
export function parseTrainerMeta(meta: unknown, config: TrainConfig): TrainerMeta {
  const parsed = trainerMetaSchema.safeParse(meta);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`its training state is not valid (${issue.path.join('.') || 'meta'}: ${issue.message})`);
  }
  const { rngState, realImages, live, adaptive } = parsed.data;
  const stored = Object.fromEntries(Object.entries(live).filter(([, v]) => v !== undefined));
  return { rngState, realImages, live: { ...liveParamsOf(config), ...stored }, ...(adaptive ? { adaptive } : {}) };
}
