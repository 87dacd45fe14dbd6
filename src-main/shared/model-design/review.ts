/**
 * Checks a training configuration before anything is built: the schema main enforces, then what the
 * schema cannot know — the dataset it will train on, the backend's memory, and combinations the GAN
 * literature warns about. Pure (no tfjs, no Node), shared by the Model view, the Train view's form
 * and the engine, so the app refuses exactly what the engine would fail on and says why.
 */
import type { z } from 'zod';
import { StudioError } from '../../api/rpc';
import type { BackendName, DatasetSummary } from '../../api/schemas';
import { isWassersteinLoss, trainConfigSchema, type LossConfig, type TrainConfig } from '../../api/train-config';
import { formatBytes } from '../bytes';
import { memoryShares, trainingMemory, WASM_HEAP_LIMIT } from './cost';

/** A loss as the Model view names it (hinge is a word, the others acronyms). */
const lossName = (kind: LossConfig['kind']) => (kind === 'hinge' ? 'hinge' : kind.toUpperCase());

export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  /** The field it is about ('model.dNorm', 'batchSize'…), or '' for the config as a whole. */
  path: string;
  message: string;
}

/** What a config will train on, as far as checking it needs. */
export interface DatasetShape {
  name: string;
  width: number;
  height: number;
  channels: 1 | 3;
  count: number;
  /** Class names found (subfolders); 0 for an unlabelled dataset. */
  classes: number;
  /** Images that carry a class. */
  labelled: number;
}

/** The shape of a dataset as the Data view and the engine describe it. */
export function datasetShapeOf(summary: Pick<DatasetSummary, 'name' | 'width' | 'height' | 'channels' | 'count' | 'classes'>): DatasetShape {
  const { name, width, height, channels, count, classes } = summary;
  return { name, width, height, channels, count, classes: classes.length, labelled: classes.reduce((n, c) => n + c.count, 0) };
}

export interface ReviewContext {
  /** null when not known (e.g. the engine measuring with stand-in data). */
  dataset?: DatasetShape | null;
  /** The active backend; memory limits are checked only when it is known. */
  backend?: BackendName | null;
}

export interface Review {
  /** The parsed config, or null when the schema refuses it. */
  config: TrainConfig | null;
  findings: Finding[];
  /** No errors: the config can train. */
  ok: boolean;
}

/** The settings by their path in TrainConfig, with the names the forms show. */
export const fieldLabels: Record<string, string> = {
  'model.architecture': 'Architecture',
  'model.resolution': 'Resolution',
  'model.channels': 'Channels',
  'model.zDim': 'z dimension',
  'model.zDistribution': 'z distribution',
  'model.gWidth': 'G width',
  'model.dWidth': 'D width',
  'model.upsample': 'Upsampling',
  'model.dNorm': 'Critic normalisation',
  'model.numClasses': 'Classes',
  'model.labels': 'Class labels',
  'loss.kind': 'Loss',
  'loss.labelSmoothing': 'Label smoothing',
  'loss.gpWeight': 'Gradient penalty λ',
  'loss.r1': 'R1 penalty γ',
  'loss.clip': 'Weight clip c',
  'optimizer.kind': 'Optimiser',
  'optimizer.gLr': 'G learning rate',
  'optimizer.dLr': 'D learning rate',
  'optimizer.beta1': 'β₁',
  'optimizer.beta2': 'β₂',
  'optimizer.lrDecay': 'Learning-rate decay',
  batchSize: 'Batch size',
  nCritic: 'n_critic',
  steps: 'Steps',
  emaDecay: 'EMA decay',
  sampleEvery: 'Sample every',
  checkpointEvery: 'Checkpoint every',
  keepCheckpoints: 'Keep checkpoints',
  'augment.flip': 'Horizontal flips',
  'augment.diffAugment': 'DiffAugment',
  'augment.adaptive': 'Adaptive strength',
  'evaluation.every': 'Evaluate every',
  'evaluation.samples': 'Evaluation samples',
  'evaluation.metric': 'Metric',
  'evaluation.patience': 'Stop after evaluations without improvement',
  seed: 'Seed',
};

