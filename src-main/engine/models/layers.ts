/** Functional layers over a ParamStore. Each `make*` creates parameters once and returns the op. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from './params';
import { updateMovingAverage } from '../ops/moving-average';
import { fusedOps } from '../backend/fused';
import { batchNormSynced, fusedTrainingBatchNorm } from '../ops/batch-norm';

/** Radford et al.: all weights from N(0, 0.02). */
export const dcganInit = { kind: 'normal', mean: 0, std: 0.02 } as const;

/**
 * true: training (batch statistics); false: inference (running averages); 'calibrate': batch
 * statistics that also become the running averages exactly, so later inference passes normalise
 * every batch as this one was (the preview renders a large grid in several passes this way).
 */
export type ForwardMode = boolean | 'calibrate';
export type Forward = (x: tf.Tensor, training: boolean) => tf.Tensor;
/** A layer that also takes 'calibrate' (batch normalisation, and the generator built from it). */
export type ModeForward = (x: tf.Tensor, training: ForwardMode) => tf.Tensor;

export function makeDense(store: ParamStore, name: string, inUnits: number, outUnits: number, useBias = true): Forward {
  const w = store.create(`${name}/kernel`, [inUnits, outUnits], dcganInit);
  const b = useBias ? store.create(`${name}/bias`, [outUnits], { kind: 'constant', value: 0 }) : null;
  return (x) => {
    const y = tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
    return b ? tf.add(y, b) : y;
  };
}

export function makeConv2d(
  store: ParamStore,
  name: string,
  kernel: number,
  inChannels: number,
  outChannels: number,
  stride: number,
  useBias = true,
): Forward {
  const w = store.create(`${name}/kernel`, [kernel, kernel, inChannels, outChannels], dcganInit);
  const b = useBias ? store.create(`${name}/bias`, [outChannels], { kind: 'constant', value: 0 }) : null;
  return (x) => {
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'same');
    return b ? tf.add(y, b) : y;
  };
}

/** Fractionally-strided convolution doubling H and W ('same' padding, stride 2). */
export function makeConv2dTranspose(
  store: ParamStore,
  name: string,
  kernel: number,
  inChannels: number,
  outChannels: number,
  useBias = true,
): Forward {
  // tfjs stores transposed-conv filters as [k, k, out, in].
  const w = store.create(`${name}/kernel`, [kernel, kernel, outChannels, inChannels], dcganInit);
  const b = useBias ? store.create(`${name}/bias`, [outChannels], { kind: 'constant', value: 0 }) : null;
  return (x) => {
    const [n, h, wd] = x.shape as [number, number, number, number];
    const y = tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [n, h * 2, wd * 2, outChannels], 2, 'same');
    return b ? tf.add(y, b) : y;
  };
}

/**
 * Batch normalisation over all axes but the last. Training uses batch statistics and updates the
 * running averages (outside the gradient tape); inference uses the running averages.
 */
export function makeBatchNorm(store: ParamStore, name: string, channels: number, momentum = 0.9, epsilon = 1e-5): ModeForward {
  const gamma = store.create(`${name}/gamma`, [channels], { kind: 'normal', mean: 1, std: 0.02 });
  const beta = store.create(`${name}/beta`, [channels], { kind: 'constant', value: 0 });
  const runningMean = store.create(`${name}/moving_mean`, [channels], { kind: 'constant', value: 0 }, false);
  const runningVar = store.create(`${name}/moving_variance`, [channels], { kind: 'constant', value: 1 }, false);
  return (x, training) => {
    if (!training) return tf.batchNorm(x, runningMean, runningVar, beta, gamma, epsilon);
    if (training === true && tf.engine().state.gradientDepth > 1) return nestedTrainingBatchNorm(x, gamma, beta, epsilon);
    const fused = training === true ? fusedOps() : null;
    if (fused) return fusedTrainingBatchNorm(fused, x, { gamma, beta, runningMean, runningVar }, momentum, epsilon);
    if (batchNormSynced()) throw new Error('Data-parallel training needs the fused batch norm (GAN_STUDIO_FUSED=0 turns it off: unset it)');
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    if (training === 'calibrate') {
      runningMean.assign(mean);
      runningVar.assign(variance);
      return tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
    }
    updateMovingAverage(runningMean, mean, momentum);
    updateMovingAverage(runningVar, variance, momentum);
    return trainingBatchNorm(x, mean, variance, gamma, beta, axes, epsilon);
  };
}

