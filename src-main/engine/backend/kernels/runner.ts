/**
 * Composes backend kernels directly, below the engine. Custom kernels are built from other kernels
 * this way so that their intermediates are never engine tensors: nothing lands on the gradient tape
 * (the engine tapes the custom kernel as one node and uses tfjs' registered gradient for it), and
 * nothing is tracked by tidy scopes, so every intermediate must be released explicitly.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { uploadToHeap } from '../wasm-kernels';

export type TrainingBackendName = 'wasm' | 'cpu' | 'webgpu';
export type Pads2D = { top: number; bottom: number; left: number; right: number };
export type NumericArray = Float32Array | Int32Array | Uint8Array;
export type NumericDType = 'float32' | 'int32' | 'bool';

/**
 * The kernels that were registered before ours replaced them, per backend. Kept so a custom kernel
 * can fall back to the stock one for cases it does not handle, and so the stock set can be restored.
 * Process-global like tfjs' registry itself, so every copy of this module sees the same entries.
 */
export function processGlobal<T>(name: string, make: () => T): T {
  const slot = globalThis as unknown as Record<symbol, T | undefined>;
  const sym = Symbol.for(`gan-studio.${name}`);
  return (slot[sym] ??= make());
}

const stockKernels = processGlobal('stock-kernels', () => new Map<string, tf.KernelConfig>());

const key = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

/**
 * Marks our configs in tfjs' (process-global) registry, so that a second copy of this module (a
 * re-import, a bundle beside a test) never takes one of ours for a stock kernel and recurses.
 */
const OURS = Symbol.for('gan-studio.training-kernel');

export function markOurs(config: tf.KernelConfig): tf.KernelConfig {
  return Object.assign(config, { [OURS]: true });
}

const isOurs = (config: tf.KernelConfig | undefined) => config != null && OURS in config;

export function rememberStock(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  const k = key(kernelName, backendName);
  if (!stockKernels.has(k)) {
    const existing = tf.getKernel(kernelName, backendName);
    if (existing && !isOurs(existing)) stockKernels.set(k, existing);
  }
  return stockKernels.get(k);
}

export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  const current = tf.getKernel(kernelName, backendName);
  return stockKernels.get(key(kernelName, backendName)) ?? (isOurs(current) ? undefined : current);
}

export function forgetStock(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  const k = key(kernelName, backendName);
  const config = stockKernels.get(k);
  stockKernels.delete(k);
  return config;
}

export type KernelArgs = { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap };

export function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`Missing kernel input '${name}'`);
  return t;
}

/**
 * One kernel invocation's worth of backend calls. Everything created through it is owned by the
 * runner until `release` hands the result out; `disposeAll` frees the rest (also on exceptions).
 */
export class KernelRunner {
  private readonly owned: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    // Prefer the currently registered kernel (it may be one of ours, e.g. a faster cpu conv).
    const config = tf.getKernel(kernelName, this.backendName) ?? stockKernel(kernelName, this.backendName);
    if (!config) throw new Error(`Kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    return this.own(config.kernelFunc({ inputs, backend: this.backend, attrs }));
  }

  runStock(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const config = stockKernel(kernelName, this.backendName);
    if (!config) throw new Error(`No stock '${kernelName}' kernel for backend '${this.backendName}'`);
    return this.own(config.kernelFunc({ inputs, backend: this.backend, attrs }));
  }

  /** Takes ownership of `out`, a result the backend made outside `run` (e.g. a shader program's). */
  own(out: TensorInfo | TensorInfo[]): TensorInfo {
    if (Array.isArray(out)) throw new Error('Multi-output kernels are not supported by KernelRunner');
    this.owned.push(out);
    return out;
  }

  /** A new tensor holding `values` (which the backend may keep: do not reuse them). */
  fromValues(shape: number[], values: NumericArray, dtype: NumericDType = 'float32'): TensorInfo {
    const b = this.backend as unknown as {
      makeTensorInfo?: (shape: number[], dtype: NumericDType, values: NumericArray) => TensorInfo;
      makeOutput?: (shape: number[], dtype: NumericDType, memoryOffset?: number, values?: NumericArray) => TensorInfo;
    };
    // cpu has makeTensorInfo (its makeOutput makes engine tensors); wasm only makeOutput, whose copy
    // of the values would land at the heap's start when the heap cannot grow: uploadToHeap refuses
    // that with an error that says what to do.
    if (b.makeTensorInfo) return this.own(b.makeTensorInfo(shape, dtype, values));
    if (b.makeOutput) return this.own(uploadToHeap(this.backend, shape, values, dtype));
    throw new Error(`Backend '${this.backendName}' cannot create tensors from values`);
  }

  /** A copy (wasm) or the backing array (cpu) of `x`'s values: read it, never write it. */
  read(x: TensorInfo): NumericArray {
    const values = this.backend.readSync(x.dataId);
    if (!(values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array)) {
      throw new Error(`Expected numeric data, got ${x.dtype}`);
    }
    return values;
  }

  /** A reshape that shares data; it is not owned, so it must not outlive `of`. */
  view(of: TensorInfo, shape: number[]): TensorInfo {
    if (tf.util.sizeFromShape(shape) !== tf.util.sizeFromShape(of.shape)) {
      throw new Error(`Cannot view [${of.shape}] as [${shape}]`);
    }
    return { dataId: of.dataId, shape, dtype: of.dtype };
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  stridedSlice(x: TensorInfo, begin: number[], end: number[], strides: number[]): TensorInfo {
    return this.run(
      'StridedSlice',
      { x },
      { begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
    );
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  concat(xs: TensorInfo[], axis: number): TensorInfo {
    return this.run('Concat', xs as unknown as NamedTensorInfoMap, { axis });
  }

  /** Stride-1 NHWC convolution with explicit non-negative padding and optional dilation. */
  conv2d(x: TensorInfo, filter: TensorInfo, pads: Pads2D, dilations: [number, number] = [1, 1]): TensorInfo {
    const pad = [
      [0, 0],
      [pads.top, pads.bottom],
      [pads.left, pads.right],
      [0, 0],
    ];
    return this.run('Conv2D', { x, filter }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations, dimRoundingMode: null } as unknown as NamedAttrMap);
  }

  /** Frees `t` now if the runner owns it (intermediates can be large: free them early). */
  free(t: TensorInfo): void {
    const i = this.owned.indexOf(t);
    if (i < 0) return;
    this.owned.splice(i, 1);
    this.backend.disposeData(t.dataId);
  }

  /** Hands `t` (an owned result or a view of one) to the caller and frees everything else. */
  release(t: TensorInfo): TensorInfo {
    const i = this.owned.findIndex((o) => o.dataId === t.dataId);
    if (i < 0) throw new Error('KernelRunner.release: result is not owned by this runner');
    this.owned.splice(i, 1);
    this.disposeAll();
    return t;
  }

  disposeAll(): void {
    for (const t of this.owned.splice(0)) this.backend.disposeData(t.dataId);
  }
}

/** Runs `body` with a fresh runner, guaranteeing intermediates are freed even when it throws. */
export function withRunner(args: KernelArgs, backendName: string, body: (r: KernelRunner) => TensorInfo): TensorInfo {
  const runner = new KernelRunner(args.backend, backendName);
  try {
    return runner.release(body(runner));
  } finally {
    runner.disposeAll();
  }
}
