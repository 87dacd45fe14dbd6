/**
 * Measures what a config costs on the active backend by training it for real: a throwaway Trainer
 * on stand-in images of the right shape (the step costs the same whatever the pixels are), a warm-up
 * step that builds kernels and grows memory (discarded: it can be many times slower), then the
 * median of a few timed steps within a time budget.
 */
import type { Measurement } from '../../api/model-design';
import type { BackendName } from '../../api/schemas';
import { R1_EVERY, usesR1, type TrainConfig } from '../../api/train-config';
import { trainStepFlops } from '../../shared/model-design/cost';
import type { LabelledImages } from '../dataset/mnist-demo';
import { memoryBatches } from '../batches/memory-batches';
import { Rng } from '../rng';
import { Trainer } from '../training/trainer';

export interface StepBudget {
  /** Timed steps wanted at least (after the warm-up), unless they would pass `limitMs`. */
  minSteps?: number;
  /** Timed steps at most. */
  maxSteps?: number;
  /** Past `minSteps`, stop timing more once this much time has gone on timed steps. */
  budgetMs?: number;
  /** Stop before `minSteps` when the next step would take timed steps past this (big models). */
  limitMs?: number;
}

export interface MeasureOptions extends StepBudget {
  /** Checked between steps: a reason to give up (a run started), or null to go on. */
  interrupted?: () => string | null;
}

export interface StepTimes {
  warmupMs: number;
  /** The timed steps, warm-up excluded: never empty. */
  times: number[];
}

/**
 * Runs one warm-up step (kept apart, never in the median) and then times steps: at least one, at
 * least `minSteps` while they stay within `limitMs`, more up to `maxSteps` while within `budgetMs`.
 * `step` runs one step and returns how long it took; the next step's time is guessed as the median.
 */
export async function timeSteps(step: () => Promise<number>, budget: StepBudget = {}): Promise<StepTimes> {
  const { minSteps = 3, maxSteps = 7, budgetMs = 5000, limitMs = 20_000 } = budget;
  const warmupMs = await step();
  const times: number[] = [];
  let spent = 0;
  while (times.length < Math.max(1, maxSteps)) {
    if (times.length > 0) {
      const after = spent + median(times);
      if (after > (times.length < minSteps ? limitMs : budgetMs)) break;
    }
    const ms = await step();
    times.push(ms);
    spent += ms;
  }
  return { warmupMs, times };
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
  const { interrupted = () => null, ...budget } = options;
  const trainer = new Trainer(config, memoryBatches(standInImages(config), config.model));
  try {
    // Whether each step (the warm-up first) carried R1, which runs on one step in R1_EVERY.
    const carried: boolean[] = [];
    const step = async (): Promise<number> => {
      // Yield first, so requests queued behind this one (a run starting) are seen between steps.
      await new Promise((resolve) => setImmediate(resolve));
      const reason = interrupted();
      if (reason) throw new MeasureInterrupted(reason);
      const started = performance.now();
      const metrics = await trainer.trainStep();
      carried.push(metrics.r1Slope !== null);
      return performance.now() - started;
    };
    const { warmupMs, times } = await timeSteps(step, budget);
    const msPerStep = usesR1(config.loss) ? withR1Share(config, times, carried.slice(1)) : median(times);
    return {
      backend,
      msPerStep,
      imagesPerSecond: (config.batchSize * 1000) / msPerStep,
      firstStepMs: warmupMs,
      stepsMeasured: times.length,
    };
  } finally {
    trainer.dispose();
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A step's average time when one in R1_EVERY carries R1: the median of each kind, weighted by how
 * often it comes. Without a timed R1 step (short budgets), R1's share is scaled from the plain
 * steps by its FLOPs (cost.ts).
 */
function withR1Share(config: TrainConfig, times: number[], carried: boolean[]): number {
  const plain = times.filter((_, i) => !carried[i]);
  const r1 = times.filter((_, i) => carried[i]);
  if (plain.length === 0) return median(r1);
  const plainMs = median(plain);
  const plainFlops = trainStepFlops({ ...config, loss: { ...config.loss, r1: 0 } });
  const r1Ms = r1.length ? median(r1) : plainMs * (1 + (R1_EVERY * (trainStepFlops(config) - plainFlops)) / plainFlops);
  return (plainMs * (R1_EVERY - 1) + r1Ms) / R1_EVERY;
}