/** "Batch size: must be at least 2" — a finding as one line a person can act on. */
export function describeFinding(finding: Finding): string {
  return finding.path ? `${fieldLabels[finding.path] ?? finding.path}: ${finding.message}` : finding.message;
}

// Empty number inputs arrive as null/undefined; "expected number, received null" says it like a parser.
export const friendly: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && (issue.input === null || issue.input === undefined) ? 'Enter a number' : undefined;

const schemaNotes: Record<string, string> = {
  'model.resolution': 'the models are built for 28, 32, 64 or 128 px: the DCGAN doubles a 7×7 or 4×4 start (7·2ᵏ or 4·2ᵏ)',
};

/** Schema errors first (nothing else can be checked without a valid config), then the rest. */
export function reviewConfig(input: unknown, context: ReviewContext = {}): Review {
  const parsed = trainConfigSchema.safeParse(input, { error: friendly });
  if (!parsed.success) {
    const findings = parsed.error.issues.map((issue): Finding => {
      const path = issue.path.join('.');
      const note = schemaNotes[path];
      return { severity: 'error', path, message: note && issue.code !== 'invalid_type' ? note : issue.message };
    });
    return { config: null, findings, ok: false };
  }
  const config = parsed.data;
  const findings = [...datasetFindings(config, context.dataset ?? null), ...memoryFindings(config, context.backend ?? null), ...trainingFindings(config)];
  return { config, findings, ok: !findings.some((f) => f.severity === 'error') };
}

/** For the engine: refuses a config that cannot train, with every reason, before anything is built. */
export function assertTrainable(input: unknown, context: ReviewContext = {}): TrainConfig {
  const review = reviewConfig(input, context);
  if (review.config && review.ok) return review.config;
  throw new StudioError({
    code: 'invalid-request',
    message: 'This configuration cannot train.',
    issues: review.findings.filter((f) => f.severity === 'error').map(describeFinding),
  });
}

/** Datasets with more uint8 pixels than this train from a stream instead of memory. */
export const STREAM_ABOVE_BYTES = 2 ** 30;

/** Fewer images than this per cluster make clusters of near-copies, which G can only memorise. */
export const IMAGES_PER_CLUSTER = 20;

const error = (path: string, message: string): Finding => ({ severity: 'error', path, message });
const warning = (path: string, message: string): Finding => ({ severity: 'warning', path, message });

