/**
 * Projection: find the latent whose image reproduces a real one (StyleGAN's projector, on z).
 * Several starts (seeds, and for a conditional model every class) are optimised together with
 * Adam on a pixel loss plus a feature loss from the domain classifier, with a prior that keeps z
 * where the generator's latents live; the best start wins. Pure engine code: images in, latent out.
 */
import * as tf from '@tensorflow/tfjs-core';
import { latentsForSeeds, type LoadedGenerator } from '../sampling';

/** What projection needs of a feature extractor (the DomainClassifier has it). */
export interface ProjectionFeatures {
  /** NHWC images in [−1, 1] → features [n, d]; differentiable. */
  features(images: tf.Tensor4D): tf.Tensor2D;
}

export interface ProjectionOptions {
  /** Adam steps on every start. */
  steps: number;
  /** Seeds optimised side by side (per class for a conditional model). */
  starts: number;
  /** Weight of the feature loss against the pixel loss (0: pixels only). */
  featureWeight: number;
  /** The starts' seeds are seedBase, seedBase + 1, … */
  seedBase?: number;
  learningRate?: number;
  /** A conditional model's classes, most likely first (e.g. by the classifier): searched first when not all fit. */
  classOrder?: readonly number[];
  /** Called every few steps with the best start so far (its image in [−1, 1]). */
  onProgress?: (p: ProjectionProgress) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface ProjectionProgress {
  done: number;
  total: number;
  /** RMS pixel error of the best start, on a 0–1 scale. */
  error: number;
  image: Float32Array;
}

export interface Projection {
  z: Float32Array;
  /** The class the best start searched in (conditional models), else null. */
  class: number | null;
  /** The seed the best start began from. */
  seed: number;
  image: Float32Array;
  /** RMS pixel error on a 0–1 scale, and the feature distance relative to the target's feature norm. */
  error: number;
  featureError: number;
}

/** Latent prior: keeps |z|²/d near 1 for a normal z (the shell samples live on), inside the box for a uniform one. */
const PRIOR_WEIGHT = 0.01;
const PROGRESS_EVERY = 10;
/** Latents optimised side by side at most: memory and time grow with them (a 64-px DCGAN at 128 is ~100 MB of activations). */
export const MAX_CANDIDATES = 128;

export async function project(g: LoadedGenerator, target: Float32Array, extractor: ProjectionFeatures | null, options: ProjectionOptions): Promise<Projection> {
  const [h, w, c] = g.imageShape;
  if (target.length !== h * w * c) throw new Error(`The target has ${target.length} values; the generator draws ${h}×${w}×${c}.`);
  const { steps, starts, featureWeight, seedBase = 0, learningRate = 0.05 } = options;
  const k = g.numClasses;
  // At most MAX_CANDIDATES latents of 64×64 pixels side by side, fewer for larger images. A cGAN with
  // many classes gets fewer starts per class and, past the limit, only its most likely classes.
  const limit = Math.min(MAX_CANDIDATES, Math.max(1, Math.floor((MAX_CANDIDATES * 64 * 64) / (h * w))));
  const perClass = k > 0 ? Math.min(starts, Math.max(1, Math.floor(limit / k))) : Math.min(starts, limit);
  const searched = k > 0 ? (options.classOrder ?? Array.from({ length: k }, (_, c) => c)).slice(0, Math.max(1, Math.floor(limit / perClass))) : [];
  const classes = k > 0 ? Array.from({ length: perClass * searched.length }, (_, i) => searched[Math.floor(i / perClass)]!) : null;
  const n = classes?.length ?? perClass;
  const seeds = Array.from({ length: n }, (_, i) => seedBase + (i % perClass));
  const normal = g.config.model.zDistribution === 'normal';

  // Everything made here is disposed in the finally below, whichever step fails.
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  let optimizer: tf.Optimizer | null = null;
  let x!: tf.Tensor4D;
  let labels: tf.Tensor2D | null = null;
  let targetFeatures: tf.Tensor2D | null = null;
  let featureScale: tf.Tensor | null = null;
  let z!: tf.Variable;

  /** Per start: [pixel MSE, feature MSE (relative), prior] as three [n] vectors. */
  const terms = (images: tf.Tensor4D) => {
    const pixel = tf.mean(tf.square(tf.sub(images, x)), [1, 2, 3]) as tf.Tensor1D;
    const feature = targetFeatures ? (tf.div(tf.mean(tf.square(tf.sub(extractor!.features(images), targetFeatures)), 1), featureScale!) as tf.Tensor1D) : tf.zerosLike(pixel);
    const norm = tf.mean(tf.square(z), 1);
    const prior = normal ? tf.square(tf.sub(norm, 1)) : tf.sum(tf.relu(tf.sub(tf.abs(z), 1)), 1);
    return { pixel, feature, prior: prior as tf.Tensor1D };
  };
  const total = (t: ReturnType<typeof terms>) => tf.add(tf.add(t.pixel, tf.mul(t.feature, featureWeight * 0.25)), tf.mul(t.prior, PRIOR_WEIGHT)) as tf.Tensor1D;

  /** The best start now: its index, pixel RMS (0–1 scale), relative feature error and image. */
  const best = async () => {
    const [scores, pixel, feature, images] = tf.tidy(() => {
      const images = g.forward(z as tf.Tensor2D, labels);
      const t = terms(images);
      return [total(t), t.pixel, t.feature, images];
    });
    try {
      const s = (await scores!.data()) as Float32Array;
      const p = (await pixel!.data()) as Float32Array;
      const f = (await feature!.data()) as Float32Array;
      let i = 0;
      for (let j = 1; j < n; j++) if (s[j]! < s[i]!) i = j;
      const image = tf.tidy(() => tf.slice(images!, [i, 0, 0, 0], [1, h, w, c]));
      try {
        const pixels = (await image.data()) as Float32Array;
        // Pixels span [−1, 1]: halve the RMS for a 0–1 scale.
        return { i, error: Math.sqrt(p[i]!) / 2, featureError: f[i]!, image: pixels };
      } finally {
        image.dispose();
      }
    } finally {
      tf.dispose([scores!, pixel!, feature!, images!]);
    }
  };

  try {
    x = keep(tf.tensor4d(target, [1, h, w, c]));
    if (classes) labels = keep(tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), k), 'float32') as tf.Tensor2D));
    if (extractor && featureWeight > 0) {
      targetFeatures = keep(tf.tidy(() => extractor.features(x)));
      // Feature distances relative to the target's own feature size, so the weight means the same on any classifier.
      featureScale = keep(tf.tidy(() => tf.add(tf.mean(tf.square(targetFeatures!)), 1e-8)));
    }
    const init = tf.tensor2d(latentsForSeeds(seeds, g.zDim, g.config.model.zDistribution), [n, g.zDim]);
    z = keep(tf.variable(init, true));
    init.dispose();
    optimizer = tf.train.adam(learningRate, 0.9, 0.999);
    const adam = optimizer;
    for (let step = 0; step < steps; step++) {
      if (options.signal?.aborted) throw new Error('Projection cancelled.');
      tf.tidy(() => {
        adam.minimize(() => tf.sum(total(terms(g.forward(z as tf.Tensor2D, labels)))) as tf.Scalar, false, [z]);
      });
      if ((step + 1) % PROGRESS_EVERY === 0 || step + 1 === steps) {
        if (options.onProgress) {
          const now = await best();
          await options.onProgress({ done: step + 1, total: steps, error: now.error, image: now.image });
        }
        // Other engine work (a render, a training step) gets a turn.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    const found = await best();
    const row = tf.tidy(() => tf.slice(z, [found.i, 0], [1, g.zDim]));
    const latent = (await row.data()) as Float32Array;
    row.dispose();
    return { z: Float32Array.from(latent), class: classes ? classes[found.i]! : null, seed: seeds[found.i]!, image: found.image, error: found.error, featureError: found.featureError };
  } finally {
    tf.dispose(owned);
    optimizer?.dispose();
  }
}
