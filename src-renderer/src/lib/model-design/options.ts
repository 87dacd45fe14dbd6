/**
 * Choices and one-line explanations for every training setting, worded after the GAN course notes
 * (activations, tanh output, z, batch norm, checkerboard artefacts, W-loss, RMSProp for the critic,
 * FID vs KID) and the papers the presets come from, so the Model view teaches as it goes. The Train
 * view's form shows the same fields with the same words.
 */
import { R1_EVERY, type AugmentConfig, type EvalConfig, type LossConfig, type ModelConfig, type OptimizerConfig } from '../../../../src-main/api/train-config';
import type { PresetName } from '../../../../src-main/api/training';
import type { ConfigDraft } from '../train-validation';

export type Option<T> = { value: T; label: string };

export const presetOptions: Option<PresetName>[] = [
  { value: 'mlp', label: 'MLP GAN (course week 1)' },
  { value: 'dcgan', label: 'DCGAN (Radford et al.)' },
  { value: 'dcgan-clusters', label: 'DCGAN on clusters (no labels)' },
  { value: 'cdcgan', label: 'Conditional DCGAN' },
  { value: 'wgan-gp', label: 'WGAN-GP' },
  { value: 'small-colour', label: 'Small colour folder' },
];

export const presetHints: Record<PresetName, string> = {
  mlp: 'Fully connected G and D with BCE and lr 0.002, as in the first notebook. The fastest to train on a CPU.',
  dcgan: 'Strided convolutions, batch norm, Adam with lr 0.0002 and β₁ 0.5: the DCGAN guidelines.',
  'dcgan-clusters':
    'The DCGAN, told which of 20 groups of similar images (k-means clusters, found when training starts) to draw: self-conditioning, Liu et al. 2020. It needs no labels. On the digits it draws far fewer in-between, hybrid shapes than the plain DCGAN (11× lower KID at the same steps). On colour emoji, judged by a classifier of their categories, it was ahead of the plain DCGAN on one seed (×1.5) and 3× behind on another after 40 minutes, with fewer steps and swinging quality: the plain DCGAN is the safer choice for colour.',
  cdcgan: 'A DCGAN that is also told the class (one-hot label), so you can ask it for a given class. It trains on a folder sorted into subfolders, one per class; the Train view offers it when one is picked.',
  'wgan-gp': 'Gulrajani et al.: a critic without batch norm, gradient penalty λ = 10, five critic steps per G step.',
  'small-colour':
    'The DCGAN recipe at 32 px RGB with R1 γ 1 on D, for a few thousand colour images. R1 penalises D’s slope at the real images, which damps the swings of a D that keeps winning; it costs about 14 % per step. On colour emoji, an hour each (README, #20), it was ahead of the plain DCGAN on every run by FID, and by KID its final checkpoint had ≈ 0–0.32 of the plain DCGAN’s and its best-marked one 0.24–0.79 (two seeds on Twitter’s set, one on Google’s); it still swings between checkpoints, so turn on in-training evaluation (Evaluate every) to keep the best. Augmentation (DiffAugment, adaptive), flips, clusters, wider nets and spectral norm with hinge were not ahead.'
};

export const architectureOptions: Option<ModelConfig['architecture']>[] = [
  { value: 'mlp', label: 'MLP' },
  { value: 'dcgan', label: 'DCGAN' },
  { value: 'cdcgan', label: 'Conditional' },
];
export const architectureHints: Record<ModelConfig['architecture'], string> = {
  mlp: 'Fully connected layers (course week 1), dropout in D. Fast on a CPU and fine for small digits; blurry beyond that.',
  dcgan: 'Radford et al.: strided convolutions instead of pooling, batch norm, ReLU in G, LeakyReLU in D.',
  cdcgan: 'A DCGAN that also gets the class: one-hot appended to z, and as constant image planes to D.',
};

