/** The fused operations as the engine's webgpu programs (kernels/webgpu/). */
import type { KernelBackend } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { FusedOps } from '.';
import { webgpuAdamStep } from '../kernels/webgpu/adam';
import { webgpuGradSums, webgpuInputGrad, webgpuMoments, webgpuNormalize } from '../kernels/webgpu/batch-norm';
import { webgpuLeakyRelu } from '../kernels/webgpu/leaky-relu';
import { webgpuMovingAverage } from '../kernels/webgpu/moving-average';

export function webgpuFusedOps(kernelBackend: KernelBackend): FusedOps {
  const backend = kernelBackend as unknown as WebGPUBackend;
  return {
    moments: (x) => webgpuMoments(backend, x),
    normalize: (x, stats, gamma, beta, epsilon) => webgpuNormalize(backend, x, stats, gamma, beta, epsilon),
    gradSums: (dy, x, stats, epsilon) => webgpuGradSums(backend, dy, x, stats, epsilon),
    inputGrad: (dy, x, stats, gamma, dBeta, dGamma, epsilon) => webgpuInputGrad(backend, dy, x, stats, gamma, dBeta, dGamma, epsilon),
    leakyRelu: (x, alpha, output) => webgpuLeakyRelu(backend, x, alpha, output),
    movingAverage: (target, source, keep, offset) => webgpuMovingAverage(backend, target, source, keep, offset),
    adam: (t, h) => webgpuAdamStep(backend, t, h),
  };
}
