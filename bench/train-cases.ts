/**
 * The training cases the benchmarks time (bench/run.ts, bench/gpu-check.ts) and how one is
 * timed: `warmup` steps, then the median of `steps` timed steps on the active backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { hasTrainingKernels, registerTrainingKernels } from '../src-main/engine/backend/kernels';
import { loadMnistDemo } from '../src-main/engine/dataset/mnist-demo';
import { memoryBatches } from '../src-main/engine/batches/memory-batches';
import { Trainer } from '../src-main/engine/training/trainer';
import { trainStepFlops } from '../src-main/shared/model-design/cost';
import { preset } from '../src-main/api/training';
import type { TrainConfig } from '../src-main/api/train-config';
import type { BackendName } from '../src-main/api/schemas';

const diffAugment: TrainConfig['augment'] = { flip: true, diffAugment: ['translation', 'color', 'cutout'], adaptive: false };

/** DCGAN at 64 px follows Radford et al.'s sizes (z 100, width 64); the 28-px ones are the app's presets. */
export const cases: Record<string, () => TrainConfig> = {
  'mlp-bce': () => preset('mlp'),
  'dcgan28-bce': () => preset('dcgan'),
  'dcgan28-wgangp': () => ({ ...preset('wgan-gp'), nCritic: 1 }),
  // DiffAugment's cost: the same models with flip + translation, colour and cutout on every D input.
  'dcgan28-bce-diffaug': () => ({ ...preset('dcgan'), augment: diffAugment }),
  'dcgan28-wgangp-diffaug': () => ({ ...preset('wgan-gp'), nCritic: 1, augment: diffAugment }),
  'dcgan64-bce': () => {
    const p = preset('dcgan');
    return { ...p, model: { ...p.model, resolution: 64, zDim: 100, gWidth: 64, dWidth: 64 } };
  },
  'dcgan64-wgangp': () => {
    const p = preset('wgan-gp');
    return { ...p, nCritic: 1, model: { ...p.model, resolution: 64, zDim: 100, gWidth: 64, dWidth: 64 } };
  },
};

export function caseConfig(name: string): TrainConfig {
  const factory = cases[name];
  if (!factory) throw new Error(`Unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  return factory();
}

export interface Timing {
  /** Warm-up steps run before timing. */
  warmup: number;
  /** Timed steps (median taken). */
  steps: number;
  /** A warm-up step slower than this (seconds) cuts the timing to 3 steps (or `steps`, if fewer). */
  maxStepS: number;
  /** After timing, profile one more step kernel by kernel (see StepProfile). */
  profile?: boolean;
  /** Time the backend's stock kernels: leave the engine's own unregistered (gpu-check's before/after). */
  stockKernels?: boolean;
}

/** One step under tf.profile: how many kernels ran, the time they took on the device (GPU
 *  timestamp queries on webgpu; null where the backend has no kernel timer) against the step's wall
 *  time, and the kernels that took longest. Profiling itself adds some time to the wall figure. */
export interface StepProfile {
  kernels: number;
  wallMs: number;
  kernelMs: number | null;
  top: { kernel: string; calls: number; ms: number }[];
}

export interface Measured {
  backend: BackendName;
  case: string;
  batch: number;
  steps: number;
  msPerStep: number;
  imagesPerSecond: number;
  gflops: number;
  note: string;
  profile?: StepProfile;
}

/** Times `config` on `backend` (which must already be registered and initialised). */
export async function measureCase(backend: BackendName, name: string, config: TrainConfig, timing: Timing): Promise<Measured> {
  await tf.setBackend(backend);
  if (hasTrainingKernels(backend) && !timing.stockKernels) registerTrainingKernels(backend);
  const trainer = new Trainer(config, memoryBatches(loadMnistDemo(), config.model));
  try {
    let slow = false;
    for (let i = 0; i < timing.warmup; i++) {
      const m = await trainer.trainStep();
      if (m.stepMs > timing.maxStepS * 1000) {
        slow = true;
        break;
      }
    }
    const steps = slow ? Math.min(3, timing.steps) : timing.steps;
    const times: number[] = [];
    for (let i = 0; i < steps; i++) times.push((await trainer.trainStep()).stepMs);
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)]!;
    const profile = timing.profile ? await profileStep(trainer) : undefined;
    return {
      backend,
      case: name,
      batch: config.batchSize,
      steps,
      msPerStep: ms,
      imagesPerSecond: config.batchSize / (ms / 1000),
      gflops: trainStepFlops(config) / (ms / 1000) / 1e9,
      note: slow && steps < timing.steps ? `warm-up step over ${timing.maxStepS} s: median of ${steps}` : '',
      ...(profile ? { profile } : {}),
    };
  } finally {
    trainer.dispose();
  }
}

async function profileStep(trainer: Trainer): Promise<StepProfile> {
  const started = performance.now();
  const info = await tf.profile(async () => {
    await trainer.trainStep();
  });
  const wallMs = performance.now() - started;
  const byName = new Map<string, { kernel: string; calls: number; ms: number }>();
  let kernelMs: number | null = 0;
  // Entries that are not registered kernels are custom-gradient ops (the engine's fused batch norm
  // and leaky ReLU on webgpu), named after the scope they ran in. Their backward programs run from
  // gradient functions, outside any kernel, and are not timed.
  const kernels = info.kernels.map((k) => (tf.getKernel(k.name, tf.getBackend()) !== undefined ? k : { ...k, name: `custom op in ${k.name || 'no scope'}` }));
  for (const k of kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : null;
    kernelMs = kernelMs === null || ms === null ? null : kernelMs + ms;
    const row = byName.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
    row.calls += 1;
    row.ms += ms ?? 0;
    byName.set(k.name, row);
  }
  const top = [...byName.values()].sort((a, b) => b.ms - a.ms || b.calls - a.calls).slice(0, 12);
  return { kernels: kernels.length, wallMs, kernelMs, top };
}

export interface Peak {
  backend: BackendName;
  threads?: number;
  n: number;
  /** Milliseconds per matMul. */
  ms: number;
  gflops: number;
}

/** The float32 GEMM peak the engine can reach on `backend`: an n×n by n×n matMul (through the
 *  engine's kernels, as training uses them), the fastest of 3 after a warm-up. With `chain` > 1, each
 *  timing queues `chain` products and reads back one element of the last: on a GPU, reading a whole
 *  n×n result would time the copy to the host, not the product. Otherwise the product is read back. */
export async function gemmPeak(backend: BackendName, threads?: number, opts: { n?: number; chain?: number; stockKernels?: boolean } = {}): Promise<Peak> {
  await tf.setBackend(backend);
  if (hasTrainingKernels(backend) && !opts.stockKernels) registerTrainingKernels(backend);
  const n = opts.n ?? (backend === 'cpu' ? 1024 : 2048);
  const chain = Math.max(1, opts.chain ?? 1);
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  // Read back asynchronously: WebGPU in Node has no synchronous read.
  const once = async () => {
    const start = performance.now();
    const products = Array.from({ length: chain }, () => tf.matMul(a, b));
    const last = products[chain - 1]!;
    const probe = chain > 1 ? tf.slice(last, [0, 0], [1, 1]) : last;
    await probe.data();
    tf.dispose([...products, probe]);
    return (performance.now() - start) / chain;
  };
  await once();
  const ms = Math.min(await once(), await once(), await once());
  tf.dispose([a, b]);
  return { backend, threads, n, ms, gflops: (2 * n ** 3) / (ms / 1000) / 1e9 };
}