export const labelsOptions: Option<ModelConfig['labels']>[] = [
  { value: 'dataset', label: 'The dataset’s classes' },
  { value: 'clusters', label: 'Clusters found in the images' },
];
export const labelsHints: Record<ModelConfig['labels'], string> = {
  dataset: 'Each subfolder of the dataset is a class, and you can ask for any of them.',
  clusters:
    'Self-conditioning (Liu et al. 2020): k-means sorts the images into groups of similar ones when training starts, and G is told the group. An unconditional G has to stretch one latent space over every kind of image and draws hybrids in between; this one does not, and needs no labels. Evaluation samples the clusters in the data’s proportions; grids and exports cycle through them or draw the one you pick.',
};
/** The default cluster count when a model switches to clusters. */
export const DEFAULT_CLUSTERS = 20;

export const resolutionOptions: Option<ModelConfig['resolution']>[] = [28, 32, 64, 128].map((r) => ({ value: r as ModelConfig['resolution'], label: String(r) }));
export const channelOptions: Option<ModelConfig['channels']>[] = [
  { value: 1, label: '1 · grayscale' },
  { value: 3, label: '3 · RGB' },
];
export const zDistributionOptions: Option<ModelConfig['zDistribution']>[] = [
  { value: 'normal', label: 'Normal N(0, I)' },
  { value: 'uniform', label: 'Uniform [−1, 1]' },
];
export const upsampleOptions: Option<ModelConfig['upsample']>[] = [
  { value: 'transposed', label: 'Transposed convolution' },
  { value: 'upsample-conv', label: 'Upsample + conv (no checkerboard)' },
];
export const dNormOptions: Option<ModelConfig['dNorm']>[] = [
  { value: 'batch', label: 'Batch norm' },
  { value: 'spectral', label: 'Spectral norm' },
  { value: 'none', label: 'None' },
];

export const lossOptions: Option<LossConfig['kind']>[] = [
  { value: 'bce', label: 'BCE' },
  { value: 'lsgan', label: 'LSGAN' },
  { value: 'wgan', label: 'WGAN' },
  { value: 'wgan-gp', label: 'WGAN-GP' },
  { value: 'hinge', label: 'Hinge' },
];
export const lossHints: Record<LossConfig['kind'], string> = {
  bce: 'Binary cross-entropy, the original GAN with the non-saturating G loss. When D wins, its feedback goes flat (vanishing gradients).',
  lsgan: 'Least squares: keeps pulling samples towards the real data even once D is sure, so gradients stay alive.',
  wgan: 'Wasserstein (earth mover’s) loss: the critic scores instead of classifying, with weights clipped to keep it 1-Lipschitz.',
  'wgan-gp': 'Wasserstein loss with a gradient penalty instead of clipping: no flat regions, less mode collapse. Use several critic steps.',
  hinge: 'Hinge loss, as in SAGAN and BigGAN; pairs well with spectral norm.',
};

export const optimizerOptions: Option<OptimizerConfig['kind']>[] = [
  { value: 'adam', label: 'Adam' },
  { value: 'rmsprop', label: 'RMSProp' },
];
export const diffAugmentOptions: Option<AugmentConfig['diffAugment'][number]>[] = [
  { value: 'translation', label: 'Translation' },
  { value: 'color', label: 'Colour' },
  { value: 'cutout', label: 'Cutout' },
];
export const metricOptions: Option<EvalConfig['metric']>[] = [
  { value: 'kid', label: 'KID' },
  { value: 'fid', label: 'FID' },
];

