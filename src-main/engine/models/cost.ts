/**
 * Analytic FLOP counts (multiply-add = 2 FLOPs) of the engine's networks, for the benchmark's
 * GFLOP/s and the Model view's cost estimate. Convolutions and dense layers only: norms and
 * activations are a few FLOPs per element and vanish beside them.
 */
import type { TrainConfig } from '../../api/train-config';
import { dcganPlan } from './generator';

/** Forward FLOPs of G for one image. */
export function generatorFlops(config: TrainConfig['model']): number {
  const z = config.zDim + config.numClasses;
  const pixels = config.resolution * config.resolution * config.channels;
  if (config.architecture === 'mlp') {
    const h = config.gWidth;
    return 2 * (z * h + h * 2 * h + 2 * h * 4 * h + 4 * h * pixels);
  }
  const { base, upsamplings } = dcganPlan(config.resolution);
  const channelsAt = (block: number) => config.gWidth * 2 ** (upsamplings - 1 - block);
  const first = channelsAt(0) * 2;
  let flops = 2 * z * base * base * first;
  let size = base;
  let cin = first;
  for (let i = 0; i < upsamplings; i++) {
    const cout = i === upsamplings - 1 ? config.channels : channelsAt(i);
    // Transposed conv k4: every input pixel meets 16·cout weights; upsample+conv k3 runs at 2× size.
    flops += config.upsample === 'transposed' ? 2 * 16 * cin * cout * size * size : 2 * 9 * cin * cout * (2 * size) ** 2;
    size *= 2;
    cin = cout;
  }
  return flops;
}

/** Forward FLOPs of D for one image. */
export function discriminatorFlops(config: TrainConfig['model']): number {
  const pixels = config.resolution * config.resolution * config.channels;
  if (config.architecture === 'mlp') {
    const h = config.dWidth;
    return 2 * (pixels * 4 * h + 4 * h * 2 * h + 2 * h * h + h);
  }
  const { base, upsamplings } = dcganPlan(config.resolution);
  let flops = 0;
  let size = config.resolution;
  let cin = config.channels + config.numClasses;
  for (let i = 0; i < upsamplings; i++) {
    const cout = config.dWidth * 2 ** i;
    size /= 2;
    flops += 2 * 16 * cin * cout * size * size;
    cin = cout;
  }
  return flops + 2 * base * base * cin;
}

/**
 * FLOPs of one training step (n_critic D updates + one G update). A backward pass costs about
 * twice its forward; WGAN-GP's penalty adds a forward, an input gradient and the gradient of that.
 */
export function trainStepFlops(config: TrainConfig, nCritic = config.nCritic): number {
  const g = generatorFlops(config.model);
  const d = discriminatorFlops(config.model);
  const penalty = config.loss.kind === 'wgan-gp' ? 9 * d : 0;
  const dStep = g + 6 * d + penalty;
  const gStep = 3 * g + 3 * d;
  return config.batchSize * (nCritic * dStep + gStep);
}
