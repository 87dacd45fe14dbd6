/**
 * GAN objectives on discriminator logits. Each returns scalar losses to minimise; the critic's
 * gradient penalty (WGAN-GP) is separate because it needs the critic itself, not just its outputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossConfig } from '../../api/train-config';
import { sigmoidCrossEntropyWithLogits } from '../ops';
import { tfSeed } from '../ops/seed';
import { sliceRows, type Rows } from '../ops/rows';

export interface GanLoss {
  discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar;
  generator(fakeLogits: tf.Tensor): tf.Scalar;
}

/** Mean BCE with logits, −y·log σ(x) − (1−y)·log(1−σ(x)), stable for any logit. */
export function bceWithLogits(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.mean(sigmoidCrossEntropyWithLogits(logits, target));
}

export function createLoss(config: LossConfig): GanLoss {
  switch (config.kind) {
    case 'bce':
      return {
        // One-sided label smoothing: only the real targets move (1 → 1 − s), as in Salimans et al.'s
        // "Improved Techniques for Training GANs"; smoothing fakes would reward the generator for bad samples.
        discriminator: (real, fake) => tf.add(bceWithLogits(real, 1 - config.labelSmoothing), bceWithLogits(fake, 0)),
        // Non-saturating: maximise log D(G(z)) rather than minimise log(1 − D(G(z))), which has
        // flat gradients exactly when D wins early in training.
        generator: (fake) => bceWithLogits(fake, 1),
      };
    case 'lsgan':
      return {
        discriminator: (real, fake) =>
          tf.mul(tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake))), 0.5) as tf.Scalar,
        generator: (fake) => tf.mul(tf.mean(tf.square(tf.sub(fake, 1))), 0.5) as tf.Scalar,
      };
    case 'wgan':
    case 'wgan-gp':
      return {
        discriminator: (real, fake) => tf.sub(tf.mean(fake), tf.mean(real)),
        generator: (fake) => tf.neg(tf.mean(fake)),
      };
    case 'hinge':
      return {
        discriminator: (real, fake) => tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))),
        generator: (fake) => tf.neg(tf.mean(fake)),
      };
  }
}

/**
 * D's mean output as the dashboard and the coach read it (D(x), D(G(z))): for BCE the probability
 * σ(logit); for LSGAN the output itself, which regresses to 1 for real and 0 for fake (σ of it would
 * put a discriminator that wins outright at 0.73 and 0.5, and the coach would never see it win). For
 * the Wasserstein and hinge critics, whose scores are no probability, σ of the score as before.
 */
export function meanScore(logits: tf.Tensor, kind: LossConfig['kind']): tf.Scalar {
  return tf.tidy(() => tf.mean(kind === 'lsgan' ? logits : tf.sigmoid(logits)) as tf.Scalar);
}

/**
 * WGAN-GP's two-sided penalty E[(‖∇ₓ̂ D(x̂)‖₂ − 1)²] on random interpolates x̂ between real and fake
 * samples (images [n, h, w, c], or points [n, d] in the Learn playground). Differentiable with
 * respect to the critic's weights (second-order gradient).
 */
export function gradientPenalty<T extends tf.Tensor>(critic: (samples: T) => tf.Tensor, real: T, fake: T, seed: number, rows: Rows | null = null): tf.Scalar {
  const [n] = real.shape;
  const rest = real.shape.slice(1).map(() => 1);
  // A data-parallel replica draws the whole batch's mixing weights and keeps its rows.
  const epsilon = sliceRows(tf.randomUniform([rows?.total ?? n!, ...rest], 0, 1, 'float32', tfSeed(seed)), rows);
  const mixed = tf.add(tf.mul(epsilon, real), tf.mul(tf.sub(1, epsilon), fake)) as T;
  const gradient = tf.grad((x) => tf.sum(critic(x as T)))(mixed);
  const axes = rest.map((_, i) => i + 1);
  // A small epsilon keeps the norm's gradient finite where a sample's gradient is exactly zero.
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(gradient), axes), 1e-12));
  return tf.mean(tf.square(tf.sub(norms, 1)));
}

/**
 * R1's zero-centred penalty E‖∇ₓD(x)‖² on real samples (Mescheder et al. 2018): it holds D's
 * surface flat where the data lies, which damps the oscillation a winning D drives. Differentiable
 * with respect to D's weights (second-order gradient), like gradientPenalty.
 */
export function realGradientPenalty<T extends tf.Tensor>(critic: (samples: T) => tf.Tensor, real: T): tf.Scalar {
  const gradient = tf.grad((x) => tf.sum(critic(x as T)))(real);
  const axes = real.shape.slice(1).map((_, i) => i + 1);
  return tf.mean(tf.sum(tf.square(gradient), axes));
}
