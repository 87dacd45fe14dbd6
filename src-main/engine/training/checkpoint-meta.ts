/**
 * The trainer's part of a checkpoint's meta: what a resumed run needs besides the tensors (the
 * random stream, the real images seen, the live edits, the adaptive augmentation controller). The
 * file's digest catches damage; this schema catches a file that verifies but does not hold what
 * this build needs, so the session passes it over like a damaged one instead of resuming wrongly.
 */
import { z } from 'zod';
import { liveParamsSchema } from '../../api/training';
import { ADA_INTERVAL } from '../augment/adaptive';

export const adaptiveStateSchema = z
  .object({
    probability: z.number().min(0).max(1),
    sum: z.number(),
    steps: z.number().int().min(0).max(ADA_INTERVAL - 1),
    images: z.number().int().min(0),
  })
  .strict()
  .refine((s) => Math.abs(s.sum) <= s.steps, { message: 'its sum of r_t is larger than its step count (r_t is in [-1, 1])' });

export const trainerMetaSchema = z.looseObject({
  rngState: z.number().int().min(0).max(2 ** 32 - 1),
  realImages: z.number().int().min(0).optional(),
  live: liveParamsSchema,
  adaptive: adaptiveStateSchema.optional(),
});
export type TrainerMeta = z.infer<typeof trainerMetaSchema>;

/** The meta parsed, or an Error that names what is wrong (the caller names the file). */
export function parseTrainerMeta(meta: unknown): TrainerMeta {
  const parsed = trainerMetaSchema.safeParse(meta);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`its training state is not valid (${issue.path.join('.') || 'meta'}: ${issue.message})`);
  }
  return parsed.data;
}
