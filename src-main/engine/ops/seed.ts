/**
 * Seeds for tfjs random ops. tfjs reads a falsy seed as "no seed": randomNormal, truncatedNormal and
 * randomGamma with seed 0 draw from Math.random, so a run, a preview or a sample grid with seed 0
 * differed every time (and between backends). Every seed handed to a tfjs random op goes through
 * tfSeed, which keeps every other seed as it is and sends 0 to 2³², a value no uint32 or 31-bit
 * seed in the engine can take, so no two seeds collide.
 */
export const ZERO_SEED = 2 ** 32;

export function tfSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new Error(`A random seed must be a finite number, not ${seed}.`);
  return seed === 0 ? ZERO_SEED : seed;
}
