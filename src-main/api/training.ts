/** Training runs as the renderer sees them: status, streamed metrics, the presets. */
import { z } from 'zod';
import type { RequestSpecs } from './rpc';
import { trainConfigSchema, type TrainConfig } from './train-config';
import { datasetRefSchema, pngImageSchema } from './schemas';

export const liveParamsSchema = z
  .object({
    gLr: z.number().positive().max(1),
    dLr: z.number().min(0).max(1),
    nCritic: z.number().int().min(1).max(20),
    labelSmoothing: z.number().min(0).max(0.5),
  })
  .strict();
export type LiveParamsShape = z.infer<typeof liveParamsSchema>;

/** The live parameters a run starts with: its config's. */
export function liveParamsOf(config: TrainConfig): LiveParamsShape {
  return { gLr: config.optimizer.gLr, dLr: config.optimizer.dLr, nCritic: config.nCritic, labelSmoothing: config.loss.labelSmoothing };
}

export const runStateSchema = z.enum(['running', 'paused', 'stopped', 'completed', 'failed']);
export const runStatusSchema = z.object({
  runId: z.string(),
  state: runStateSchema,
  step: z.number().int().nonnegative(),
  steps: z.number().int().positive(),
  live: liveParamsSchema,
  message: z.string().nullable(),
  lastCheckpointStep: z.number().int().nullable(),
});
export type RunStatusShape = z.infer<typeof runStatusSchema>;

const finiteOrNull = z.number().nullable();
export const stepPointSchema = z.object({
  step: z.number().int().positive(),
  // Non-finite losses are exactly what a diverging run produces; JSON carries them as null.
  dLoss: finiteOrNull,
  gLoss: finiteOrNull,
  dReal: finiteOrNull,
  dFake: finiteOrNull,
  wassersteinEstimate: finiteOrNull,
  /** WGAN-GP's gradient penalty (null for the other losses). */
  gradientPenalty: finiteOrNull,
  /** R1's E‖∇ₓD(x)‖² at the real images, on the steps that apply it (null otherwise and in older logs). */
  r1Slope: finiteOrNull,
  /** ADA's overfitting heuristic E[sign D(x)] (null for Wasserstein losses and older logs). */
  realSign: finiteOrNull,
  /** The adaptive augmentation probability of the step (null at fixed strength and in older logs). */
  augmentStrength: finiteOrNull,
  gGradNorm: finiteOrNull,
  dGradNorm: finiteOrNull,
  stepMs: z.number().nonnegative(),
  imagesPerSecond: z.number().nonnegative(),
  /** Passes over the dataset so far, fractional; null when unknown (runs logged before it was). */
  epoch: finiteOrNull,
});
export type StepPoint = z.infer<typeof stepPointSchema>;

export const coachWarningSchema = z.object({
  kind: z.enum(['discriminator-winning', 'generator-winning', 'vanishing-gradients', 'mode-collapse', 'oscillation']),
  since: z.number().int(),
  step: z.number().int(),
  message: z.string(),
  suggestion: z.string(),
});
export type CoachWarningShape = z.infer<typeof coachWarningSchema>;
export const trainCoachEventSchema = z.object({ runId: z.string(), warning: coachWarningSchema });

/** Everything a window needs to draw a run it did not watch: its config, metrics and grids. */
export const runHistorySchema = z.object({
  runId: z.string(),
  config: trainConfigSchema,
  points: z.array(stepPointSchema),
  samples: z.array(z.object({ step: z.number().int(), width: z.number().int(), height: z.number().int(), pngBase64: z.string() })),
  warnings: z.array(coachWarningSchema),
  /** Damaged sample grids that were skipped, by path. */
  skippedSamples: z.array(z.string()).optional(),
  /** Every change made while training (learning rates, n_critic, smoothing): what was in effect from that step on. */
  paramChanges: z.array(z.object({ step: z.number().int().nonnegative(), live: liveParamsSchema })).default([]),
});
export type RunHistoryShape = z.infer<typeof runHistorySchema>;


export const trainMetricsEventSchema = z.object({ runId: z.string(), points: z.array(stepPointSchema) });
export const trainSamplesEventSchema = z.object({ runId: z.string(), step: z.number().int(), image: pngImageSchema });

export { datasetRefSchema, type DatasetRef } from './schemas';

export const trainControlSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('pause') }).strict(),
  z.object({ action: z.literal('resume') }).strict(),
  z.object({ action: z.literal('stop') }).strict(),
  z.object({ action: z.literal('checkpoint') }).strict(),
  z.object({ action: z.literal('rollback'), lrFactor: z.number().positive().max(1) }).strict(),
]);

