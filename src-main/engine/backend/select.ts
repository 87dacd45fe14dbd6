/**
 * Chooses the tfjs backend: tensorflow with CUDA (tfjs-node-gpu) → webgpu on a hardware adapter →
 * tensorflow on the CPU (tfjs-node) → wasm (SIMD, on N threads) → cpu, and records why each better
 * one was not used so the app can say it in words.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendPreference, BackendReport } from '../../api/schemas';
import { installThreadedWasm, type ThreadedWasmOptions, type ThreadedWasmStatus } from './wasm-threads';
import { defaultThreads } from './threads';
import { loadOrt, ortStatus, type OrtStatus } from './ort/ort-runtime';
import { adapterLabel, webgpuCandidate } from './webgpu';

type Attempt = BackendReport['attempts'][number];

export interface BackendCandidate {
  name: BackendName;
  provider: string;
  /** Loads the provider so that it registers its backend with tfjs-core. */
  load: () => Promise<unknown>;
  /** The CPU threads it computes with once initialised, and why fewer than asked (if so). Absent:
   *  the backend manages its own threads (TensorFlow). */
  threads?: () => { threads: number; fallback: string | null };
}

const cpuCandidate: BackendCandidate = {
  name: 'cpu',
  provider: '@tensorflow/tfjs-backend-cpu',
  load: () => import('@tensorflow/tfjs-backend-cpu'),
  threads: () => ({ threads: 1, fallback: null }),
};

/**
 * wasm with ONNX Runtime's native kernels (./ort) when onnxruntime-node loads: the convolutions,
 * matmuls and batch statistics then run on ONNX Runtime's threads, and wasm keeps the light ops in
 * its stock single-thread build (its own pool would only add synchronisation to them, and its shared
 * heap a copy per native call; measured: 108–114 against 123–132 ms per DCGAN-28 step). Without
 * ONNX Runtime: tfjs-backend-wasm's threaded SIMD build with `threads` threads (wasm-threads.ts), or
 * its stock single-thread build with the reason when the threaded one cannot start.
 */
export function wasmCandidate(options: ThreadedWasmOptions & { ortThreads?: number }): BackendCandidate {
  let status: ThreadedWasmStatus | null = null;
  let native: OrtStatus | null = null;
  return {
    name: 'wasm',
    provider: '@tensorflow/tfjs-backend-wasm',
    load: async () => {
      await import('@tensorflow/tfjs-backend-wasm');
      native = loadOrt(options.ortThreads ?? options.threads);
      if (!native.version) status = installThreadedWasm(options);
    },
    threads: () => {
      if (native?.version) return { threads: native.threads, fallback: null };
      return { threads: status?.threads ?? 1, fallback: status ? status.fallback : 'the threaded build was not installed' };
    },
  };
}

export function backendCandidates(options: Partial<ThreadedWasmOptions> & { ortThreads?: number; allowSoftwareGpu?: boolean } = {}): BackendCandidate[] {
  return [
    { name: 'tensorflow', provider: '@tensorflow/tfjs-node-gpu', load: () => import('@tensorflow/tfjs-node-gpu' as string) },
    webgpuCandidate({ allowSoftware: options.allowSoftwareGpu ?? false }),
    { name: 'tensorflow', provider: '@tensorflow/tfjs-node', load: () => import('@tensorflow/tfjs-node' as string) },
    wasmCandidate({ ...options, threads: options.threads ?? defaultThreads() }),
    cpuCandidate,
  ];
}

export interface SelectOptions {
  preference?: BackendPreference;
  candidates?: BackendCandidate[];
  /** Threads for the wasm backend when `candidates` is not given (default: defaultThreads()). */
  threads?: number;
  /** Threads for ONNX Runtime's products, when they differ from `threads` (a replica lead: see RuntimeOptions). */
  ortThreads?: number;
  /** Writable folder for the wasm pthread worker scripts (default: a temporary folder). */
  workerDir?: string;
  /** Registers the engine's own kernels on the chosen backend; returns their names. */
  registerKernels?: (name: BackendName) => string[];
}

