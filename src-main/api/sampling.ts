/**
 * A description of generated images that is small, exact and reusable: which checkpoint, which
 * latent for each image (a point on a path through seeds), class, truncation and direction
 * amounts. The explorer's view state, every export's sidecar and the Gallery's "Open in Explore" all speak it,
 * so an image made once can be made again byte for byte on the same backend.
 */
import { z } from 'zod';
import { checkpointRefSchema } from './projects';

export const seedSchema = z.number().int().min(0).max(2 ** 31 - 1);
export const interpolationPaths = ['slerp', 'linear'] as const;

export const directionIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'not a direction id');
export const directionAmountSchema = z.object({ id: directionIdSchema, amount: z.number().min(-100).max(100) }).strict();

/** A latent vector by value (z dimensions 2–512; found latents stay well inside ±50). */
export const latentValuesSchema = z.array(z.number().finite().min(-50).max(50)).min(2).max(512);

/** One image's latent: the point at `t` on the path through `seeds` (one seed: that seed's z). */
export const latentRecipeSchema = z
  .object({
    seeds: z.array(seedSchema).min(1).max(64),
    /** 0 = the first seed, 1 = the last; keyframes are spaced evenly along the path. */
    t: z.number().min(0).max(1).default(0),
    path: z.enum(interpolationPaths).default('slerp'),
    /** The conditional model's class; null for unconditional models. */
    class: z.number().int().min(0).max(999).nullable().default(null),
    /** This image's direction amounts instead of the spec's: a direction swept across an animation's frames. */
    directions: z.array(directionAmountSchema).max(32).optional(),
    /**
     * A latent given by value, in place of the first seed's (a projection's result: the first seed
     * is the start it was found from). Later seeds interpolate away from it; ψ and directions apply.
     */
    latent: latentValuesSchema.optional(),
  })
  .strict();
export type LatentRecipe = z.output<typeof latentRecipeSchema>;

export const truncationSchema = z
  .object({
    /** ψ: pulls z toward the mean latent (1 = off, 0 = every image is the mean image). */
    psi: z.number().min(0).max(1).default(1),
    /** Redraws |z_i| > threshold from the seed's own stream: a truncated normal (null = off). */
    threshold: z.number().min(0.05).max(10).nullable().default(null),
  })
  .strict();
export type Truncation = z.output<typeof truncationSchema>;

export const sampleSpecSchema = z
  .object({
    version: z.literal(1),
    checkpoint: checkpointRefSchema,
    truncation: truncationSchema.default({ psi: 1, threshold: null }),
    /** Saved directions of the run, added to every image's latent after truncation. */
    directions: z.array(directionAmountSchema).max(32).default([]),
    images: z.array(latentRecipeSchema).min(1).max(50_000),
  })
  .strict();
export type SampleSpec = z.output<typeof sampleSpecSchema>;
export type SampleSpecInput = z.input<typeof sampleSpecSchema>;

/** Every direction a spec moves along (amount ≠ 0), the spec's own and its images'. */
export function directionIdsOf(spec: Pick<SampleSpec, 'images' | 'directions'>): string[] {
  const ids = new Set<string>();
  for (const amounts of [spec.directions, ...spec.images.map((image) => image.directions ?? [])]) {
    for (const { id, amount } of amounts) if (amount !== 0) ids.add(id);
  }
  return [...ids];
}