/**
 * Batch norm inside a gradient of a gradient (R1's slope of D at the real images, which the
 * critic's update then differentiates): tf.moments and broadcasting elementwise ops, whose
 * gradients are ops, so the second gradient is exact, through the batch statistics too (the fused
 * form and trainingBatchNorm below write their first gradient out and are not differentiated again
 * correctly). Not tf.batchNorm: its gradient tiles each channel's factor over every pixel of the
 * batch, and the gradient of that tile is one slice per pixel (16,384 kernels per layer at 64
 * images of 16×16), which made R1's steps about 5× slower. Over this replica's rows only (a
 * data-parallel step does not exchange statistics here, as multi-device training without
 * synchronised batch norm does), and the running averages are left alone: these are images the
 * step has already counted.
 */
function nestedTrainingBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, x.shape.slice(0, -1).map((_, i) => i));
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

/**
 * Batch norm over the batch's own statistics with its gradient written out (Ioffe & Szegedy,
 * eq. in §3): with x̂ = (x − μ)·r, r = 1/√(σ² + ε) and n values per channel,
 *
 *   ∂L/∂γ = Σ dy·x̂,  ∂L/∂β = Σ dy,  ∂L/∂x = γ·r·(dy − ∂L/∂β / n − x̂ · ∂L/∂γ / n)
 *
 * — 2 reductions and a few elementwise ops, where differentiating tf.moments and tf.batchNorm op
 * by op costs about thirty kernels (tiles, broadcasts and divisions) per layer. First order only:
 * a second gradient through it would miss the batch statistics' part (R1 uses
 * nestedTrainingBatchNorm instead; WGAN-GP's critic may not use batch norm at all), and μ, σ² arrive
 * as constants (their gradient is folded into ∂L/∂x).
 */
export function trainingBatchNorm(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, axes: number[], epsilon: number): tf.Tensor {
  const n = x.size / gamma.size;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(input, mean), rstd);
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedXhat, savedRstd, savedGamma] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, savedXhat), axes);
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(savedXhat, tf.div(dGamma, n)));
        return [tf.mul(centred, tf.mul(savedGamma, savedRstd)), dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta);
}

/**
 * Spectral normalisation (Miyato et al. 2018): divides a weight by its largest singular value,
 * estimated with one power-iteration step per training forward pass. u and v are non-trainable
 * state, so σ = v·W·uᵀ is differentiated through W only, with u and v held constant, as in the
 * paper (tfjs has no stop-gradient; reading a variable is not on the gradient tape).
 */
export function makeSpectralNorm(store: ParamStore, name: string, weight: tf.Variable): (training: boolean) => tf.Tensor {
  const outDim = weight.shape[weight.shape.length - 1]!;
  const inDim = weight.size / outDim;
  const u = store.create(`${name}/sn_u`, [1, outDim], { kind: 'normal', mean: 0, std: 1 }, false);
  const v = store.create(`${name}/sn_v`, [1, inDim], { kind: 'constant', value: 0 }, false);
  const l2normalize = (t: tf.Tensor) => tf.div(t, tf.add(tf.norm(t), 1e-12));
  const powerIteration = () =>
    tf.tidy(() => {
      const w = tf.reshape(weight, [inDim, outDim]) as tf.Tensor2D;
      const nextV = l2normalize(tf.matMul(u, w, false, true)) as tf.Tensor2D;
      v.assign(nextV);
      u.assign(l2normalize(tf.matMul(nextV, w)) as tf.Tensor2D);
    });
  powerIteration(); // v starts consistent with u, so inference before any training step is sane.
  return (training) => {
    if (training) powerIteration();
    const sigma = tf.sum(tf.mul(tf.matMul(v, tf.reshape(weight, [inDim, outDim]) as tf.Tensor2D), u));
    return tf.div(weight, sigma);
  };
}
