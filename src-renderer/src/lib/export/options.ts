/** Labels and one-line explanations for the Gallery form. */
import type { ExportKind, ExportRequest } from '../../../../src-main/api/export';

export const kindOptions: { value: ExportKind; label: string }[] = [
  { value: 'grid', label: 'Grid PNG' },
  { value: 'images', label: 'Image set' },
  { value: 'animation', label: 'Interpolation' },
  { value: 'timelapse', label: 'Timelapse' },
  { value: 'html', label: 'HTML gallery' },
  { value: 'model', label: 'Model' },
];

export const kindHints: Record<ExportKind, string> = {
  grid: 'One PNG of rows × columns samples from consecutive seeds: for a paper, a poster or a README.',
  images: 'One PNG per sample in images/ (up to 50,000), with images.csv: for FID/KID tools or a new dataset.',
  animation: 'A looping walk through keyframe seeds (slerp or linear), as an animated GIF or WebP.',
  timelapse: "The run's fixed-noise sample grids over training, as an animation.",
  html: 'One self-contained page with every image embedded and captioned: opens offline, anywhere.',
  model:
    'The generator as a TensorFlow.js layers model (model.json + weights.bin) with latent.js, the saved directions, the mean latent and an example page.',
};

export const kindLabels: Record<ExportKind, string> = Object.fromEntries(kindOptions.map((o) => [o.value, o.label])) as Record<ExportKind, string>;

/**
 * What an export is, for the Gallery's list: its kind, except that only a walk between keyframe
 * seeds is an interpolation; the explorer's animations (its interpolation, a direction sweep) say
 * what moves.
 */
export function exportLabel(request: ExportRequest): string {
  if (request.kind !== 'animation' || request.source.from !== 'spec') return kindLabels[request.kind];
  const images = request.source.spec.images;
  const amounts = (i: number) => JSON.stringify(images[i]?.directions ?? []);
  return images.length > 1 && amounts(0) !== amounts(1) ? 'Direction sweep' : 'Interpolation';
}

export const captionOptions = [
  { value: 'none', label: 'None' },
  { value: 'seed', label: 'Seed' },
  { value: 'class', label: 'Class' },
  { value: 'seed-class', label: 'Both' },
] as const;

export const formatOptions = [
  { value: 'gif', label: 'GIF' },
  { value: 'webp', label: 'WebP' },
  { value: 'mp4', label: 'MP4' },
] as const;

export const pathOptions = [
  { value: 'slerp', label: 'Slerp' },
  { value: 'linear', label: 'Linear' },
] as const;

export const phaseNames = { load: 'Loading', render: 'Generating', encode: 'Encoding', write: 'Writing', done: 'Finishing' } as const;

/** Whether a kind draws from a checkpoint (the timelapse reads the run's saved grids instead). */
export const usesCheckpoint = (kind: ExportKind) => kind !== 'timelapse';
/** Whether a kind takes seeds, class and ψ. */
export const usesSamples = (kind: ExportKind) => kind === 'grid' || kind === 'images' || kind === 'html' || kind === 'animation';
