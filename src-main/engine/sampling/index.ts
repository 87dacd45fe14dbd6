export { LoadedGenerator, type CheckpointIdentity } from './loaded-generator';
export { GeneratorCache } from './cache';
export { latentForSeed, latentsForSeeds, normalDraw, type ZDistribution } from './latents';
export { alongPath, lerp, slerp } from './interpolate';
export { applyPsi, composeLatents, latentOf, latentSpaceOf, renderSampleSpec, type DirectionVectors, type LatentSpace } from './compose';