function datasetFindings(config: TrainConfig, data: DatasetShape | null): Finding[] {
  if (!data) return [];
  const out: Finding[] = [];
  const { model } = config;
  if (model.architecture === 'cdcgan' && model.labels === 'clusters') {
    if (data.count * data.width * data.height * data.channels > STREAM_ABOVE_BYTES) {
      out.push(error('model.labels', `${data.name} is over 1 GiB and trains from a stream; clusters are found in a dataset held in memory: train a plain DCGAN, or import the images at a smaller size`));
    } else if (data.count < 2 * IMAGES_PER_CLUSTER) {
      out.push(error('model.labels', `${data.count.toLocaleString('en-US')} images are too few to cluster: 2 clusters need at least ${2 * IMAGES_PER_CLUSTER} (${IMAGES_PER_CLUSTER} each). Train on the dataset's own labels or a plain DCGAN, or add images`));
    } else if (data.count < model.numClasses * IMAGES_PER_CLUSTER) {
      out.push(error('model.numClasses', `${data.count.toLocaleString('en-US')} images are too few for ${model.numClasses} clusters: each should hold at least ${IMAGES_PER_CLUSTER} images (use ${Math.floor(data.count / IMAGES_PER_CLUSTER)} or fewer)`));
    }
  } else if (model.architecture === 'cdcgan') {
    if (data.classes < 2) {
      out.push(error('model.architecture', `${data.name} has no class labels: a conditional GAN learns “draw class y”, so it needs images sorted into subfolders, one per class`));
    } else if (model.numClasses !== data.classes) {
      out.push(error('model.numClasses', `${data.name} has ${data.classes} classes; the model is built for ${model.numClasses}: fit the model to the dataset`));
    } else if (data.labelled < data.count) {
      out.push(warning('model.architecture', `${(data.count - data.labelled).toLocaleString('en-US')} of ${data.count.toLocaleString('en-US')} images have no class and reach the model with an empty label`));
    }
  }
  const size = Math.max(data.width, data.height);
  if (model.resolution > size) {
    out.push(warning('model.resolution', `${data.name} is ${data.width}×${data.height}: upscaled to ${model.resolution} px, the model learns blur and spends ${Math.round((model.resolution / size) ** 2)}× the compute`));
  } else if (model.resolution < size / 1.5) {
    out.push(warning('model.resolution', `${data.name} is ${data.width}×${data.height}: images are shrunk to ${model.resolution} px and detail is lost`));
  }
  if (data.width !== data.height) {
    // Every architecture here draws squares; memory-batches resizes each image to one.
    out.push(warning('model.resolution', `${data.name} is ${data.width}×${data.height}: the models draw squares, so images are stretched to ${model.resolution}×${model.resolution} (import with crop or pad to keep their proportions)`));
  }
  if (model.channels === 3 && data.channels === 1) out.push(warning('model.channels', `${data.name} is grayscale: the three channels will all be the same`));
  if (model.channels === 1 && data.channels === 3) out.push(warning('model.channels', `${data.name} is in colour: it will be averaged to gray`));
  if (config.batchSize > data.count) out.push(warning('batchSize', `larger than the ${data.count.toLocaleString('en-US')} images: every batch repeats images`));
  if (data.count < 2000 && config.augment.diffAugment.length === 0) {
    out.push(warning('augment.diffAugment', `${data.count.toLocaleString('en-US')} images is a small dataset: D soon memorises it. Augmentation at adaptive strength (ADA, Karras et al. 2020; here DiffAugment's policies) is made for that and helped most below a few thousand images; on 3,752 emoji it did not help, so try it against a run without`));
  }
  return out;
}

function memoryFindings(config: TrainConfig, backend: BackendName | null): Finding[] {
  if (backend !== 'wasm') return [];
  const heap = trainingMemory(config).total;
  if (heap <= 0.75 * WASM_HEAP_LIMIT) return [];
  // The finding sits on the setting whose halving saves the most, not always on the batch size.
  const shares = memoryShares(config).filter((s) => s.saved > 0);
  const path = shares[0]?.path ?? 'batchSize';
  const name = (p: string) => (fieldLabels[p] ?? p).replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());
  const lower = shares.length
    ? `halving ${name(path)} saves the most (about ${formatBytes(shares[0]!.saved)}${shares
        .slice(1)
        .map((s) => `; ${name(s.path)}: ${formatBytes(s.saved)}`)
        .join('')})`
    : 'lower the resolution';
  const needs = `a step needs about ${formatBytes(heap)}`;
  const limit = `the WebAssembly backend’s ${formatBytes(WASM_HEAP_LIMIT)} heap`;
  if (heap > WASM_HEAP_LIMIT) return [error(path, `${needs}, more than ${limit}: ${lower}`)];
  return [warning(path, `${needs} of ${limit}: close to the limit; if it fails, ${lower}`)];
}

