/**
 * Seeds → latent vectors, in plain JavaScript rather than tfjs random ops: a seed must name the same
 * z on every backend, in the CLI, in an exported model's example page and in a sidecar written a
 * year ago, so the generator of record is this file's and nothing else's.
 */
import type { ModelConfig } from '../../api/train-config';
import { Rng } from '../rng';

export type ZDistribution = ModelConfig['zDistribution'];

/** One standard-normal draw (Box–Muller; the second value is dropped to keep draws per seed fixed). */
export function normalDraw(rng: Rng): number {
  // 1 − u keeps log away from 0.
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * The latent vector a seed names: zDim values from N(0, 1) or U(−1, 1). With a threshold, values
 * beyond ±threshold are redrawn from the same stream (the truncation trick's truncated normal), so
 * a truncated seed keeps the components that were already inside the bound.
 */
export function latentForSeed(seed: number, zDim: number, distribution: ZDistribution = 'normal', threshold: number | null = null): Float32Array {
  const rng = new Rng(Math.imul(seed >>> 0, 0x9e3779b1) ^ 0x85ebca6b);
  const draw = () => (distribution === 'normal' ? normalDraw(rng) : rng.next() * 2 - 1);
  const z = new Float32Array(zDim);
  for (let i = 0; i < zDim; i++) z[i] = draw();
  if (threshold !== null) {
    // A uniform draw inside the bound is accepted with probability ≥ threshold, a normal one
    // with ≥ 4% even at threshold 0.05: the loop ends fast.
    for (let i = 0; i < zDim; i++) while (Math.abs(z[i]!) > threshold) z[i] = draw();
  }
  return z;
}

/** Latents for several seeds, row after row ([n × zDim]). */
export function latentsForSeeds(seeds: readonly number[], zDim: number, distribution: ZDistribution = 'normal'): Float32Array {
  const out = new Float32Array(seeds.length * zDim);
  seeds.forEach((seed, i) => out.set(latentForSeed(seed, zDim, distribution), i * zDim));
  return out;
}
