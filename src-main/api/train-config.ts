/**
 * The versioned training configuration: everything needed to rebuild a run's models, losses and
 * optimisers. Shared by the Model view, the engine and the CLI, and stored as runs/<id>/config.json.
 */
import { z } from 'zod';
import { resolutionSchema as resolution } from './schemas';

export const architectures = ['mlp', 'dcgan', 'cdcgan'] as const;
/** The most classes a conditional model takes (a dataset's subfolders). */
export const MAX_CLASSES = 1000;

export const lossKinds = ['bce', 'lsgan', 'wgan', 'wgan-gp', 'hinge'] as const;

const rate = z.number().positive().max(1);

export const modelConfigSchema = z
  .object({
    architecture: z.enum(architectures),
    resolution,
    channels: z.union([z.literal(1), z.literal(3)]),
    zDim: z.number().int().min(2).max(512),
    zDistribution: z.enum(['normal', 'uniform']),
    /** Channels (conv) or units (MLP) of the narrowest hidden layer; others are multiples. */
    gWidth: z.number().int().min(4).max(1024),
    dWidth: z.number().int().min(4).max(1024),
    upsample: z.enum(['transposed', 'upsample-conv']),
    dNorm: z.enum(['batch', 'spectral', 'none']),
    /** Classes for the conditional DCGAN (0 for unconditional models). */
    numClasses: z.number().int().min(0).max(MAX_CLASSES),
    /**
     * Where the conditional DCGAN's classes come from: the dataset's labels, or `clusters` — k-means
     * finds numClasses groups of similar images and the GAN is conditioned on them (self-conditioning,
     * Liu et al. 2020), so an unlabelled folder gets the conditional model's cleaner samples.
     */
    labels: z.enum(['dataset', 'clusters']).default('dataset'),
  })
  .strict();
export type ModelConfig = z.infer<typeof modelConfigSchema>;

/** The most clusters a model can be conditioned on. */
export const MAX_CLUSTERS = 100;

/** What the explorer, export and Evaluate views call a model's clusters: "Cluster 1" … "Cluster k". */
/** Whether a loss trains a Wasserstein critic: an output with no real/fake boundary (any constant
 *  can be added to it), so no sigmoid probabilities, no D(x) sign for adaptive augmentation. */
export function isWassersteinLoss(kind: LossConfig['kind']): boolean {
  return kind === 'wgan' || kind === 'wgan-gp';
}

export function clusterNames(k: number): string[] {
  return Array.from({ length: k }, (_, i) => `Cluster ${i + 1}`);
}

export const lossConfigSchema = z
  .object({
    kind: z.enum(lossKinds),
    /** One-sided label smoothing for BCE: real targets become 1 − s. */
    labelSmoothing: z.number().min(0).max(0.5),
    /** WGAN-GP's λ. */
    gpWeight: z.number().min(0).max(1000),
    /**
     * R1 (Mescheder et al. 2018): γ of the penalty γ/2 · E‖∇ₓD(x)‖² on D's gradient at the real
     * images, applied lazily (every R1_EVERY steps, at R1_EVERY times the weight); 0 is off. Not for
     * the Wasserstein critics, which have their own constraint. Configs from before it read 0.
     */
    r1: z.number().min(0).max(1000).default(0),
    /** WGAN's weight clipping bound c. */
    clip: z.number().positive().max(1),
  })
  .strict();
export type LossConfig = z.infer<typeof lossConfigSchema>;

/** Whether D's updates carry R1: γ > 0 on a loss with a real/fake boundary. */
export function usesR1(loss: Pick<LossConfig, 'kind' | 'r1'>): boolean {
  return loss.r1 > 0 && !isWassersteinLoss(loss.kind);
}

/** R1 runs on one step in this many, at this many times its weight (lazy regularisation, Karras et al. 2020): a quarter of its cost per step. */
export const R1_EVERY = 4;

export const optimizerConfigSchema = z
  .object({
    kind: z.enum(['adam', 'rmsprop']),
    gLr: rate,
    dLr: rate,
    beta1: z.number().min(0).max(0.999),
    beta2: z.number().min(0).max(0.9999),
    /**
     * Learning-rate decay: the share of the run's last steps over which both learning rates fall
     * linearly to 0 (0.5: full rates for the first half, then a straight line down). 0 keeps them.
     */
    lrDecay: z.number().min(0).max(1).default(0),
  })
  .strict();
export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;