function trainingFindings(config: TrainConfig): Finding[] {
  const out: Finding[] = [];
  const { model, loss, optimizer } = config;
  const wasserstein = isWassersteinLoss(loss.kind);
  if (config.nCritic > 1 && !wasserstein) {
    out.push(warning('nCritic', `${config.nCritic} D steps per G step suit a Wasserstein critic; a ${lossName(loss.kind)} discriminator trained that much wins, and G’s gradients vanish`));
  }
  if (loss.kind === 'wgan-gp' && config.nCritic === 1) {
    out.push(warning('nCritic', 'WGAN-GP trains the critic closer to optimal than G: Gulrajani et al. use 5 critic steps per G step'));
  }
  if (loss.kind === 'wgan' && optimizer.kind === 'adam' && optimizer.beta1 > 0) {
    out.push(warning('optimizer.kind', 'with weight clipping, Arjovsky et al. found momentum (Adam) unstable for the critic and used RMSProp'));
  }
  if (loss.kind === 'wgan' && model.dNorm === 'spectral') {
    out.push(warning('model.dNorm', 'spectral norm already keeps the critic 1-Lipschitz; weight clipping on top cripples it'));
  }
  if (loss.kind !== 'bce' && loss.labelSmoothing > 0) {
    out.push(warning('loss.labelSmoothing', `only BCE has labels to smooth: it does nothing with ${lossName(loss.kind)}`));
  }
  if (model.architecture === 'mlp' && model.dNorm !== 'none') {
    out.push(warning('model.dNorm', 'the MLP discriminator uses dropout, not normalisation: this setting only applies to DCGAN critics'));
  }
  if (model.architecture !== 'mlp' && model.dNorm === 'batch' && config.batchSize < 16) {
    out.push(warning('batchSize', `batch norm statistics over ${config.batchSize} images are noisy; use 16 or more, or spectral norm`));
  }
  for (const [path, lr] of [['optimizer.gLr', optimizer.gLr], ['optimizer.dLr', optimizer.dLr]] as const) {
    if (lr > 5e-3) out.push(warning(path, `${lr} is high for a GAN (usual: 0.0001–0.002); expect oscillation or divergence`));
    else if (lr < 1e-5) out.push(warning(path, `${lr} is very low (usual: 0.0001–0.002): training will crawl`));
  }
  const ratio = optimizer.dLr / optimizer.gLr;
  if (ratio > 10 || ratio < 0.1) out.push(warning('optimizer.dLr', `D learns ${ratio > 1 ? `${Math.round(ratio)}× faster` : `${Math.round(1 / ratio)}× slower`} than G: the two should stay at a similar skill level`));
  if (optimizer.kind === 'adam' && optimizer.beta1 > 0.8) {
    out.push(warning('optimizer.beta1', 'Radford et al. found β₁ = 0.9 made GAN training oscillate; 0.5 (or 0 for WGAN-GP) is usual'));
  }
  if (config.emaDecay > 0 && config.emaDecay < 0.9) out.push(warning('emaDecay', 'an average over so few steps barely smooths G; 0.999 is usual'));
  if (config.emaDecay > 0 && 1 / (1 - config.emaDecay) > config.steps) {
    out.push(warning('emaDecay', `averages over about ${Math.round(1 / (1 - config.emaDecay)).toLocaleString('en-US')} steps, longer than the run: samples lag behind G`));
  }
  if (config.sampleEvery > config.steps) out.push(warning('sampleEvery', 'longer than the run: you will see only the first grid'));
  if (config.checkpointEvery > config.steps) out.push(warning('checkpointEvery', 'longer than the run: no checkpoint before the last step, so a crash loses everything'));
  const { evaluation } = config;
  if (evaluation.every > config.steps) out.push(warning('evaluation.every', 'longer than the run: it will never evaluate'));
  if (evaluation.patience > 0 && evaluation.every === 0) {
    out.push(warning('evaluation.patience', 'early stopping needs evaluations: set “Evaluate every”, or the run trains all its steps'));
  }
  if (evaluation.every > 0 && evaluation.metric === 'fid' && evaluation.samples < 2000) {
    out.push(warning('evaluation.samples', `FID is biased upwards with few samples (${evaluation.samples}); use KID, or 2,000 or more`));
  }
  return out;
}
