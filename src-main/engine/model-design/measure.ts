/**
 * Measures what a config costs on the active backend by training it for real: a throwaway Trainer
 * on stand-in images of the right shape (the step costs the same whatever the pixels are), a warm-up
 * step that builds kernels and grows memory, then a few timed steps within a time budget.
 */
import type { Measurement } from '../../api/model-design';
import type { BackendName } from '../../api/schemas';
import type { TrainConfig } from '../../api/train-config';
import type { LabelledImages } from '../dataset/mnist-demo';
import { memoryBatches } from '../batches/memory-batches';
import { Rng } from '../rng';
import { Trainer } from '../training/trainer';

export interface MeasureOptions {
  /** Timed steps at most (after the warm-up). */
  maxSteps?: number;
  /** Stop timing more steps once this much time has gone on them. */
  budgetMs?: number;
  /** Checked between steps: a reason to give up (a run started), or null to go on. */
  interrupted?: () => string | null;
}

export class MeasureInterrupted extends Error {}

/** Random images and balanced labels shaped like the data the config trains on. */
export function standInImages(config: TrainConfig, count = Math.max(config.batchSize, 16)): LabelledImages {
  const { resolution, channels, numClasses } = config.model;
  const rng = new Rng(config.seed);
  const images = new Uint8Array(count * resolution * resolution * channels);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  return {
    images,
    labels: Int32Array.from({ length: count }, (_, i) => (numClasses ? i % numClasses : -1)),
    count,
    width: resolution,
    height: resolution,
    channels,
    classNames: Array.from({ length: numClasses }, (_, i) => `class ${i}`),
  };
}

export async function measureTraining(config: TrainConfig, backend: BackendName, options: MeasureOptions = {}): Promise<Measurement> {
  const { maxSteps = 5, budgetMs = 6000, interrupted = () => null } = options;
  const trainer = new Trainer(config, memoryBatches(standInImages(config), config.model));
  try {
    const step = async (): Promise<number> => {
      // Yield first, so requests queued behind this one (a run starting) are seen between steps.
      await new Promise((resolve) => setImmediate(resolve));
      const reason = interrupted();
      if (reason) throw new MeasureInterrupted(reason);
      const started = performance.now();
      await trainer.trainStep();
      return performance.now() - started;
    };
    const firstStepMs = await step();
    const times: number[] = [];
    // A step slower than the whole budget is measured once (the warm-up) rather than keep the user waiting.
    let spent = 0;
    while (times.length < maxSteps && (times.length === 0 ? firstStepMs < budgetMs : spent + median(times) < budgetMs)) {
      const ms = await step();
      times.push(ms);
      spent += ms;
    }
    const msPerStep = times.length ? median(times) : firstStepMs;
    return {
      backend,
      msPerStep,
      imagesPerSecond: (config.batchSize * 1000) / msPerStep,
      firstStepMs,
      stepsMeasured: times.length,
    };
  } finally {
    trainer.dispose();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