export async function selectBackend(options: SelectOptions = {}): Promise<BackendReport> {
  const preference = options.preference ?? 'auto';
  // A software WebGPU adapter is slower than wasm: only when the user asked for webgpu by name.
  const candidates = options.candidates ?? backendCandidates({ threads: options.threads, ortThreads: options.ortThreads, workerDir: options.workerDir, allowSoftwareGpu: preference === 'webgpu' });
  const attempts: Attempt[] = [];
  let chosen: BackendCandidate | null = null;

  for (const candidate of candidates) {
    if (chosen) {
      attempts.push({ ...describe(candidate), ok: false, detail: `not needed: ${chosen.provider} is active` });
      continue;
    }
    if (preference !== 'auto' && candidate.name !== preference) {
      attempts.push({ ...describe(candidate), ok: false, detail: `skipped: backend "${preference}" was requested` });
      continue;
    }
    const result = await tryCandidate(candidate);
    attempts.push(result);
    if (result.ok) chosen = candidate;
  }

  if (!chosen) {
    // A requested backend that fails must not leave the user with no engine: fall back to cpu.
    const cpu = candidates.find((c) => c.name === 'cpu') ?? cpuCandidate;
    const result = await tryCandidate(cpu);
    attempts.push({ ...result, detail: `fallback after "${preference}" failed: ${result.detail}` });
    if (!result.ok) throw new Error(`No tfjs backend could be initialised: ${attempts.map((a) => `${a.provider}: ${a.detail}`).join('; ')}`);
    chosen = cpu;
  }

  const customKernels = options.registerKernels ? options.registerKernels(chosen.name) : [];
  const threads = chosen.threads?.().threads;
  const ort = chosen.name === 'wasm' ? ortStatus() : null;
  const native = ort ? { native: { provider: 'onnxruntime-node', version: ort.version, reason: ort.reason } } : {};
  return { active: chosen.name, provider: chosen.provider, attempts, customKernels, tfjsVersion: tf.version_core, ...(threads ? { threads } : {}), ...native };
}

function describe(candidate: BackendCandidate): Pick<Attempt, 'name' | 'provider'> {
  return { name: candidate.name, provider: candidate.provider };
}

async function tryCandidate(candidate: BackendCandidate): Promise<Attempt> {
  try {
    await candidate.load();
  } catch (err) {
    return { ...describe(candidate), ok: false, detail: explainLoadFailure(candidate, err) };
  }
  try {
    if (!(await tf.setBackend(candidate.name))) {
      return { ...describe(candidate), ok: false, detail: 'loaded, but the backend failed to initialise' };
    }
    await tf.ready();
    // A trivial op proves the backend really computes (a broken CUDA install fails here, not above).
    // Read asynchronously: WebGPU in Node has no synchronous read-back.
    const sum = tf.tidy(() => tf.sum(tf.add(tf.ones([2, 2]), 1)));
    const probe = (await sum.data())[0];
    sum.dispose();
    if (probe !== 8) return { ...describe(candidate), ok: false, detail: `self-test computed ${probe}, expected 8` };
  } catch (err) {
    return { ...describe(candidate), ok: false, detail: `failed to initialise: ${message(err)}` };
  }
  return { ...describe(candidate), ok: true, detail: runsOn(candidate) };
}

function runsOn(candidate: BackendCandidate): string {
  if (candidate.provider.endsWith('-gpu')) return 'TensorFlow C library with CUDA (NVIDIA GPU)';
  if (candidate.name === 'tensorflow') return 'TensorFlow C library on the CPU';
  if (candidate.name === 'webgpu') {
    const adapter = (candidate as { adapter?: () => Parameters<typeof adapterLabel>[0] | null }).adapter?.();
    return `WebGPU on ${adapter ? adapterLabel(adapter) : 'the GPU'}`;
  }
  if (candidate.name === 'wasm') {
    const { threads, fallback } = candidate.threads?.() ?? { threads: 1, fallback: null };
    const count = threads === 1 ? 'one thread' : `${threads} threads`;
    const ort = ortStatus();
    if (ort?.version) {
      return `convolutions, matmuls and batch statistics natively in ONNX Runtime ${ort.version} (MLAS), ${count}; the other ops in WebAssembly with SIMD`;
    }
    const base = fallback
      ? `WebAssembly with SIMD via XNNPACK, one thread (the multi-threaded build failed: ${fallback})`
      : `WebAssembly with SIMD via XNNPACK, ${count}`;
    return ort ? `${base}; ONNX Runtime not used (${ort.reason})` : base;
  }
  return 'plain JavaScript on the CPU (slowest)';
}

function explainLoadFailure(candidate: BackendCandidate, err: unknown): string {
  const text = message(err);
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(text)) {
    return candidate.name === 'tensorflow'
      ? 'not installed (optional dependency: its libtensorflow download failed or was skipped during npm install)'
      : 'not installed';
  }
  // webgpu's own messages already say what is missing (no adapter, no Vulkan, software only).
  if (candidate.name === 'webgpu') return text;
  if (/libcud|cudnn|CUDA/i.test(text)) return `CUDA libraries not found (needs CUDA 11.2 + cuDNN 8.1): ${text}`;
  return `failed to load: ${text}`;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}
