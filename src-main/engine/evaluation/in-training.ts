/**
 * The cheap evaluation a run does every N steps (config.evaluation): KID (or FID) of a fixed set
 * of generated images against the real reference, on the domain classifier's features. The
 * classifier and the real features are prepared once, in the background of the first steps (their
 * loops yield between batches, so training keeps going); an evaluation due before they are ready
 * is skipped rather than holding the run up.
 */
import { evaluationClasses } from './class-mix';
import * as tf from '@tensorflow/tfjs-core';
import type { EvalConfig, TrainConfig } from '../../api/train-config';
import type { Generator } from '../models/generator';
import { latentsForSeeds } from '../sampling/latents';
import { readEvalPoints } from '../../project/metrics-log';
import { computeMetrics } from './compute';
import { openExtractor } from './evaluate';
import { evaluationDirOf } from '../../project/layout';
import type { FeatureExtractor, ImageSource } from './extractor';
import { extractAll } from './extractor';
import { realFeatures, splitReal, type ReferenceSplit } from './reference';
import type { MetricValue } from '../../api/evaluation';
import type { DatasetRef } from '../../api/training';
import { evalDataset, evalSourceOf } from './datasets';

/** Seeds of the fixed latents every in-training evaluation scores (the same images over the run). */
const EVAL_SEED_BASE = 1_000_000;

export interface TrainingEvaluatorOptions {
  /** "demo:mnist" or the project folder whose dataset the run trains on. */
  source: string;
  projectDir: string;
  evaluation: EvalConfig;
  seed: number;
}

interface Prepared {
  extractor: FeatureExtractor;
  split: ReferenceSplit;
  referenceKey: string;
}

export interface TrainingEvalValue {
  value: number;
  std: number | null;
  baseline: number | null;
}

/** The evaluator a run's config asks for (evaluation.every > 0), on the data the run trains on. */
export function trainingEvaluatorFor(config: TrainConfig, dataset: DatasetRef, projectDir: string): TrainingEvaluator | null {
  if (config.evaluation.every <= 0) return null;
  return new TrainingEvaluator({ source: evalSourceOf(dataset, projectDir), projectDir, evaluation: config.evaluation, seed: config.seed });
}

export class TrainingEvaluator {
  private prepared: Promise<Prepared> | null = null;
  private ready: Prepared | null = null;
  private readonly abort = new AbortController();
  /** The real-vs-real baseline: the same for every evaluation of the run, computed with the first. */
  private baseline: { value: number | null; std: number | null } | null = null;
  /** Why preparation failed, once it has. */
  failure: string | null = null;

  constructor(readonly options: TrainingEvaluatorOptions) {}

  get metric(): EvalConfig['metric'] {
    return this.options.evaluation.metric;
  }

  /** Starts training/loading the classifier and the real features, once; safe to call repeatedly. */
  prepare(): Promise<Prepared> {
    this.prepared ??= (async () => {
      const { source, projectDir, evaluation, seed } = this.options;
      const dataset = await evalDataset(source);
      const extractor = await openExtractor('classifier', source, projectDir, { signal: this.abort.signal });
      try {
        const real = await realFeatures(dataset, extractor, evaluationDirOf(projectDir), { signal: this.abort.signal });
        const split = splitReal(real, evaluation.samples, extractor.classes, seed);
        this.ready = { extractor, split, referenceKey: `${dataset.key}/${extractor.key}/${split.heldOut.n}/${seed}` };
        return this.ready;
      } catch (err) {
        extractor.dispose();
        throw err;
      }
    })();
    this.prepared.catch((err: unknown) => (this.failure = err instanceof Error ? err.message : String(err)));
    return this.prepared;
  }

  /** True once an evaluation can run without waiting. */
  isReady(): boolean {
    return this.ready !== null;
  }

  /** Scores `images` (the run's fixed evaluation latents through its current generator). */
  async evaluate(images: ImageSource, signal?: AbortSignal): Promise<TrainingEvalValue> {
    const { extractor, split, referenceKey } = await this.prepare();
    const fake = await extractAll(extractor, images, signal ? { signal } : {});
    const { values: [result] } = await computeMetrics({
      metrics: [this.metric],
      fake: fake.features,
      fakeLogits: fake.logits,
      classes: extractor.classes,
      split,
      referenceKey,
      bootstrap: 0,
      baselines: this.baseline === null,
      seed: this.options.seed,
      ...(signal ? { signal } : {}),
    });
    const value = result as MetricValue;
    this.baseline ??= { value: value.baseline, std: value.baselineStd };
    return { value: value.value, std: value.std, baseline: this.baseline.value };
  }

  dispose(): void {
    this.abort.abort();
    void this.prepared?.then((p) => p.extractor.dispose(), () => undefined);
  }
}

/** What evaluationImages needs of the trainer: G's forward pass with its conditioning. */
export interface GeneratorPass {
  generate(generator: Generator, z: tf.Tensor2D, labels: tf.Tensor2D | null, training: boolean): tf.Tensor4D;
}

/**
 * The run's fixed evaluation latents through `generator`, in chunks, as [-1, 1] pixels. A conditional
 * model follows `classSizes` (images per cluster or per dataset class) in proportion, or cycles
 * through its classes without them.
 */
export function evaluationImages(trainer: GeneratorPass, config: TrainConfig, generator: Generator, classSizes?: readonly number[]): ImageSource {
  const { model, evaluation } = config;
  const picks = evaluationClasses(model.numClasses, evaluation.samples, classSizes);
  return {
    n: evaluation.samples,
    shape: [model.resolution, model.resolution, model.channels],
    read: async (start, count) => {
      const seeds = Array.from({ length: count }, (_, i) => EVAL_SEED_BASE + start + i);
      const images = tf.tidy(() => {
        const z = tf.tensor2d(latentsForSeeds(seeds, model.zDim, model.zDistribution), [count, model.zDim]);
        const classes = seeds.map((_, i) => picks?.[start + i] ?? 0);
        const labels = model.numClasses > 0 ? (tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), model.numClasses), 'float32') as tf.Tensor2D) : null;
        return trainer.generate(generator, z, labels, false);
      });
      const values = (await images.data()) as Float32Array;
      images.dispose();
      return values;
    },
  };
}

/** Where a run's in-training evaluation stood at a step: its best so far, and evaluations since (early stopping's count). */
export interface EvalStanding {
  /** The lowest value logged as best, or null. */
  best: number | null;
  bestStep: number | null;
  /** Evaluations after the best one (a resumed run's repeated steps counted once, by their later line). */
  sinceBest: number;
}

/** Where evaluation stood at `step` (after a resume or rollback), from the run's metrics.jsonl. */
export async function evalStandingAt(logPath: string, step: number): Promise<EvalStanding> {
  // Only the current timeline's evaluations (a restore abandons those after its step).
  const points = (await readEvalPoints(logPath)).filter((point) => point.step <= step);
  let best: number | null = null;
  let bestStep: number | null = null;
  let sinceBest = 0;
  for (const point of points) {
    if (point.best && (best === null || point.value <= best)) {
      best = point.value;
      bestStep = point.step;
      sinceBest = 0;
    } else if (best !== null) {
      sinceBest++;
    }
  }
  return { best, bestStep, sinceBest };
}
