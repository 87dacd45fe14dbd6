/**
 * ONNX Runtime's CPU kernels (MLAS: native AVX2/AVX-512/NEON GEMMs on every core) for the wasm
 * backend's convolutions and matmuls. WebAssembly SIMD is 128 bits wide without fused multiply-add,
 * so XNNPACK in wasm tops out near a fifth of the CPU's float32 peak; `onnxruntime-node` ships
 * prebuilt libraries inside its npm package (Linux x64/arm64, Windows x64/arm64, macOS arm64 in
 * 1.31; nothing is downloaded). The engine builds a few tiny graphs with symbolic dimensions (one
 * Gemm per transpose/bias/activation/thread variant, whatever the shapes: every session owns a
 * thread pool) and runs them synchronously, because tfjs kernels are synchronous.
 *
 * The synchronous path is the binding's own: `onnxruntime-node/dist/binding` loads a model and runs
 * it without a Promise when no JS callback is registered (the public API wraps that in promises).
 * `probeOrt` checks both on a 2×2 product before anything relies on them; the package version is
 * pinned in package.json. Inputs and outputs are Float32Arrays owned by the engine; ONNX Runtime
 * writes the result into the one passed in. (Its binding also returns the result as a new tensor,
 * which it copies into V8 memory inside Electron: the memory cage forbids the external buffer it
 * uses in Node. That path is not exercised on this machine, where Electron cannot be downloaded.)
 */
import { createRequire } from 'node:module';
import { OnnxGraph, type Dim } from './onnx-graph';

const nodeRequire = createRequire(import.meta.url);

interface OrtTensor {
  readonly data: Float32Array;
}
type TensorCtor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
interface NativeSession {
  readonly inputMetadata: unknown[];
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): Promise<void>;
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, OrtTensor>, options: object): Record<string, OrtTensor>;
  dispose(): void;
}
interface BindingModule {
  binding: { InferenceSession: new () => NativeSession };
  initOrt: () => void;
}

interface Ort {
  version: string;
  threads: number;
  Tensor: TensorCtor;
  Session: new () => NativeSession;
}

export interface OrtStatus {
  /** onnxruntime-node's version when its kernels are in use; null when they are not. */
  version: string | null;
  /** Why they are not in use (not installed, failed its self-test, turned off). */
  reason: string | null;
  threads: number;
}

const GLOBAL = Symbol.for('gan-studio.ort');
type Slot = { ort: Ort | null; status: OrtStatus };
const slot = globalThis as unknown as Record<symbol, Slot | undefined>;

/** A tensor handed to a graph: values and the sizes of this call's dimensions. */
export interface Feed {
  data: Float32Array;
  dims: readonly number[];
}

/** A compiled graph; its symbolic dimensions take each call's sizes. */
export class OrtGraph {
  constructor(
    private readonly ort: Ort,
    private readonly session: NativeSession,
    private readonly inputs: readonly string[],
    private readonly outputName: string,
  ) {}

  /** Runs the graph on `feeds` (one per input, in order) and writes the result into `out`. */
  run(feeds: readonly Feed[], out: Feed): void {
    const tensors: Record<string, OrtTensor> = {};
    this.inputs.forEach((name, i) => (tensors[name] = new this.ort.Tensor('float32', feeds[i]!.data, feeds[i]!.dims)));
    this.session.run(tensors, { [this.outputName]: new this.ort.Tensor('float32', out.data, out.dims) }, {});
  }

  dispose(): void {
    this.session.dispose();
  }
}

export interface GraphSpec {
  graph: OnnxGraph;
  /** Input names, in the order `run` takes its feeds. */
  inputs: string[];
  output: string;
}

function sessionOptions(threads: number): object {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    // Between kernels the wasm side computes: idle ONNX Runtime threads must sleep, not spin.
    extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } },
  };
}

/** Compiles `spec` synchronously (see the file comment). */
export function compileGraph(ort: Ort, spec: GraphSpec, threads = ort.threads): OrtGraph {
  const session = new ort.Session();
  const bytes = spec.graph.toBytes();
  // The native load has finished (or failed) when loadModel returns; its promise only reports it.
  let failure: unknown = null;
  session.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, sessionOptions(Math.min(threads, ort.threads))).catch((err: unknown) => (failure = err));
  try {
    void session.inputMetadata; // throws when the model did not load
  } catch (err) {
    session.dispose();
    throw new Error(`ONNX Runtime could not compile a graph: ${err instanceof Error ? err.message : String(failure ?? err)}`);
  }
  return new OrtGraph(ort, session, spec.inputs, spec.output);
}

