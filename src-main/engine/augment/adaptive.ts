/**
 * Adaptive augmentation strength (ADA, Karras et al. 2020, "Training Generative Adversarial
 * Networks with Limited Data"). On a few thousand images D starts to memorise the real ones after a
 * few dozen epochs: it scores nearly every real image as real and every fake as fake, and G's
 * gradient stops teaching it anything. Augmenting everything from the first step avoids that but
 * slows D down while it is not memorising (measured on the emoji: README, #20). ADA augments each
 * image with a probability p that follows the overfitting heuristic
 *
 *   r_t = E[sign(D(x) − boundary)]   over the real images D trains on,
 *
 * (the share scored real minus the share scored fake): every few steps p rises by a fixed amount
 * while r_t is above the target and falls while it is below, clamped to [0, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossConfig } from '../../api/train-config';

/** ADA's target for r_t: 0.6 worked across their datasets. */
export const ADA_TARGET = 0.6;
/** Steps between adjustments (ADA: 4 minibatches). */
export const ADA_INTERVAL = 4;
/**
 * Real images over which p may move all the way from 0 to 1. ADA uses 500k; a CPU run sees 0.3–1M
 * images in all, so p moves five times as fast here.
 */
export const ADA_SPEED_IMAGES = 100_000;

/** Where D's output says "real" for each loss; null for a Wasserstein critic, whose output has no
 *  such point (any constant can be added to it). */
export function decisionBoundary(kind: LossConfig['kind']): number | null {
  switch (kind) {
    case 'bce':
    case 'hinge':
      return 0;
    case 'lsgan':
      return 0.5; // targets 1 (real) and 0 (fake) on the raw output
    case 'wgan':
    case 'wgan-gp':
      return null;
  }
}

/**
 * r_t of one batch: the mean of sign(D(x) − boundary) over D's raw outputs on real images, in
 * [−1, 1]; 0 for a Wasserstein critic (no boundary: the caller reports null then).
 */
export function realSign(realLogits: tf.Tensor, kind: LossConfig['kind']): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sign(tf.sub(realLogits, decisionBoundary(kind) ?? 0))) as tf.Scalar);
}

/** What a checkpoint keeps of the controller, so a resumed run adapts exactly as it would have. */
export interface AdaptiveState {
  probability: number;
  /** r_t summed over the steps since the last adjustment, their count, and their real images. */
  sum: number;
  steps: number;
  images: number;
}

export class AdaptiveStrength {
  private state: AdaptiveState = { probability: 0, sum: 0, steps: 0, images: 0 };

  /** The probability the next step augments each image with. */
  get probability(): number {
    return this.state.probability;
  }

  /**
   * One step's r_t and the real images D saw in it. Every ADA_INTERVAL steps p moves by
   * sign(mean r_t − target) · images / ADA_SPEED_IMAGES. A non-finite r_t (a diverged step) is skipped.
   */
  observe(realSign: number, images: number): void {
    if (!Number.isFinite(realSign)) return;
    const s = this.state;
    s.sum += realSign;
    s.steps += 1;
    s.images += images;
    if (s.steps < ADA_INTERVAL) return;
    const direction = Math.sign(s.sum / s.steps - ADA_TARGET);
    const probability = Math.min(1, Math.max(0, s.probability + (direction * s.images) / ADA_SPEED_IMAGES));
    this.state = { probability, sum: 0, steps: 0, images: 0 };
  }

  save(): AdaptiveState {
    return { ...this.state };
  }

  restore(state: AdaptiveState): void {
    const ok = [state.probability, state.sum, state.steps, state.images].every(Number.isFinite) && state.probability >= 0 && state.probability <= 1;
    if (!ok) throw new Error(`the checkpoint's adaptive augmentation state is not valid (${JSON.stringify(state)})`);
    this.state = { ...state };
  }
}
