/**
 * Evaluates one checkpoint of a run: the run's dataset and the chosen extractor give the real
 * features (cached), the checkpoint's generator gives `samples` images from seeded latents, and
 * compute.ts turns both into the metrics with their baselines. The result is appended to the run's
 * evaluations.jsonl so the Evaluate view (and anyone with the folder) can list it later.
 */
import { evaluationDirOf, inceptionDirOf } from '../../project/layout';
import { appendRecord } from '../../project/evaluations';
import { randomBytes } from 'node:crypto';
import {

  type EvalProgress,
  type EvaluationRecord,
  type EvaluationSettings,
  type ExtractorKindName,
} from '../../api/evaluation';
import type { GeneratorCache } from '../sampling';
import { latentsForSeeds } from '../sampling/latents';
import { Rng } from '../rng';
import { classifierExtractor, classifierFor } from './classifier';
import { combineDraws, computeMetrics, type Computed } from './compute';
import { evalDataset, runEvalSource } from './datasets';
import { extractAll, type FeatureExtractor, type ImageSource } from './extractor';
import { loadGraphModelExtractor } from './graph-model';
import { realFeatures, splitReal } from './reference';
import { evaluationClasses, runClassMix } from './class-mix';
import type { LabelledImages } from '../dataset/mnist-demo';



export interface CheckpointEvaluation extends Omit<EvaluationSettings, 'repeats'> {
  /** Draws (EvaluationSettings.repeats); one when omitted. */
  repeats?: number;
  projectDir: string;
  runDir: string;
  /** Checkpoint file name; the newest when omitted. */
  file?: string | undefined;
}

export interface EvaluateContext {
  generators: GeneratorCache;
  backend: string;
  signal?: AbortSignal;
  onProgress?: (phase: EvalProgress['phase'], done: number, total: number, message: string) => void;
}

/** The extractor of a kind for a dataset source; the caller disposes it. */
export async function openExtractor(
  kind: ExtractorKindName,
  source: string,
  projectDir: string,
  context: Pick<EvaluateContext, 'signal' | 'onProgress'> = {},
): Promise<FeatureExtractor> {
  if (kind === 'inception') return loadGraphModelExtractor(inceptionDirOf(projectDir));
  const classifier = await classifierFor(source, {
    cacheDir: evaluationDirOf(projectDir),
    ...(context.signal ? { signal: context.signal } : {}),
    onProgress: (done, total) => context.onProgress?.('classifier', done, total, 'Training the domain classifier on the dataset (once per dataset)'),
  });
  return classifierExtractor(classifier);
}

