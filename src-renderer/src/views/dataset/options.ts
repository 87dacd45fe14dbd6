/** Choices and one-line explanations for the import form. */
import { sizePresets, type Fit } from '../../lib/stores/import-form.svelte';

export const sizeOptions = sizePresets.map((value) => ({ value, label: String(value) }));
export const sizeHint = 'Every image is resized to this many pixels per side; the model works at this size.';
export const nonSquareHint = 'Width and height from 16 to 512 px each, e.g. 64 × 32 for wide images.';

export const fitOptions: { value: Fit; label: string }[] = [
  { value: 'crop', label: 'Center-crop' },
  { value: 'pad', label: 'Pad (letterbox)' },
  { value: 'stretch', label: 'Stretch' },
];
export const fitHints: Record<Fit, string> = {
  crop: 'Scales to cover the target, then trims the edges that stick out: nothing is distorted, borders may be lost.',
  pad: 'Scales to fit inside the target and fills the rest with the background colour: nothing is lost or distorted.',
  stretch: 'Scales width and height separately to the target: nothing is lost, shapes may be squashed.',
};

export const channelOptions: { value: 1 | 3; label: string }[] = [
  { value: 1, label: 'Grayscale' },
  { value: 3, label: 'RGB' },
];
export const channelHint = 'Grayscale keeps one channel (smaller, faster to train); colour images are converted.';
export const backgroundHint = 'Shows through transparent pixels and fills the bars around padded images.';
export const labelsHint = 'Images in the same subfolder share a class (e.g. cats/, dogs/), for conditional GANs; files directly in the folder stay unlabelled.';
