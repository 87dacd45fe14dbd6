/**
 * Choices and one-line explanations for the Train view, worded after the GAN course notes and the
 * papers the presets come from, so the form teaches as it goes.
 */
import type { LossConfig, ModelConfig } from '../../../../src-main/api/train-config';
import type { PresetName } from '../../../../src-main/api/training';
import type { ConfigDraft } from '../../lib/train-validation';

export const presetOptions: { value: PresetName; label: string }[] = [
  { value: 'mlp', label: 'MLP GAN (course week 1)' },
  { value: 'dcgan', label: 'DCGAN (Radford et al.)' },
  { value: 'cdcgan', label: 'Conditional DCGAN' },
  { value: 'wgan-gp', label: 'WGAN-GP' },
];

export const presetHints: Record<PresetName, string> = {
  mlp: 'Fully connected G and D with BCE and lr 0.002, as in the first notebook. The fastest to train on a CPU.',
  dcgan: 'Strided convolutions, batch norm, Adam with lr 0.0002 and β₁ 0.5: the DCGAN guidelines.',
  cdcgan: 'A DCGAN that is also told the digit (one-hot label), so you can ask it for a given class.',
  'wgan-gp': 'Gulrajani et al.: a critic without batch norm, gradient penalty λ = 10, five critic steps per G step.',
};

export const datasetOptions = [{ value: 'demo:mnist', label: 'MNIST digits (demo)' }] as const;

export const lossOptions: { value: LossConfig['kind']; label: string }[] = [
  { value: 'bce', label: 'BCE' },
  { value: 'lsgan', label: 'LSGAN' },
  { value: 'wgan', label: 'WGAN' },
  { value: 'wgan-gp', label: 'WGAN-GP' },
  { value: 'hinge', label: 'Hinge' },
];

export const lossHints: Record<LossConfig['kind'], string> = {
  bce: 'Binary cross-entropy, the original GAN with the non-saturating G loss. Label smoothing applies here.',
  lsgan: 'Least squares: keeps pulling samples towards the real data even once D is sure, so gradients stay alive.',
  wgan: 'Wasserstein loss with weight clipping: the critic scores instead of classifying.',
  'wgan-gp': 'Wasserstein loss with a gradient penalty instead of clipping; use several critic steps per G step.',
  hinge: 'Hinge loss, as in SAGAN and BigGAN; pairs well with spectral norm.',
};

export const dNormOptions: { value: ModelConfig['dNorm']; label: string }[] = [
  { value: 'batch', label: 'Batch norm' },
  { value: 'spectral', label: 'Spectral norm' },
  { value: 'none', label: 'None' },
];
export const dNormHint = 'How the discriminator (critic) keeps its layers in range.';

export const hints = {
  steps: 'Generator updates to train for.',
  batchSize: 'Real images per step.',
  lr: 'Adam step size.',
  nCritic: 'D (critic) updates per G update.',
  labelSmoothing: 'Real targets become 1 − s (BCE only).',
  emaDecay: 'Averages G’s weights for samples; 0 is off.',
  seed: 'Same seed, same run.',
  sampleEvery: 'Steps between sample grids.',
  checkpointEvery: 'Steps between checkpoints.',
};

/** The parts of the model the form does not edit, in one line under the preset. */
export function architectureSummary(config: ConfigDraft): string {
  const { architecture, resolution, channels, zDim, numClasses } = config.model;
  const name = { mlp: 'MLP', dcgan: 'DCGAN', cdcgan: 'Conditional DCGAN' }[architecture];
  const classes = numClasses ? ` · ${numClasses} classes` : '';
  return `${name} · ${resolution}×${resolution}×${channels} · z ${zDim}${classes}`;
}

export const chartNotes = {
  loss: 'Neither loss should run to zero or blow up; a D loss near zero means the discriminator has won.',
  probabilities: 'Both drift towards 0.5 as G improves. D(x) → 1 with D(G(z)) → 0 means D is overpowering G.',
  wasserstein: 'The critic’s distance estimate should shrink as samples improve; the penalty should stay small.',
  gradients: 'A G gradient norm sinking towards zero means vanishing gradients: G has stopped learning.',
  throughput: 'Training speed: batch size divided by step time.',
};
