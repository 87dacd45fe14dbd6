/**
 * The engine's WebAssembly kernels (./kernels.wat), instantiated once per wasm backend on the
 * backend's own memory, so that they read and write its tensors in place. They run on the calling
 * thread, as tfjs' elementwise kernels do. Used by the fused operations (../fused/wasm.ts) and by
 * the data movement around ONNX Runtime's GEMMs (../ort).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { KERNELS_WASM, KERNELS_WASM_SHARED_MEMORY } from './kernels.generated';

/** The exports of kernels.wat: byte offsets into the heap, element counts, scalars. */
export interface WasmKernels {
  adam(w: number, m: number, v: number, g: number, ow: number, om: number, ov: number, n: number, b1: number, c1: number, b2: number, c2: number, a1: number, a2: number, eps: number, negLr: number): void;
  moving_average(t: number, s: number, out: number, n: number, keep: number, take: number): void;
  leaky_value(x: number, y: number, n: number, alpha: number): void;
  leaky_slope(x: number, y: number, n: number, alpha: number): void;
  bn_moments(x: number, rows: number, channels: number, acc: number, stats: number): void;
  bn_normalize(x: number, y: number, rows: number, channels: number, mean: number, r: number, gamma: number, beta: number): void;
  bn_grad_sums(dy: number, x: number, rows: number, channels: number, mean: number, r: number, acc: number): void;
  bn_input_grad(dy: number, x: number, dx: number, rows: number, channels: number, mean: number, r: number, meanDy: number, meanDyXhat: number, scale: number): void;
  im2col(x: number, cols: number, n: number, h: number, w: number, c: number, kH: number, kW: number, sH: number, sW: number, top: number, left: number, outH: number, outW: number): void;
  scatter_phase(src: number, dst: number, n: number, h: number, w: number, c: number, rows: number, cols: number, y0: number, x0: number, sH: number, sW: number): void;
  col2im_add(cols: number, dx: number, n: number, h: number, w: number, c: number, kH: number, kW: number, sH: number, sW: number, top: number, left: number, outH: number, outW: number): void;
}

// Node's global WebAssembly, typed here: the engine's tsconfig has no DOM lib.
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
const { WebAssembly: Wasm } = globalThis as unknown as {
  WebAssembly: {
    Memory: abstract new (...args: never[]) => WasmMemory;
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: object) => { exports: unknown };
  };
};

/** What tfjs-backend-wasm's backend object exposes of its Emscripten module. */
interface EmscriptenBackend {
  wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } };
}

/** The backend's heap: the threaded build keeps it as wasmMemory, the single-thread one exports it. */
function memoryOf(backend: EmscriptenBackend): WasmMemory | null {
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  return memory instanceof Wasm.Memory ? memory : null;
}

const instances = new WeakMap<object, WasmKernels | null>();

/** The kernels on `backend`'s heap; null when this build of tfjs does not expose its memory. */
export function wasmKernels(backend: KernelBackend): WasmKernels | null {
  if (instances.has(backend)) return instances.get(backend)!;
  const memory = memoryOf(backend as unknown as EmscriptenBackend);
  let kernels: WasmKernels | null = null;
  if (memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? KERNELS_WASM_SHARED_MEMORY : KERNELS_WASM, 'base64');
    kernels = new Wasm.Instance(new Wasm.Module(bytes), { env: { memory } }).exports as WasmKernels;
  }
  instances.set(backend, kernels);
  return kernels;
}

