/** Test helpers for comparing data-parallel replicas with a single trainer (replicas*.test.ts). */
import type { Trainer } from '../trainer';

/** A trainer's generator and discriminator weights by name. */
export async function weightsByName(trainer: Trainer): Promise<Record<string, Float32Array>> {
  const weights: Record<string, Float32Array> = {};
  for (const [name, v] of [...trainer.generator.params.variables, ...trainer.discriminator.params.variables]) weights[name] = (await v.data()) as Float32Array;
  return weights;
}

/** The largest difference between a and b, relative to a's largest magnitude. */
export function maxRelativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let gap = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    gap = Math.max(gap, Math.abs(a[i]! - b[i]!));
  }
  return gap / Math.max(scale, 1e-6);
}