/** Training-time augmentation (applied to real and fake alike, as DiffAugment requires). */
export const diffAugmentKinds = ['translation', 'color', 'cutout'] as const;
export const augmentConfigSchema = z
  .object({
    /** Random horizontal flips of real images: doubles the data for subjects without handedness. */
    flip: z.boolean(),
    /** DiffAugment policies (Zhao et al. 2020) for small datasets. */
    diffAugment: z.array(z.enum(diffAugmentKinds)).max(diffAugmentKinds.length),
    /**
     * Adaptive strength (ADA, Karras et al. 2020): each policy applies to each image with a
     * probability p that starts at 0 and follows how much D overfits (the share of real images it
     * scores as real, above a target), instead of always. False: every image, every step.
     */
    adaptive: z.boolean().default(false),
  })
  .strict();
export type AugmentConfig = z.infer<typeof augmentConfigSchema>;

export const evalMetrics = ['kid', 'fid'] as const;
/** Evaluation during training: a cheap metric every N steps that also marks the best checkpoint. */
export const evalConfigSchema = z
  .object({
    /** Steps between evaluations; 0 turns it off. */
    every: z.number().int().min(0),
    /** Generated images per evaluation. */
    samples: z.number().int().min(50).max(50_000),
    metric: z.enum(evalMetrics),
    /**
     * Early stopping: the run ends after this many evaluations in a row without a new best (its
     * best checkpoint kept). 0 trains every step. Defaults keep older configs readable.
     */
    patience: z.number().int().min(0).max(1000).default(0),
  })
  .strict();
export type EvalConfig = z.infer<typeof evalConfigSchema>;

export const trainConfigSchema = z
  .object({
    version: z.literal(1),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    model: modelConfigSchema,
    loss: lossConfigSchema,
    optimizer: optimizerConfigSchema,
    batchSize: z.number().int().min(2).max(1024),
    /** Discriminator (critic) updates per generator update. */
    nCritic: z.number().int().min(1).max(20),
    steps: z.number().int().min(1).max(10_000_000),
    /** EMA of G's weights for samples; 0 turns it off. */
    emaDecay: z.number().min(0).max(0.99999),
    sampleEvery: z.number().int().min(1),
    checkpointEvery: z.number().int().min(1),
    keepCheckpoints: z.number().int().min(1).max(100),
    // Defaults keep configs written before these fields existed readable.
    augment: augmentConfigSchema.default({ flip: false, diffAugment: [], adaptive: false }),
    evaluation: evalConfigSchema.default({ every: 0, samples: 500, metric: 'kid', patience: 0 }),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.model.labels === 'clusters' && config.model.architecture !== 'cdcgan') {
      ctx.addIssue({ code: 'custom', path: ['model', 'labels'], message: 'only the conditional DCGAN can be conditioned on clusters' });
    }
    if (config.model.labels === 'clusters' && config.model.numClasses > MAX_CLUSTERS) {
      ctx.addIssue({ code: 'custom', path: ['model', 'numClasses'], message: `at most ${MAX_CLUSTERS} clusters` });
    }
    if (config.model.architecture === 'cdcgan' && config.model.numClasses < 2) {
      const message = config.model.labels === 'clusters' ? 'use at least 2 clusters' : 'a conditional GAN needs a labelled dataset with at least 2 classes';
      ctx.addIssue({ code: 'custom', path: ['model', 'numClasses'], message });
    }
    if (config.model.architecture !== 'cdcgan' && config.model.numClasses !== 0) {
      ctx.addIssue({ code: 'custom', path: ['model', 'numClasses'], message: 'only the conditional DCGAN uses classes' });
    }
    if (config.augment.adaptive && config.augment.diffAugment.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['augment', 'adaptive'], message: 'adaptive strength needs at least one DiffAugment policy to adapt' });
    }
    if (config.augment.adaptive && isWassersteinLoss(config.loss.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['augment', 'adaptive'],
        message: 'adaptive strength reads overfitting from the sign of D’s output, which a Wasserstein critic does not have (use a fixed strength)',
      });
    }
    if (config.loss.r1 > 0 && isWassersteinLoss(config.loss.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['loss', 'r1'],
        message: 'R1 flattens D’s output around the real images, which needs a real/fake boundary; a Wasserstein critic is kept Lipschitz its own way (set R1 to 0)',
      });
    }
    if (config.loss.kind === 'wgan-gp' && config.model.dNorm === 'batch') {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'dNorm'],
        message: 'WGAN-GP penalises each sample’s gradient; batch norm in the critic mixes samples and breaks the penalty (use none or spectral)',
      });
    }
  });
export type TrainConfig = z.infer<typeof trainConfigSchema>;
