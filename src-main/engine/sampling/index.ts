export { LoadedGenerator, type CheckpointIdentity } from './loaded-generator';
export { GeneratorCache } from './cache';
export { latentForSeed, latentsForSeeds, normalDraw, type ZDistribution } from './latents';
