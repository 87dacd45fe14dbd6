/**
 * Which preset fits a dataset better than the one the form holds: a small folder of colour images
 * (a few thousand icons, sprites or photos at 32–64 px) is where D memorises, which the
 * small-colour preset's augmentation is meant to prevent (over 20 CPU-minutes the plain DCGAN still
 * scored better on two emoji sets: README, #20). The Train view offers it; it never applies itself.
 */
import type { PresetName } from '../../../../src-main/api/training';

export interface DatasetShape {
  count: number;
  width: number;
  height: number;
  channels: number;
}

/** Past this many images, memorising is no longer what holds D back. */
export const SMALL_DATASET = 20_000;

export function suggestedPreset(dataset: DatasetShape | null, current: PresetName | null): { preset: PresetName; why: string } | null {
  if (!dataset || current === 'small-colour') return null;
  if (dataset.channels !== 3 || dataset.count > SMALL_DATASET || Math.max(dataset.width, dataset.height) > 64) return null;
  return {
    preset: 'small-colour',
    why: `${dataset.count.toLocaleString('en-US')} colour images is a small dataset: D soon memorises it. The “Small colour folder” preset shows D only shifted, recoloured and mirrored copies.`,
  };
}
