/**
 * Feature extractors behind one interface, so every metric runs on any of them: the domain
 * classifier trained in the app (classifier.ts) and tfjs graph models such as Inception-v3
 * (graph-model.ts). Images come in as NHWC floats in [−1, 1] at whatever size and channel count
 * the generator makes; each extractor fits them to its own input.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LabelledImages } from '../dataset/mnist-demo';
import { features, type Features } from './features';

export type ExtractorKind = 'classifier' | 'graph-model';

export interface FeatureExtractor {
  readonly kind: ExtractorKind;
  /** Stable identity for caches of real-set features: changes whenever the weights do. */
  readonly key: string;
  /** What the UI and reports call it. */
  readonly label: string;
  readonly dim: number;
  /** Logit count (Inception Score, class accuracy), 0 when the extractor gives none. */
  readonly classes: number;
  /** Images per forward pass. */
  readonly batchSize: number;
  /** Most real images worth featurising (default reference.ts's MAX_REAL): big networks on a CPU need fewer. */
  readonly realLimit?: number;
  /** NHWC in [−1, 1] → features (and logits). The caller owns the tensors and tidies. */
  apply(images: tf.Tensor4D): { features: tf.Tensor2D; logits: tf.Tensor2D | null };
  dispose(): void;
}

/** Images read in chunks, as NHWC floats in [−1, 1]. */
export interface ImageSource {
  readonly n: number;
  /** [H, W, C] of one image. */
  readonly shape: [number, number, number];
  read(start: number, count: number): Promise<Float32Array>;
}

export interface ExtractOptions {
  signal?: AbortSignal;
  /** Images done so far. */
  onProgress?: (done: number) => void;
}

export interface Extracted {
  features: Features;
  /** [n × classes], or null without logits. */
  logits: Float32Array | null;
}

/** Runs an extractor over a whole source in batches; one read-back per batch. */
export async function extractAll(extractor: FeatureExtractor, source: ImageSource, options: ExtractOptions = {}): Promise<Extracted> {
  const { n, shape } = source;
  const out = new Float32Array(n * extractor.dim);
  const logits = extractor.classes > 0 ? new Float32Array(n * extractor.classes) : null;
  for (let start = 0; start < n; start += extractor.batchSize) {
    options.signal?.throwIfAborted();
    const count = Math.min(extractor.batchSize, n - start);
    const pixels = await source.read(start, count);
    const result = tf.tidy(() => {
      const applied = extractor.apply(tf.tensor4d(pixels, [count, ...shape]));
      return applied.logits ? [applied.features, applied.logits] : [applied.features];
    });
    try {
      out.set((await result[0]!.data()) as Float32Array, start * extractor.dim);
      if (logits && result[1]) logits.set((await result[1].data()) as Float32Array, start * extractor.classes);
    } finally {
      tf.dispose(result);
    }
    options.onProgress?.(start + count);
    // Let control messages (pause, cancel, a training step) in between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { features: features(out, n, extractor.dim), logits };
}

/** Dataset images (uint8 HWC) as a source in [−1, 1], optionally only the rows at `indices`. */
export function labelledImageSource(data: LabelledImages, indices?: ArrayLike<number>): ImageSource {
  const pixels = data.width * data.height * data.channels;
  const n = indices ? indices.length : data.count;
  return {
    n,
    shape: [data.height, data.width, data.channels],
    read: async (start, count) => {
      const out = new Float32Array(count * pixels);
      for (let i = 0; i < count; i++) {
        const row = indices ? indices[start + i]! : start + i;
        const src = data.images.subarray(row * pixels, (row + 1) * pixels);
        for (let p = 0; p < pixels; p++) out[i * pixels + p] = src[p]! / 127.5 - 1;
      }
      return out;
    },
  };
}

/**
 * Resizes (bilinear) and converts channels (RGB → grey by the mean, grey → RGB by tiling) to an
 * extractor's input. Differentiable, so classifier gradients reach the generator through it.
 */
export function fitImages(images: tf.Tensor4D, height: number, width: number, channels: number): tf.Tensor4D {
  return tf.tidy(() => {
    let x = images;
    const [, h, w, c] = x.shape;
    // tfjs' defaults (no half-pixel centres): the cpu backend's gradient kernel only implements those.
    if (h !== height || w !== width) x = tf.image.resizeBilinear(x, [height, width]);
    if (c !== channels) {
      if (channels === 1) x = tf.mean(x, 3, true);
      else if (c === 1) x = tf.tile(x, [1, 1, 1, channels]);
      else throw new Error(`Cannot convert ${c}-channel images to ${channels} channels`);
    }
    return x;
  });
}