export async function evaluateCheckpoint(request: CheckpointEvaluation, context: EvaluateContext): Promise<EvaluationRecord> {
  const started = performance.now();
  const { signal } = context;
  const progress = context.onProgress ?? (() => undefined);
  const source = await runEvalSource(request.runDir);
  const dataset = await evalDataset(source);
  let data: LabelledImages | null = null;
  const loadData = async () => (data ??= await dataset.load());
  const extractor = await openExtractor(request.extractor, source, request.projectDir, context);
  try {
    const real = await realFeatures(dataset, extractor, evaluationDirOf(request.projectDir), {
      data: loadData,
      ...(signal ? { signal } : {}),
      onProgress: (done, total) => progress('real-features', done, total, `Features of the real images (${extractor.label}; cached afterwards)`),
    });
    return await context.generators.use(request.runDir, request.file, async (generator) => {
      const n = request.samples;
      // Clusters (self-conditioning) and dataset classes are drawn in the data's own mix, as the
      // real images they are compared with come.
      const clustered = generator.config.model.labels === 'clusters';
      const classSizes = await runClassMix(request.runDir, generator.config.model, () => dataset.labels());
      const requested = evaluationClasses(generator.numClasses, n, classSizes);
      // A cluster number is not a class of the classifier, even when there are as many.
      const conditionalMatches = requested !== null && !clustered && extractor.classes === generator.numClasses;
      const repeats = request.repeats ?? 1;
      if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`Evaluation draws must be a whole number of at least 1, not ${repeats}`);
      const heldOutLabelsOf = (rows: Int32Array) =>
        request.metrics.includes('class-accuracy') ? loadData().then((d) => Int32Array.from(rows, (row) => d.labels[row]!)) : Promise.resolve(null);
      // One draw: its own latents and its own halves of the real images (seed, seed + 1, …). With
      // several, their range replaces the bootstrap intervals.
      const drawOnce = async (draw: number): Promise<{ computed: Computed; reference: number; heldOut: number }> => {
        const seed = request.seed + draw;
        const say = (message: string) => (repeats > 1 ? `Draw ${draw + 1} of ${repeats}: ${message}` : message);
        const referenceKey = `${dataset.key}/${extractor.key}/${n}/${seed}`;
        const split = splitReal(real, n, extractor.classes, seed, referenceKey);
        const rng = new Rng(seed ^ 0x6a09e667);
        const seeds = Array.from({ length: n }, () => rng.seed());
        const images: ImageSource = {
          n,
          shape: generator.imageShape,
          read: (start, count) =>
            generator.generate(
              latentsForSeeds(seeds.slice(start, start + count), generator.zDim, generator.config.model.zDistribution),
              requested ? Array.from(requested.subarray(start, start + count)) : undefined,
            ),
        };
        const fake = await extractAll(extractor, images, {
          ...(signal ? { signal } : {}),
          // One bar over all draws.
          onProgress: (done) => progress('generate', draw * n + done, repeats * n, say(`Generating and featurising ${n.toLocaleString('en-US')} images`)),
        });
        const computed = await computeMetrics({
          metrics: request.metrics,
          fake: fake.features,
          fakeLogits: fake.logits,
          classes: extractor.classes,
          split,
          referenceKey,
          requestedClasses: conditionalMatches ? requested : null,
          heldOutLabels: await heldOutLabelsOf(split.heldOutRows),
          bootstrap: repeats > 1 ? 0 : request.bootstrap,
          seed,
          ...(signal ? { signal } : {}),
          onProgress: (what) => progress('metrics', 0, 0, say(`Computing ${what}`)),
        });
        return { computed, reference: split.reference.n, heldOut: split.heldOut.n };
      };
      const results: Awaited<ReturnType<typeof drawOnce>>[] = [];
      for (let draw = 0; draw < repeats; draw++) results.push(await drawOnce(draw));
      const draws = results.map((r) => r.computed);
      // The split's sizes depend only on the counts, so every draw's are these.
      const realSizes = results[0]!;
      const values = repeats > 1 ? combineDraws(draws.map((d) => d.values)) : draws[0]!.values;
      const notes = [...new Set(draws.flatMap((d) => d.notes))];
      if (realSizes.heldOut < n) notes.push(fewRealNote(n, realSizes.reference, realSizes.heldOut));
      const { identity } = generator;
      const record: EvaluationRecord = {
        id: `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
        runId: identity.runId,
        checkpoint: { file: identity.file, step: identity.step, sha256: identity.sha256, ema: identity.ema },
        createdAt: new Date().toISOString(),
        dataset: { key: dataset.key, label: dataset.label },
        extractor: { kind: request.extractor, key: extractor.key, label: extractor.label },
        samples: n,
        referenceSamples: realSizes.reference,
        baselineSamples: realSizes.heldOut,
        seed: request.seed,
        repeats,
        values,
        notes,
        elapsedMs: performance.now() - started,
        backend: context.backend,
      };
      await appendRecord(request.runDir, record);
      progress('done', 1, 1, 'Done');
      return record;
    });
  } finally {
    extractor.dispose();
  }
}

/**
 * A dataset too small for as many held-out real images as samples: the real side of every metric
 * is then smaller than the generated one, and the numbers are rougher than their sample count says.
 */
export function fewRealNote(samples: number, reference: number, heldOut: number): string {
  const count = (x: number) => x.toLocaleString('en-US');
  return (
    `The dataset holds too few images for ${count(samples)} real ones on each side: ${count(samples)} samples were compared with ${count(reference)} real images, ` +
    `and the real-vs-real baseline used ${count(heldOut)} held-out ones. The numbers vary more than the sample count suggests: compare checkpoints of this run with each other.`
  );
}
