/**
 * Choices and one-line explanations for the model form. The wording follows the GAN course notes
 * (DCGAN guidelines, tanh output, z size, checkerboard artefacts) so the form teaches as it goes.
 */
import type { GeneratorPreviewRequest } from '../../../../src-main/api/schemas';

type Option<K extends keyof GeneratorPreviewRequest> = { value: GeneratorPreviewRequest[K]; label: string };

export const architectures: Option<'architecture'>[] = [
  { value: 'mlp', label: 'MLP GAN' },
  { value: 'dcgan', label: 'DCGAN' },
];

export const architectureHints: Record<GeneratorPreviewRequest['architecture'], string> = {
  mlp: 'Fully connected layers with ReLU and a tanh output: the classic first GAN, fine for small digits.',
  dcgan:
    'Convolutions instead of pooling, batch norm, ReLU in the generator and tanh on the output: the DCGAN guidelines.',
};

export const resolutionOptions: Option<'resolution'>[] = [
  { value: 28, label: '28' },
  { value: 32, label: '32' },
  { value: 64, label: '64' },
  { value: 128, label: '128' },
];
export const resolutionHint = 'Pixels per side. DCGAN doubles a 7×7 or 4×4 start: 28 = 7·2², 32…128 = 4·2ⁿ.';

export const channelOptions: Option<'channels'>[] = [
  { value: 1, label: '1 · grayscale' },
  { value: 3, label: '3 · RGB' },
];
export const channelHint = 'The output is tanh, so pixels come out in [−1, 1] and are mapped to 0–255 to show them.';

export const upsampleOptions: Option<'upsample'>[] = [
  { value: 'transposed', label: 'Transposed convolution' },
  { value: 'upsample-conv', label: 'Upsample + conv (avoids checkerboard artefacts)' },
];
export const upsampleHints = {
  dcgan:
    'Transposed convolutions weigh some pixels more than their neighbours, which can show as a checkerboard; upsampling first, then convolving, avoids it.',
  mlp: 'Only DCGAN upsamples; an MLP generator has no convolutions.',
} as const;

export const zDimHint = 'Size of the noise vector z. No number is special, but 100 is standard; 128 or 512 work too.';
export const seedHint = 'Same seed and settings give the same weights and noise, so the grid is reproducible.';
export const gridHint = 'Images per row and column, up to 16 × 16.';