interface HeapAllocator {
  makeOutput(shape: number[], dtype: HeapDType): TensorInfo;
  disposeData(dataId: object): boolean;
  /** tfjs-backend-wasm's record of each tensor: where its bytes start in the heap. */
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

type HeapDType = 'float32' | 'int32' | 'bool';

/**
 * A new tensor on the wasm heap (float32 unless `dtype` says otherwise) for these kernels or the
 * engine's JavaScript kernels to write, or a clear error. tfjs-wasm 4.22's malloc returns 0 when the
 * heap cannot grow (its limit is 4 GiB) and the tensor then starts at byte 0, or, asked for nearly
 * 4 GiB, a small chunk it had free: writing there would overwrite the heap. (tfjs' own kernels
 * would throw on a view of that size; ours take offsets, and tfjs' makeOutput with values copies
 * them there.)
 */
export function allocateOnHeap(backend: KernelBackend, shape: number[], dtype: HeapDType = 'float32'): TensorInfo {
  const heap = backend as unknown as HeapAllocator;
  const bytes = shape.reduce((a, b) => a * b, 1) * (dtype === 'bool' ? 1 : 4);
  const full = () => new Error(`The WebAssembly heap could not grow by ${Math.ceil(bytes / 2 ** 20)} MiB more (tfjs-wasm's heap stops at 4 GiB): lower the batch size or the model's widths.`);
  // 4 GiB or more would wrap around in malloc's 32-bit size.
  if (bytes >= 2 ** 32) throw full();
  const t = heap.makeOutput(shape, dtype);
  // Both failures seen: 0, and, for requests near 4 GiB, a small chunk from the free list (malloc's
  // size arithmetic wraps). A real allocation lies inside the (possibly grown) memory.
  const offset = heap.dataIdMap.get(t.dataId)?.memoryOffset ?? 0;
  const memory = memoryOf(backend as unknown as EmscriptenBackend);
  if (bytes > 0 && (offset === 0 || (memory !== null && offset + bytes > memory.buffer.byteLength))) {
    heap.disposeData(t.dataId);
    throw full();
  }
  return t;
}

/** What tfjs-backend-wasm's backend object exposes of its tensors' bytes: a view of the heap. */
interface HeapViews {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  /** Its tensors' records; has() does not move data from another backend, as get() would. */
  dataIdMap: { has(dataId: object): boolean };
}

const hasHeapViews = (backend: KernelBackend): boolean =>
  memoryOf(backend as unknown as EmscriptenBackend) !== null && typeof (backend as unknown as Partial<HeapViews>).typedArrayFromHeap === 'function';

/**
 * A float32 tensor's values: on a wasm backend a view of its bytes on the heap (no copy; read it
 * before the next kernel, which may grow the heap and detach it), elsewhere dataSync's copy.
 */
export function floatsOf(t: Tensor): Float32Array {
  const backend = tf.backend();
  // Only a tensor already on this heap: moving one here would allocate, and could grow the heap
  // under the view being made.
  const views = backend as unknown as HeapViews;
  if (t.dtype === 'float32' && hasHeapViews(backend) && views.dataIdMap.has(t.dataId)) return views.typedArrayFromHeap(t);
  return t.dataSync() as Float32Array;
}

/** Whether a tensor made from an array copies it at once (tfjs-wasm: into its heap) rather than keeping it (cpu, webgpu). */
export function copiesOnUpload(backend: KernelBackend): boolean {
  return hasHeapViews(backend);
}

const ARRAY_OF = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

/**
 * A new tensor on the wasm heap holding `values` (allocateOnHeap, then a copy). The values must be
 * of the tensor's array type: set() would convert them (1.7 → 1 into int32) where tfjs copied bytes.
 */
export function uploadToHeap(backend: KernelBackend, shape: number[], values: ArrayLike<number>, dtype: HeapDType = 'float32'): TensorInfo {
  const expected = ARRAY_OF[dtype];
  if (!(values instanceof expected)) throw new Error(`${dtype} values must be a ${expected.name}`);
  const out = allocateOnHeap(backend, shape, dtype);
  (backend as unknown as { typedArrayFromHeap(t: TensorInfo): { set(v: ArrayLike<number>): void } }).typedArrayFromHeap(out).set(values);
  return out;
}

/** Allocates `shapes` in turn with allocateOnHeap; frees the ones already made if one fails. */
export function allocateAllOnHeap(backend: KernelBackend, shapes: number[][]): TensorInfo[] {
  const made: TensorInfo[] = [];
  try {
    for (const shape of shapes) made.push(allocateOnHeap(backend, shape));
    return made;
  } catch (error) {
    for (const t of made) (backend as unknown as HeapAllocator).disposeData(t.dataId);
    throw error;
  }
}