/** One line per setting, by its path in TrainConfig. */
export const fieldHints: Record<string, string> = {
  'model.resolution': 'Pixels per side, from the dataset. The DCGAN doubles a 7×7 or 4×4 start: 28 = 7·2², 32…128 = 4·2ⁿ.',
  'model.channels': '1 for grayscale, 3 for RGB, from the dataset. G ends in tanh, so its pixels span [−1, 1] like the scaled data.',
  'model.numClasses': 'How many groups k-means finds: about twice the kinds of image you expect works well (20 for digits). Each needs at least 20 images.',
  'model.zDim': 'Size of the noise vector z: room for many possibilities. No number is special; 100 is standard, 128 or 512 work too.',
  'model.zDistribution': 'Where z is drawn from. N(0, I) is standard (and what the truncation trick later cuts); uniform works too.',
  'model.gWidth':
    'Sets G’s layer widths (see the layer table): the DCGAN projects z to 2ⁿ× it (16× at 64 px) and halves at each upsampling, down to 2× before the image; the MLP’s hidden layers are 1×, 2× and 4× it. Parameters grow with its square.',
  'model.dWidth':
    'Sets D’s layer widths: the DCGAN critic’s first conv has this many channels and each later one doubles it; the MLP’s hidden layers are 4×, 2× and 1× it. D’s task is easier, so it may be narrower.',
  'model.upsample':
    'Transposed convolutions weigh some pixels more than their neighbours and can leave a checkerboard; upsampling, then a 3×3 convolution, avoids it.',
  'model.dNorm':
    'Batch norm (DCGAN) normalises over the batch; spectral norm caps each layer’s gain (Miyato et al.); WGAN-GP needs none or spectral.',
  'loss.labelSmoothing': 'One-sided: real targets become 1 − s (0.1 → 0.9) so D is never certain; fakes stay 0. BCE only.',
  'loss.gpWeight': 'λ: how strongly the critic’s gradient norm on real–fake blends is pulled to 1. Gulrajani et al. use 10.',
  'loss.r1':
    `γ of R1 (Mescheder et al. 2018): D is penalised for steep slopes at the real images, which damps the back-and-forth of a D that keeps winning. Applied on one step in ${R1_EVERY} at ${R1_EVERY}× the weight. 0 is off. Not for the Wasserstein losses. With batch norm in D and training on several replicas, each replica takes the slope over its own rows' statistics. On colour emoji, γ 1 was ahead of the plain DCGAN over an hour on two seeds and a second emoji set (README, #20): the Small colour folder preset uses it. Other values of γ are not measured.`,
  'loss.clip': 'Weights are clipped to [−c, c] to keep the critic Lipschitz, which also limits what it can learn. The paper uses 0.01.',
  'optimizer.kind': 'Adam with β₁ 0.5 is the DCGAN choice. For WGAN with clipping the authors recommend RMSProp: momentum made the critic unstable.',
  'optimizer.gLr': 'G’s step size. DCGAN uses 0.0002, the week-1 MLP 0.002.',
  'optimizer.dLr': 'D’s step size. Near G’s keeps the two at a similar skill level; a somewhat faster D (TTUR) is sometimes used.',
  'optimizer.beta1': 'Adam’s momentum. Radford et al. lowered it from 0.9 to 0.5 to stop oscillation; WGAN-GP uses 0.',
  'optimizer.beta2': 'Adam’s average of squared gradients. 0.999 is standard; WGAN-GP uses 0.9.',
  'optimizer.lrDecay':
    'The share of the run’s last steps over which both learning rates fall in a straight line to 0 (0.5: full rates for the first half). Meant to let G settle; on the emoji it did not help (final KID 1.3× and 2.7× worse in two runs, best checkpoints level or 1.5× worse: README, #20), so no preset uses it. 0 is off.',
  nCritic: 'D (critic) updates per G update: 5 for WGAN and WGAN-GP, whose critic should stay near optimal; 1 for BCE, or D wins.',
  batchSize: 'Real images per step. Bigger is smoother and faster per image but needs memory; batch norm wants 16 or more.',
  steps: 'Generator updates to train for; the summary says how long they will take.',
  emaDecay: 'A moving average of G’s weights for samples (0.999 ≈ the last 1,000 steps): smoother, often better images. 0 is off.',
  sampleEvery: 'Steps between fixed-noise sample grids: the timelapse of the run. The first five intervals get five times as many (never closer than 5 steps), so the first grids come quickly.',
  checkpointEvery: 'Steps between checkpoints: the full state, to resume after a crash or roll back after divergence.',
  keepCheckpoints: 'Recent checkpoints kept on disk (the best one is kept as well).',
  seed: 'Same seed and settings give the same weights, batches and noise: a run is reproducible.',
  'augment.flip': 'Random horizontal flips of the real images double the data for subjects without handedness (not text or digits).',
  'augment.diffAugment': 'DiffAugment (Zhao et al. 2020) augments real and fake alike, differentiably, so D cannot memorise a small dataset.',
  'augment.adaptive':
    'ADA (Karras et al. 2020): each ticked policy applies to each image with a chance p that starts at 0 and rises only while D memorises the real images (the Train view charts it). Off: every image, every step. Not with Wasserstein losses.',
  'evaluation.every': 'Steps between quality measurements, which also mark the best checkpoint; 0 turns them off.',
  'evaluation.samples': 'Generated images per measurement: more is steadier and slower.',
  'evaluation.patience':
    'Early stopping: the run ends after this many evaluations in a row without a new best, and keeps its best checkpoint (Explore and Gallery open it). One evaluation is noisy: on the emoji, evaluated every 1,000 steps, a patience of 5 would have ended one run of four before its best checkpoint, 7 none (README, #20). 0 trains every step.',
  'evaluation.metric': 'KID is unbiased even with a few hundred samples; FID is the standard but biased upwards with few samples.',
};