export const presetNames = ['mlp', 'dcgan', 'dcgan-clusters', 'cdcgan', 'wgan-gp', 'small-colour'] as const;
export type PresetName = (typeof presetNames)[number];

/**
 * The presets (MLP GAN, DCGAN, conditional DCGAN, WGAN-GP, and a DCGAN for a small folder of colour
 * images), sized for a CPU: the user can change anything afterwards.
 */
export function preset(name: PresetName): TrainConfig {
  const base: TrainConfig = {
    version: 1,
    seed: 42,
    model: {
      architecture: 'dcgan',
      resolution: 28,
      channels: 1,
      zDim: 64,
      zDistribution: 'normal',
      gWidth: 32,
      dWidth: 32,
      upsample: 'transposed',
      dNorm: 'batch',
      numClasses: 0,
      labels: 'dataset',
    },
    loss: { kind: 'bce', labelSmoothing: 0.1, gpWeight: 10, r1: 0, clip: 0.01 },
    optimizer: { kind: 'adam', gLr: 2e-4, dLr: 2e-4, beta1: 0.5, beta2: 0.999, lrDecay: 0 },
    batchSize: 64,
    nCritic: 1,
    steps: 5000,
    emaDecay: 0.999,
    sampleEvery: 50,
    checkpointEvery: 250,
    keepCheckpoints: 5,
    augment: { flip: false, diffAugment: [], adaptive: false },
    evaluation: { every: 0, samples: 500, metric: 'kid', patience: 0 },
  };
  switch (name) {
    case 'mlp':
      // The fully connected GAN: MLP generator and discriminator, BCE, and a higher learning rate (2e-3) than DCGAN's.
      return trainConfigSchema.parse({
        ...base,
        model: { ...base.model, architecture: 'mlp', gWidth: 128, dWidth: 128, dNorm: 'none' },
        optimizer: { ...base.optimizer, gLr: 2e-3, dLr: 2e-3 },
        emaDecay: 0,
      });
    case 'dcgan':
      return base;
    case 'dcgan-clusters':
      // The DCGAN conditioned on 20 clusters of the images (self-conditioning): no labels needed.
      // Measured on the digits (README, #20): at the same steps it draws far fewer hybrid shapes.
      return trainConfigSchema.parse({ ...base, model: { ...base.model, architecture: 'cdcgan', numClasses: 20, labels: 'clusters' } });
    case 'cdcgan':
      return trainConfigSchema.parse({ ...base, model: { ...base.model, architecture: 'cdcgan', numClasses: 10 } });
    case 'wgan-gp':
      // Gulrajani et al.: λ = 10, five critic steps per generator step, no batch norm in the critic.
      return trainConfigSchema.parse({
        ...base,
        model: { ...base.model, dNorm: 'none' },
        loss: { ...base.loss, kind: 'wgan-gp', labelSmoothing: 0 },
        optimizer: { ...base.optimizer, beta1: 0, beta2: 0.9, gLr: 1e-4, dLr: 1e-4 },
        nCritic: 5,
      });
    case 'small-colour':
      // A few thousand colour images at 32 px: the DCGAN recipe with R1 γ 1 on D (Mescheder et al.
      // 2018), which damps the swings of a D that keeps winning. Measured on the emoji (README, #20),
      // an hour each, same wall time as the plain DCGAN (two seeds on Twitter's set, one on
      // Google's): FID lower on every run (0.37–0.70 of the plain DCGAN's), by KID the run's own
      // pick at 0.24–0.79 of the plain DCGAN's and its final checkpoint at ≈ 0–0.32. Nothing else
      // tried was ahead (augmentation fixed or adaptive, flips, clusters, wider nets, spectral norm
      // with hinge, lr decay).
      return trainConfigSchema.parse({ ...base, model: { ...base.model, resolution: 32, channels: 3 }, loss: { ...base.loss, r1: 1 } });
  }
}

const empty = z.object({}).strict();

export const trainingRequests = {
  'train.start': { input: z.object({ config: trainConfigSchema, dataset: datasetRefSchema }).strict(), output: runStatusSchema },
  'train.control': { input: trainControlSchema, output: runStatusSchema },
  'train.update': { input: liveParamsSchema.partial().strict(), output: runStatusSchema },
  'train.status': { input: empty, output: runStatusSchema.nullable() },
  /** The open run's config, logged metrics and (thinned) sample grids; null when none is open. */
  'train.history': { input: empty, output: runHistorySchema.nullable() },
} satisfies RequestSpecs;
