/**
 * Evaluation: FID, KID, IS, precision/recall and density/coverage of checkpoints against the dataset.
 * `evaluationRequests` are the StudioApi channels (renderer → main), `evaluationEngineRequests` the engine's (main →
 * engine), `evaluationEvents` events the engine emits and main forwards to the renderer unchanged.
 */
import { z } from 'zod';
import type { EventSpecs, RequestSpecs } from './rpc';
import { checkpointRefSchema, runIdSchema } from './projects';
import { evalMetrics } from './train-config';

/** What can be asked for: 'pr' gives precision and recall, 'dc' density and coverage, 'copies' the copy rate. */
export const metricRequests = ['kid', 'fid', 'is', 'pr', 'dc', 'class-accuracy', 'copies'] as const;
export const metricRequestSchema = z.enum(metricRequests);
export type MetricRequest = z.infer<typeof metricRequestSchema>;

/** What comes back, one value each. */
export const metricNames = ['kid', 'fid', 'is', 'precision', 'recall', 'density', 'coverage', 'class-accuracy', 'copy-rate'] as const;
export const metricNameSchema = z.enum(metricNames);
export type MetricName = z.infer<typeof metricNameSchema>;

export const extractorKinds = ['classifier', 'inception'] as const;
export const extractorKindSchema = z.enum(extractorKinds);
export type ExtractorKindName = z.infer<typeof extractorKindSchema>;

/** Draws one evaluation may average over (each costs a full evaluation). */
export const MAX_REPEATS = 10;

// zod 4 numbers refuse NaN and ±Infinity: a metric that could not be computed is left out, not sent.
const finite = z.number();

export const metricValueSchema = z.object({
  metric: metricNameSchema,
  value: finite,
  /** Spread the metric defines itself: over KID subsets, over IS splits. */
  std: finite.nullable(),
  /** Bootstrap percentile interval. */
  ci: z.object({ low: finite, high: finite, level: z.number() }).nullable(),
  /** The same metric between two disjoint halves of the real images: what "as good as real" reads. */
  baseline: finite.nullable(),
  baselineStd: finite.nullable(),
  better: z.enum(['lower', 'higher']),
  /** Why this number should not be read at face value here (e.g. precision of collapsed samples). */
  caveat: z.string().max(1000).optional(),
  /**
   * An evaluation of several draws (settings.repeats): `value` and `baseline` are medians over `n`
   * evaluations with other latents and other halves of the real images, and low–high their range.
   */
  draws: z.object({ n: z.number().int().min(2), low: finite, high: finite }).optional(),
});
export type MetricValue = z.infer<typeof metricValueSchema>;

/** One evaluation of one checkpoint: a line of runs/<id>/evaluations.jsonl. */
export const evaluationRecordSchema = z.object({
  id: z.string(),
  runId: z.string(),
  checkpoint: z.object({ file: z.string(), step: z.number().int().nonnegative(), sha256: z.string(), ema: z.boolean() }),
  createdAt: z.string(),
  dataset: z.object({ key: z.string(), label: z.string() }),
  extractor: z.object({ kind: extractorKindSchema, key: z.string(), label: z.string() }),
  /** Generated images. */
  samples: z.number().int().positive(),
  /** Real images the fakes were compared with, and the held-out real images of the baseline. */
  referenceSamples: z.number().int().positive(),
  baselineSamples: z.number().int().positive(),
  seed: z.number().int(),
  /** Draws (seeds seed…seed+repeats−1) whose medians `values` are; 1 for records from before. */
  repeats: z.number().int().positive().default(1),
  values: z.array(metricValueSchema),
  /** Metrics asked for that did not apply (e.g. IS without class logits), and why. */
  notes: z.array(z.string()).default([]),
  elapsedMs: z.number().nonnegative(),
  backend: z.string(),
});
export type EvaluationRecord = z.infer<typeof evaluationRecordSchema>;

export const evaluationSettingsSchema = z
  .object({
    metrics: z.array(metricRequestSchema).min(1).max(metricRequests.length),
    samples: z.number().int().min(50).max(50_000),
    extractor: extractorKindSchema,
    /** Bootstrap resamples for the intervals; 0 leaves them out. */
    bootstrap: z.number().int().min(0).max(1000).default(100),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    /**
     * Draws per checkpoint: evaluations with seeds seed…seed+repeats−1 (other latents, other halves
     * of the real images), reported as each metric's median and range. On a small dataset one KID
     * can move ×2–5 between draws (README, #20).
     */
    repeats: z.number().int().min(1).max(MAX_REPEATS).default(1),
  })
  .strict();
export type EvaluationSettings = z.infer<typeof evaluationSettingsSchema>;

export const evalProgressSchema = z.object({
  runId: z.string(),
  /** Which of the requested checkpoints (0-based) and how many there are. */
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  phase: z.enum(['classifier', 'real-features', 'generate', 'metrics', 'done']),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  message: z.string(),
});
export type EvalProgress = z.infer<typeof evalProgressSchema>;

