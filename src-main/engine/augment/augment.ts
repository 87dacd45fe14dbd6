/**
 * Training-time augmentation of what the discriminator sees, configured per run (TrainConfig's
 * `augment`): random horizontal flips of real images, and DiffAugment (Zhao et al. 2020) on real
 * and generated images alike. DiffAugment must augment both — augmenting only the reals teaches G
 * to produce augmented-looking images — and must stay differentiable on the generated side so G
 * learns through it.
 *
 * Colour follows the paper: no clipping back to [−1, 1]. Real and fake go through the same
 * transforms, so the range tells D nothing, while clipping would zero G's gradient on every
 * saturated pixel (the black background of digits, for one).
 *
 * Every call draws one seed from the caller's Rng (the trainer's) and nothing when augmentation is
 * off, so runs stay deterministic and resumable, and runs without augmentation draw exactly what
 * they drew before it existed.
 *
 * With adaptive strength (ADA, Karras et al. 2020) each policy applies to each image with a
 * probability p that the trainer keeps (see AdaptiveStrength): the others get the policy's identity
 * parameters. A fixed-strength run draws no such choices, so its draws are what they always were.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { AugmentConfig } from '../../api/train-config';
import { Rng } from '../rng';
import { adjustColor, cutout, flipHorizontal, translate } from './ops';
import { pickRows, type Rows } from '../ops/rows';
import { drawApplied, drawColor, drawCutoutStarts, drawFlips, drawShifts, fractionOf, keepColor, keepCutoutStarts, keepShifts } from './params';

/** DiffAugment's defaults: shifts up to 1/8 of a side, a cutout half a side wide. */
export const TRANSLATION_RATIO = 1 / 8;
export const CUTOUT_RATIO = 1 / 2;

type Policy = AugmentConfig['diffAugment'][number];

export interface Augmenter {
  /** Whether any augmentation is on (off: both methods return their input and draw nothing). */
  readonly active: boolean;
  /**
   * Real images: flipped (if on), then DiffAugment, each policy on each image with `probability`
   * (adaptive strength) or on all of them (null, fixed strength).
   */
  real(images: tf.Tensor4D, rng: Rng, probability?: number | null, rows?: Rows | null): tf.Tensor4D;
  /** Generated images: DiffAugment only, differentiable. */
  fake(images: tf.Tensor4D, rng: Rng, probability?: number | null, rows?: Rows | null): tf.Tensor4D;
}

/**
 * DiffAugment with one seed, its policies in the paper's order (colour, translation, cutout)
 * whatever order the config lists them in. With a `probability`, each policy's parameters are drawn
 * for every image as always, then each image keeps them with that probability (one choice per
 * policy and image, drawn after them) and gets the identity otherwise; at 0 nothing is computed.
 * Colour's brightness, saturation and contrast share one choice (ADA draws one per transform).
 * With `rows` (a data-parallel replica's share of a batch), the parameters are drawn for the whole
 * batch and `images` are those rows of it.
 */
export function diffAugment(images: tf.Tensor4D, policies: readonly Policy[], seed: number, probability: number | null = null, rows: Rows | null = null): tf.Tensor4D {
  if (probability !== null && probability <= 0) return images;
  const rng = new Rng(seed);
  const [local, h, w] = images.shape;
  const n = rows?.total ?? local;
  const mine = <T extends Float32Array | Int32Array | Uint8Array>(values: T) => pickRows(values, rows);
  // The images that keep a policy's parameters (all of them at fixed strength).
  const applied = () => (probability === null ? null : mine(drawApplied(n, probability, rng)));
  let x = images;
  const step = (next: tf.Tensor4D) => {
    if (x !== images) x.dispose();
    x = next;
  };
  if (policies.includes('color')) {
    const { brightness, saturation, contrast } = drawColor(n, rng);
    step(adjustColor(x, keepColor({ brightness: mine(brightness), saturation: mine(saturation), contrast: mine(contrast) }, applied())));
  }
  if (policies.includes('translation')) {
    const dy = mine(drawShifts(n, h, TRANSLATION_RATIO, rng));
    const dx = mine(drawShifts(n, w, TRANSLATION_RATIO, rng));
    const keep = applied();
    step(translate(x, keepShifts(dy, keep), keepShifts(dx, keep)));
  }
  if (policies.includes('cutout')) {
    const cutH = fractionOf(h, CUTOUT_RATIO);
    const cutW = fractionOf(w, CUTOUT_RATIO);
    const top = mine(drawCutoutStarts(n, h, cutH, rng));
    const left = mine(drawCutoutStarts(n, w, cutW, rng));
    step(cutout(x, keepCutoutStarts(top, cutH, applied()), left, cutH, cutW));
  }
  return x;
}

export function createAugmenter(config: AugmentConfig): Augmenter {
  const policies = [...new Set(config.diffAugment)];
  const diff = policies.length > 0;
  return {
    active: config.flip || diff,
    real(images, rng, probability = null, rows = null) {
      if (!config.flip && !diff) return images;
      const seed = rng.seed();
      if (!config.flip) return diffAugment(images, policies, seed, probability, rows);
      const flipped = flipHorizontal(images, pickRows(drawFlips(rows?.total ?? images.shape[0], new Rng(seed ^ 0x3c6ef372)), rows));
      if (!diff) return flipped;
      const out = diffAugment(flipped, policies, seed, probability, rows);
      if (out !== flipped) flipped.dispose();
      return out;
    },
    fake(images, rng, probability = null, rows = null) {
      return diff ? diffAugment(images, policies, rng.seed(), probability, rows) : images;
    },
  };
}
