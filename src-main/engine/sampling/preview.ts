/**
 * The Model view's preview of an untrained generator, rendered in forward passes that fit: one
 * pass over a 16×16 grid of 128 px RGB images took 3.6 GB and aborted the WebAssembly runtime.
 * Batch normalisation makes the passes interdependent, so the first PREVIEW_CALIBRATION latents
 * fix the statistics ('calibrate') and every pass then normalises with those: the grid is the same
 * whatever the batch size, one pass or many.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Generator } from '../models/generator';

/** Pixels per forward pass: 64 images of 64 × 64, which the wasm runtime renders comfortably. */
export const PREVIEW_PIXELS_PER_PASS = 64 * 64 * 64;
/** How many latents set the batch statistics (at 128 px, one pass's worth). */
export const PREVIEW_CALIBRATION = 16;

/** Images per forward pass at a resolution: 64 at ≤ 64 px, 16 at 128 px. */
export function previewBatchSize(resolution: number): number {
  return Math.max(1, Math.floor(PREVIEW_PIXELS_PER_PASS / (resolution * resolution)));
}

/**
 * The generator's images for `z` ([n, zDim]) as NHWC floats in [−1, 1], in passes of at most
 * `batchSize` images. Tensor count is unchanged afterwards (z stays the caller's).
 */
export async function renderPreview(generator: Generator, z: tf.Tensor2D, batchSize: number): Promise<Float32Array> {
  const [count, zDim] = z.shape;
  const { resolution, channels } = generator.spec;
  // Batch statistics, as in the first training step: with fresh running averages (0 and 1) the
  // N(0, 0.02) weights give an all-grey grid that says nothing about the architecture.
  tf.tidy(() => {
    generator.forward(tf.slice(z, [0, 0], [Math.min(count, PREVIEW_CALIBRATION), zDim]), 'calibrate');
  });
  const values = new Float32Array(count * resolution * resolution * channels);
  const perImage = resolution * resolution * channels;
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const pixels = tf.tidy(() => generator.forward(tf.slice(z, [start, 0], [size, zDim]), false));
    try {
      values.set((await pixels.data()) as Float32Array, start * perImage);
    } finally {
      pixels.dispose();
    }
  }
  return values;
}
