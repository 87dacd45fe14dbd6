/**
 * The training cases the benchmarks time (bench/run.ts, bench/gpu-check-main.ts) and how one is
 * timed: `warmup` steps, then the median of `steps` timed steps on the active backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerTrainingKernels } from '../src-main/engine/backend/kernels';
import { loadMnistDemo } from '../src-main/engine/dataset/mnist-demo';
import { memoryBatches } from '../src-main/engine/batches/memory-batches';
import { Trainer } from '../src-main/engine/training/trainer';
import { trainStepFlops } from '../src-main/shared/model-design/cost';
import { preset } from '../src-main/api/training';
import type { TrainConfig } from '../src-main/api/train-config';
import type { BackendName } from '../src-main/api/schemas';

const diffAugment: TrainConfig['augment'] = { flip: true, diffAugment: ['translation', 'color', 'cutout'] };

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
}

/** Times `config` on `backend` (which must already be registered and initialised). */
export async function measureCase(backend: BackendName, name: string, config: TrainConfig, timing: Timing): Promise<Measured> {
  await tf.setBackend(backend);
  if (backend === 'wasm' || backend === 'cpu') registerTrainingKernels(backend);
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
    return {
      backend,
      case: name,
      batch: config.batchSize,
      steps,
      msPerStep: ms,
      imagesPerSecond: config.batchSize / (ms / 1000),
      gflops: trainStepFlops(config) / (ms / 1000) / 1e9,
      note: slow && steps < timing.steps ? `warm-up step over ${timing.maxStepS} s: median of ${steps}` : '',
    };
  } finally {
    trainer.dispose();
  }
}
