/**
 * Which preset fits a dataset better than the one the form holds. The Train view offers it; it
 * never applies itself.
 *
 * - A folder sorted into classes (subfolders), grey or colour: the conditional DCGAN, trained on
 *   those classes, which lets the user ask for a class. On the digits it reached the class
 *   agreement target and a far lower KID than the plain DCGAN; on the emoji by category (two
 *   seeds, medians of five draws) its best checkpoint read 0.55 and 1.1 times the plain DCGAN's
 *   best, and both swing late in a run (README, #20).
 * - An unlabelled folder of a few hundred or more grey images at up to 64 px: the DCGAN on clusters
 *   (self-conditioning). On the digits it reaches an 11× lower KID than the plain DCGAN at the same
 *   steps and the #20 targets in 4,500 steps. On unlabelled colour it is not offered: judged by a
 *   classifier of the emoji's categories it was ahead of the plain DCGAN on one seed (×1.5) and 3×
 *   behind on another after 40 minutes, and behind on Google's emoji after 20 (README, #20).
 * - An unlabelled folder of colour images at up to 64 px: the small-colour preset (the DCGAN with
 *   R1), ahead of the plain DCGAN over an hour on two emoji sets (README, #20). Offered over the
 *   course's presets only, not over a saved or hand-made design.
 */
import type { PresetName } from '../../../../src-main/api/training';
import { IMAGES_PER_CLUSTER, STREAM_ABOVE_BYTES } from '../../../../src-main/shared/model-design/review';
import { MAX_CLASSES } from '../../../../src-main/api/train-config';

export interface DatasetShape {
  count: number;
  width: number;
  height: number;
  channels: number;
  /** The dataset's classes (subfolders) and their image counts; none for an unlabelled folder. */
  classes?: readonly { count: number }[];
}

/** The preset's 20 clusters want at least IMAGES_PER_CLUSTER (20) images each. */
export const CLUSTERS_NEED_IMAGES = 20 * IMAGES_PER_CLUSTER;

/** The design's model as far as the offer cares: a saved or hand-made design has no preset name. */
export interface DesignedModel {
  architecture?: string | undefined;
  labels?: string | undefined;
}

export function suggestedPreset(dataset: DatasetShape | null, current: PresetName | null, model: DesignedModel = {}): { preset: PresetName; why: string } | null {
  if (!dataset || Math.max(dataset.width, dataset.height) > 64) return null;
  const conditional = model.architecture === 'cdcgan';
  const classes = dataset.classes ?? [];
  if (classes.length >= 2) return current === 'cdcgan' || (conditional && model.labels !== 'clusters') ? null : labelledOffer(dataset, classes, current);
  if (current === 'cdcgan' || current === 'dcgan-clusters' || conditional || dataset.count < CLUSTERS_NEED_IMAGES) return null;
  if (dataset.channels !== 1) return current === null || current === 'small-colour' ? null : colourOffer(dataset);
  // Clusters are found in a dataset held in memory; a bigger one trains from a stream.
  if (dataset.count * dataset.width * dataset.height * dataset.channels > STREAM_ABOVE_BYTES) return null;
  return {
    preset: 'dcgan-clusters',
    why: `${dataset.count.toLocaleString('en-US')} grey images without labels: the “DCGAN on clusters” preset sorts them into 20 groups of similar images and tells G which group to draw, so it draws fewer in-between, hybrid images (measured on the digits: an 11× lower KID than the plain DCGAN at the same steps).`,
  };
}

/** An unlabelled colour folder: the DCGAN with R1, as measured on the emoji. */
function colourOffer(dataset: DatasetShape): { preset: PresetName; why: string } {
  return {
    preset: 'small-colour',
    why: `${dataset.count.toLocaleString('en-US')} colour images without labels: the “Small colour folder” preset is the DCGAN with R1 on D, which damps the swings of a D that keeps winning. Measured on colour emoji (two sets, three runs of an hour): its final checkpoint had ≈ 0–0.32 of the plain DCGAN's KID, FID lower on every run; turn on evaluation (Evaluate every) to keep the best checkpoint.`,
  };
}

/**
 * Every image in one of two or more classes: the conditional DCGAN on them. (A folder with loose
 * images beside its subfolders gets no offer: those would reach the model with an empty label.)
 */
function labelledOffer(dataset: DatasetShape, classes: readonly { count: number }[], current: PresetName | null): { preset: PresetName; why: string } | null {
  const labelled = classes.reduce((n, c) => n + c.count, 0);
  if (labelled < dataset.count || classes.some((c) => c.count === 0) || classes.length > MAX_CLASSES) return null;
  const kind = dataset.channels === 1 ? 'grey' : 'colour';
  return {
    preset: 'cdcgan',
    why: `${dataset.count.toLocaleString('en-US')} ${kind} images in ${classes.length} classes (subfolders): the “Conditional DCGAN” preset tells G which class to draw, so you can ask it for one; it learns the classes in the folder's proportions. Measured: on the digits 97 % of its samples are the digit asked for, with a far lower KID than the plain DCGAN; on colour emoji sorted by category (two seeds, about an hour each) its best checkpoint read 0.55 and 1.1 times the plain DCGAN's best KID (medians of five draws), never half; quality swings late in a run, so turn on evaluation (Evaluate every) to keep the best checkpoint.${current === 'small-colour' ? ' It trains without the Small colour folder preset’s R1 (the conditional DCGAN with R1 is not measured).' : ''}`,
  };
}