export const activationNote =
  'Fixed by the architecture, as the course teaches: ReLU in G (LeakyReLU in the MLP) and tanh at its output, so pixels land in [−1, 1] like the scaled data; LeakyReLU 0.2 in D, whose small negative slope keeps gradients flowing (no dying ReLU) back to G.';

/** Range and step of each number field, matching the schema. */
export const numberRanges: Record<string, { min: number; max?: number; step?: number | 'any' }> = {
  'model.zDim': { min: 2, max: 512 },
  'model.numClasses': { min: 2, max: 100 },
  'model.gWidth': { min: 4, max: 1024 },
  'model.dWidth': { min: 4, max: 1024 },
  'loss.labelSmoothing': { min: 0, max: 0.5, step: 'any' },
  'loss.gpWeight': { min: 0, max: 1000, step: 'any' },
  'loss.r1': { min: 0, max: 1000, step: 'any' },
  'loss.clip': { min: 0, max: 1, step: 'any' },
  'optimizer.gLr': { min: 0, max: 1, step: 'any' },
  'optimizer.dLr': { min: 0, max: 1, step: 'any' },
  'optimizer.beta1': { min: 0, max: 0.999, step: 'any' },
  'optimizer.beta2': { min: 0, max: 0.9999, step: 'any' },
  'optimizer.lrDecay': { min: 0, max: 1, step: 'any' },
  nCritic: { min: 1, max: 20 },
  batchSize: { min: 2, max: 1024 },
  steps: { min: 1, max: 10_000_000 },
  emaDecay: { min: 0, max: 0.99999, step: 'any' },
  sampleEvery: { min: 1 },
  checkpointEvery: { min: 1 },
  keepCheckpoints: { min: 1, max: 100 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  'evaluation.every': { min: 0 },
  'evaluation.samples': { min: 50, max: 50_000 },
  'evaluation.patience': { min: 0, max: 1000 },
};

/** "DCGAN · 28×28×1 · z 64 · BCE" — the model in one line. */
export function architectureSummary(config: ConfigDraft): string {
  const { architecture, resolution, channels, zDim, numClasses } = config.model;
  const name = { mlp: 'MLP', dcgan: 'DCGAN', cdcgan: 'Conditional DCGAN' }[architecture];
  const classes = numClasses ? ` · ${numClasses} ${config.model.labels === 'clusters' ? 'clusters' : 'classes'}` : '';
  return `${name} · ${resolution}×${resolution}×${channels} · z ${zDim ?? '?'}${classes} · ${lossOptions.find((o) => o.value === config.loss.kind)?.label ?? config.loss.kind}`;
}