/** An evaluation during training, as logged to metrics.jsonl ({type: 'eval', …}). */
export const trainingEvalPointSchema = z.object({
  step: z.number().int().positive(),
  metric: z.enum(evalMetrics),
  value: finite,
  std: finite.nullable(),
  baseline: finite.nullable(),
  /** Whether this evaluation made its checkpoint the run's best. */
  best: z.boolean(),
});
export type TrainingEvalPoint = z.infer<typeof trainingEvalPointSchema>;

export const extractorsInfoSchema = z.object({
  classifier: z.object({
    /** The dataset of the runs evaluated: null before a classifier was trained for it. */
    cached: z.array(
      z.object({
        dataset: z.string(),
        testAccuracy: z.number(),
        classes: z.number().int(),
        task: z.enum(['labels', 'rotation']),
        /** What guessing the most common class scores on its test images; null for a classifier cached before this was kept. */
        chance: z.number().min(0).max(1).nullable(),
      }),
    ),
  }),
  inception: z.object({ available: z.boolean(), label: z.string().nullable(), source: z.string().nullable(), error: z.string().nullable() }),
});
export type ExtractorsInfo = z.infer<typeof extractorsInfoSchema>;
export type CachedClassifier = ExtractorsInfo['classifier']['cached'][number];

/**
 * Why a domain classifier's features may not tell good samples from bad, or null when it learned
 * its task well: weak means less than halfway from chance to every test image right. Chance is what
 * guessing scores on its test images: 1 in 4 for the rotation task; for labels the better of 1 in k
 * and always answering the most common training class (more with unbalanced classes), or 1 in k for
 * a classifier cached before that was kept. A
 * rotation classifier on emoji (many near-symmetric faces) reached 42 % where chance is 25 %.
 */
export function weakClassifierNote(c: Pick<CachedClassifier, 'task' | 'classes' | 'testAccuracy'> & { chance?: number | null }): string | null {
  const uniform = c.task === 'rotation' ? 1 / 4 : 1 / Math.max(2, c.classes);
  // Never below a random guess (a classifier cached before 2026-12-06 may have kept less).
  const chance = Math.max(c.chance ?? uniform, uniform);
  if (c.testAccuracy >= chance + (1 - chance) / 2) return null;
  const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
  return `${percent(c.testAccuracy)} on its test images, where guessing gets ${percent(chance)}. Its features may miss what separates good samples from bad, so read the metrics as a comparison between checkpoints of one run, and look at the samples too.`;
}

export const modelUrlSchema = z.url({ protocol: /^https?$/ }).max(2000);
export const sha256Schema = z.string().regex(/^[0-9a-fA-F]{64}$/);
export const inputRangeSchema = z.enum(['0,1', '-1,1']);

export const evaluationRequests = {
  /** Evaluates checkpoints (across runs) one after another; results are also saved in each run's evaluations.jsonl. */
  'eval.run': {
    input: evaluationSettingsSchema.extend({ checkpoints: z.array(checkpointRefSchema).min(1).max(12) }).strict(),
    output: z.object({ results: z.array(evaluationRecordSchema), cancelled: z.boolean() }),
  },
  'eval.cancel': { input: z.object({}).strict(), output: z.object({ cancelled: z.boolean() }) },
  /** Saved evaluations of the given runs (all runs of the project when omitted), newest first. */
  'eval.list': {
    input: z.object({ runIds: z.array(runIdSchema).max(200).optional() }).strict(),
    output: z.object({ results: z.array(evaluationRecordSchema) }),
  },
  /** The in-training evaluations of a run (for its dashboard chart after reopening). */
  'eval.trainingPoints': {
    input: z.object({ runId: runIdSchema }).strict(),
    output: z.object({ points: z.array(trainingEvalPointSchema) }),
  },
  'eval.extractors': { input: z.object({}).strict(), output: extractorsInfoSchema },
  /** Caches an Inception-v3 (or other) graph model: from a folder chosen in a dialog (desktop) or a URL. */
  'eval.importExtractor': {
    input: z
      .object({
        source: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('dialog') }).strict(),
          z.object({ kind: z.literal('url'), url: modelUrlSchema, sha256: sha256Schema.optional() }).strict(),
        ]),
        inputRange: inputRangeSchema.default('0,1'),
      })
      .strict(),
    output: extractorsInfoSchema.nullable(),
  },
} satisfies RequestSpecs;


export const evaluationEvents = {
  'eval.progress': evalProgressSchema,
  /** A run evaluated itself during training. */
  'eval.training': z.object({ runId: z.string(), point: trainingEvalPointSchema }),
  /** A model entering the cache (eval.importExtractor): file `index` of `count` known so far, its bytes and size (null: not told). */
  'eval.modelDownload': z.object({
    file: z.string(),
    index: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    bytes: z.number().nonnegative(),
    total: z.number().nonnegative().nullable(),
  }),
} satisfies EventSpecs;