/**
 * Loads onnxruntime-node for `threads` threads and checks the synchronous path on a 2×2 product.
 * Once per process; later calls return the first answer. `GAN_STUDIO_ORT=0` turns it off.
 */
export function loadOrt(threads: number): OrtStatus {
  const existing = slot[GLOBAL];
  if (existing) return existing.status;
  const off = (reason: string): OrtStatus => {
    slot[GLOBAL] = { ort: null, status: { version: null, reason, threads } };
    return slot[GLOBAL]!.status;
  };
  if (process.env.GAN_STUDIO_ORT === '0') return off('turned off by GAN_STUDIO_ORT=0');
  let ort: Ort;
  try {
    const mod = nodeRequire('onnxruntime-node/dist/binding') as BindingModule;
    const { Tensor } = nodeRequire('onnxruntime-node') as { Tensor: TensorCtor };
    const version = (nodeRequire('onnxruntime-node/package.json') as { version: string }).version;
    mod.initOrt();
    ort = { version, threads, Tensor, Session: mod.binding.InferenceSession };
  } catch (err) {
    const text = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    if (/Cannot find module .*onnxruntime_binding/.test(text)) {
      return off(`onnxruntime-node has no native library for ${process.platform}/${process.arch}; the wasm kernels do all the work`);
    }
    if (/Cannot find module/.test(text)) return off('onnxruntime-node is not installed (an optional dependency: run npm install again to get it)');
    return off(`onnxruntime-node failed to load: ${text}`);
  }
  try {
    const graph = compileGraph(ort, probeSpec());
    const out = new Float32Array(4);
    graph.run(
      [
        { data: Float32Array.of(1, 2, 3, 4), dims: [2, 2] },
        { data: Float32Array.of(5, 6, 7, 8), dims: [2, 2] },
      ],
      { data: out, dims: [2, 2] },
    );
    graph.dispose();
    if (out.join() !== '19,22,43,50') return off(`onnxruntime-node's self-test computed [${out.join(', ')}], expected [19, 22, 43, 50]`);
  } catch (err) {
    return off(`onnxruntime-node failed its self-test: ${err instanceof Error ? err.message : String(err)}`);
  }
  slot[GLOBAL] = { ort, status: { version: ort.version, reason: null, threads } };
  return slot[GLOBAL]!.status;
}

function probeSpec(): GraphSpec {
  const g = new OnnxGraph();
  const dims: Dim[] = ['n', 'n'];
  const a = g.input('a', dims);
  const b = g.input('b', dims);
  g.output(g.op('MatMul', [a, b], {}, 'c'), dims);
  return { graph: g, inputs: ['a', 'b'], output: 'c' };
}

let setAside = 0;

/** The most threads a product may take now (withOrtThreadCap), below the runtime's own count. */
let threadCap = Number.POSITIVE_INFINITY;

/** The threads a product may use now: the runtime's count, or fewer inside withOrtThreadCap. */
export function ortThreadsNow(): number {
  return Math.max(1, Math.min(activeOrt()?.threads ?? 1, threadCap));
}

/**
 * Runs `f` with every product on at most `threads` threads. A data-parallel replica's training step
 * takes one core while the other replicas take the others; between steps (sample grids,
 * evaluation) the same thread's products use every core again. Calls must not overlap: the cap is
 * the thread's, and a step and an evaluation take turns on it.
 */
export async function withOrtThreadCap<T>(threads: number, f: () => Promise<T>): Promise<T> {
  const before = threadCap;
  threadCap = threads;
  try {
    return await f();
  } finally {
    threadCap = before;
  }
}

/** Runs `f` with ONNX Runtime set aside, on the wasm kernels alone (tests and benchmarks compare). */
export function withoutOrt<T>(f: () => T): T {
  setAside++;
  try {
    return f();
  } finally {
    setAside--;
  }
}

/** The loaded runtime, or null when loadOrt has not succeeded (or it is set aside). */
export function activeOrt(): Ort | null {
  return setAside > 0 ? null : (slot[GLOBAL]?.ort ?? null);
}

export function ortStatus(): OrtStatus | null {
  return slot[GLOBAL]?.status ?? null;
}
