/**
 * Kernel overrides that make conv-GAN training work (wasm) and finish in reasonable time (wasm,
 * cpu). Register them once the backend package is imported; registration is per backend name and
 * takes effect for kernels run afterwards, whether or not the backend is active yet.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv2d_backprop_filter';
import { conv2dBackpropInputConfig } from './conv2d_backprop_input';
import { batchMatMulConfig, fusedMatMulConfig } from './batch_matmul';
import { tileConfig } from './tile';
import { identityConfig } from './identity';
import { depthwiseConfigs } from './depthwise';
import { cpuConvConfigs } from './cpu/conv';
import { cpuBatchMatMulConfig } from './cpu/matmul';
import { cpuElementwiseConfigs } from './cpu/elementwise';
import { cpuResizeNearestNeighborGradConfig } from './cpu/resize';
import { forgetStock, markOurs, processGlobal, rememberStock, stockKernel, type TrainingBackendName } from './runner';
import { ortKernelConfig } from '../ort/ort-kernels';
import { webgpuConvBackpropConfigs } from './webgpu/conv-backprop';

export type { TrainingBackendName } from './runner';

/** `${backend}/${kernel}` of every kernel currently replaced by ours. */
const active = processGlobal('active-kernels', () => new Set<string>());

function configsFor(backendName: TrainingBackendName): KernelConfig[] {
  // webgpu: its own kernels are complete; only the convolution backprops are slow (see the file).
  if (backendName === 'webgpu') return webgpuConvBackpropConfigs();
  if (backendName === 'wasm') {
    // The convolutions go to ONNX Runtime's native GEMMs when it is loaded (../ort), else to these.
    return [
      ortKernelConfig(stockConfig(tf.Conv2D, backendName)),
      ortKernelConfig(stockConfig(tf.FusedConv2D, backendName)),
      ortKernelConfig(stockConfig(tf.Sum, backendName)),
      ortKernelConfig(stockConfig(tf.Mean, backendName)),
      ortKernelConfig(conv2dBackpropFilterConfig(backendName)),
      ortKernelConfig(conv2dBackpropInputConfig(backendName)),
      ortKernelConfig(batchMatMulConfig(backendName)),
      ortKernelConfig(fusedMatMulConfig(backendName)),
      tileConfig(backendName),
      ...depthwiseConfigs(backendName),
      identityConfig(backendName),
    ];
  }
  // cpu: every convolution and matmul moves onto one JS sgemm; broadcasting and reductions get
  // flat loops.
  return [
    ...cpuConvConfigs(),
    cpuBatchMatMulConfig(),
    tileConfig(backendName),
    ...depthwiseConfigs(backendName),
    ...cpuElementwiseConfigs(),
    // Not speed: tfjs-cpu's own kernel is wrong for batch > 1.
    cpuResizeNearestNeighborGradConfig(),
  ];
}

/** The backend's own kernel, looked up when called: the fallback behind ONNX Runtime's. */
function stockConfig(kernelName: string, backendName: TrainingBackendName): KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const stock = stockKernel(kernelName, backendName);
      if (!stock) throw new Error(`No stock ${kernelName} kernel for backend '${backendName}'`);
      return stock.kernelFunc(args);
    },
  };
}

/** Whether the engine has kernels of its own for `name` (wasm, cpu, webgpu; not tensorflow). */
export function hasTrainingKernels(name: string): name is TrainingBackendName {
  return name === 'wasm' || name === 'cpu' || name === 'webgpu';
}

/** Names of the kernels `registerTrainingKernels` replaces or adds for `backendName`. */
export function trainingKernelNames(backendName: TrainingBackendName): string[] {
  return configsFor(backendName).map((c) => c.kernelName);
}

export type RegisterOptions = {
  /** Register only these kernel names (benchmarks isolate one kernel this way). */
  only?: readonly string[];
};

/**
 * Registers the training kernels for `backendName`, replacing what is registered under those
 * names (the stock kernels are remembered for fallbacks and for `restoreStockKernels`). Calling it
 * again is harmless. Returns the kernel names registered.
 */
export function registerTrainingKernels(backendName: TrainingBackendName, options: RegisterOptions = {}): string[] {
  const names: string[] = [];
  for (const config of configsFor(backendName)) {
    if (options.only && !options.only.includes(config.kernelName)) continue;
    const stock = rememberStock(config.kernelName, backendName);
    if (tf.getKernel(config.kernelName, backendName)) tf.unregisterKernel(config.kernelName, backendName);
    // The engine runs setupFuncs of the kernels registered when a backend initialises; wasm's
    // kernels bind their C++ entry points there. Ours call the stock kernel as a fallback, so
    // they carry its setup along (registering before tf.setBackend('wasm') would otherwise leave
    // e.g. the stock BatchMatMul unbound: "wasmBatchMatMul is not a function").
    tf.registerKernel(markOurs({ ...config, setupFunc: stock?.setupFunc, disposeFunc: stock?.disposeFunc }));
    active.add(`${backendName}/${config.kernelName}`);
    names.push(config.kernelName);
  }
  return names;
}

/** Puts back the kernels that were registered before `registerTrainingKernels` (benchmarks, tests). */
export function restoreStockKernels(backendName: TrainingBackendName): void {
  for (const name of trainingKernelNames(backendName)) {
    if (!active.delete(`${backendName}/${name}`)) continue;
    const stock = forgetStock(name, backendName);
    if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName);
    if (stock) tf.registerKernel(stock);
  }
}
