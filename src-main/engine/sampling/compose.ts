/** Turns a SampleSpec into latents and classes, and renders it with a loaded generator. */
import type { LatentRecipe, SampleSpec, Truncation } from '../../api/sampling';
import { alongPath } from './interpolate';
import { latentForSeed, type ZDistribution } from './latents';
import type { LoadedGenerator } from './loaded-generator';

export interface LatentSpace {
  zDim: number;
  distribution: ZDistribution;
  numClasses: number;
}

/** Direction vectors in z space by id; the caller resolves them from the project. */
export type DirectionVectors = ReadonlyMap<string, Float32Array>;

/**
 * ψ pulls z toward the mean latent. These generators take z directly (no mapping network), and
 * both z distributions are centred, so the mean latent is the origin and ψ scales z.
 */
export function applyPsi(z: Float32Array, psi: number): Float32Array {
  if (psi === 1) return z;
  return z.map((v) => v * psi);
}

export function latentOf(recipe: LatentRecipe, space: LatentSpace, truncation: Truncation): Float32Array {
  const keyframes = recipe.seeds.map((seed) => latentForSeed(seed, space.zDim, space.distribution, truncation.threshold));
  if (recipe.latent) {
    if (recipe.latent.length !== space.zDim) throw new Error(`The image's latent has ${recipe.latent.length} values, the generator's z has ${space.zDim}.`);
    keyframes[0] = Float32Array.from(recipe.latent);
  }
  return applyPsi(alongPath(keyframes, recipe.t, recipe.path), truncation.psi);
}

/** [n × zDim] latents and per-image classes (undefined for unconditional models). */
export function composeLatents(
  spec: Pick<SampleSpec, 'images' | 'truncation' | 'directions'>,
  space: LatentSpace,
  directions: DirectionVectors = new Map(),
): { z: Float32Array; classes: number[] | undefined } {
  const vectorOf = (id: string): Float32Array => {
    const vector = directions.get(id);
    if (!vector) throw new Error(`Direction "${id}" is not saved for this run.`);
    if (vector.length !== space.zDim) throw new Error(`Direction "${id}" has ${vector.length} dimensions, the generator's z has ${space.zDim}.`);
    return vector;
  };
  const movesOf = (amounts: SampleSpec['directions']) => amounts.filter((d) => d.amount !== 0).map(({ id, amount }) => ({ vector: vectorOf(id), amount }));
  const shared = movesOf(spec.directions);
  const z = new Float32Array(spec.images.length * space.zDim);
  const classes: number[] = [];
  spec.images.forEach((recipe, i) => {
    // Directions move the truncated latent, so an edit is not shrunk by ψ.
    const latent = latentOf(recipe, space, spec.truncation);
    const moves = recipe.directions ? movesOf(recipe.directions) : shared;
    for (const { vector, amount } of moves) for (let k = 0; k < space.zDim; k++) latent[k]! += amount * vector[k]!;
    z.set(latent, i * space.zDim);
    if (space.numClasses > 0) {
      const label = recipe.class ?? i % space.numClasses;
      if (label >= space.numClasses) throw new Error(`Class ${label} is outside 0…${space.numClasses - 1}.`);
      classes.push(label);
    } else if (recipe.class !== null) {
      throw new Error('This generator is unconditional: images cannot have a class.');
    }
  });
  return { z, classes: space.numClasses > 0 ? classes : undefined };
}

export function latentSpaceOf(generator: LoadedGenerator): LatentSpace {
  const { zDim, zDistribution, numClasses } = generator.config.model;
  return { zDim, distribution: zDistribution, numClasses };
}

/** Images [n, H, W, C] in [−1, 1] for the spec, plus the latents used (for sidecars). */
export async function renderSampleSpec(
  generator: LoadedGenerator,
  spec: Pick<SampleSpec, 'images' | 'truncation' | 'directions'>,
  directions?: DirectionVectors,
): Promise<{ images: Float32Array; z: Float32Array; classes: number[] | undefined }> {
  const { z, classes } = composeLatents(spec, latentSpaceOf(generator), directions);
  return { images: await generator.generate(z, classes), z, classes };
}
