/**
 * The Model view's preview in passes that fit (issue #14 item 3): a 16×16 grid at 128 px is cut
 * into passes within the per-pass budget, and a render in several passes is the render in one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { resolutions } from '../../api/schemas';
import { createGenerator, type GeneratorSpec } from '../models/generator';
import { PREVIEW_CALIBRATION, PREVIEW_PIXELS_PER_PASS, previewBatchSize, renderPreview } from './preview';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const passes = (count: number, batch: number) => Array.from({ length: Math.ceil(count / batch) }, (_, i) => Math.min(batch, count - i * batch));

describe('preview batch size', () => {
  it('cuts a 16×16 grid at 128 px into 16 passes of 16 images, each within the per-pass budget', () => {
    expect(previewBatchSize(128)).toBe(16);
    const cut = passes(256, previewBatchSize(128));
    expect(cut).toEqual(new Array(16).fill(16));
    // The single pass that aborted wasm (3.6 GB) was 256 × 128² pixels: 16 times the budget.
    expect(256 * 128 * 128).toBe(16 * PREVIEW_PIXELS_PER_PASS);
  });

  it('keeps every supported resolution within the budget, and a 64 px grid of 8×8 in one pass', () => {
    for (const r of resolutions) {
      const batch = previewBatchSize(r);
      expect(batch).toBeGreaterThanOrEqual(1);
      expect(batch * r * r).toBeLessThanOrEqual(PREVIEW_PIXELS_PER_PASS);
      expect((batch + 1) * r * r).toBeGreaterThan(PREVIEW_PIXELS_PER_PASS); // and uses it
    }
    expect(passes(64, previewBatchSize(64))).toEqual([64]);
    // The calibration batch is itself one pass at the largest resolution.
    expect(PREVIEW_CALIBRATION).toBeLessThanOrEqual(previewBatchSize(Math.max(...resolutions)));
  });
});

describe('renderPreview', () => {
  const dcgan: GeneratorSpec = { architecture: 'dcgan', resolution: 32, channels: 3, zDim: 16, upsample: 'transposed', width: 8 };

  async function render(spec: GeneratorSpec, count: number, batch: number): Promise<Float32Array> {
    const generator = createGenerator(spec, 7);
    const z = tf.randomNormal([count, spec.zDim], 0, 1, 'float32', 3) as tf.Tensor2D;
    try {
      return await renderPreview(generator, z, batch);
    } finally {
      z.dispose();
      generator.dispose();
    }
  }

  it('renders the same grid in several passes as in one, for both architectures, with no tensor left', async () => {
    const before = tf.memory().numTensors;
    for (const spec of [dcgan, { ...dcgan, architecture: 'mlp' as const, width: 16 }, { ...dcgan, upsample: 'upsample-conv' as const }]) {
      const count = 20; // more than the calibration batch, so passes after it are normalised by it
      const whole = await render(spec, count, count);
      for (const batch of [7, 3]) {
        expect(passes(count, batch).length).toBeGreaterThanOrEqual(2);
        const split = await render(spec, count, batch);
        expect(split.length).toBe(whole.length);
        let worst = 0;
        for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(split[i]! - whole[i]!));
        expect(worst, `${spec.architecture}/${spec.upsample}, passes of ${batch}`).toBeLessThan(1e-6);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is not the all-grey grid of fresh running averages, and not each pass on its own statistics', async () => {
    const count = 20;
    const whole = await render(dcgan, count, count);
    const spread = Math.sqrt(whole.reduce((s, v) => s + v * v, 0) / whole.length);
    const generator = createGenerator(dcgan, 7);
    const z = tf.randomNormal([count, dcgan.zDim], 0, 1, 'float32', 3) as tf.Tensor2D;
    const grey = tf.tidy(() => generator.forward(z, false).dataSync() as Float32Array);
    const greySpread = Math.sqrt(grey.reduce((s, v) => s + v * v, 0) / grey.length);
    expect(spread).toBeGreaterThan(5 * greySpread);
    // What rendering each pass with its own batch statistics gives: the passes disagree with the whole.
    const own = new Float32Array(whole.length);
    const perImage = whole.length / count;
    for (let start = 0; start < count; start += 7) {
      const size = Math.min(7, count - start);
      own.set(tf.tidy(() => generator.forward(tf.slice(z, [start, 0], [size, dcgan.zDim]), true).dataSync() as Float32Array), start * perImage);
    }
    let worst = 0;
    for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(own[i]! - whole[i]!));
    expect(worst).toBeGreaterThan(1e-3);
    z.dispose();
    generator.dispose();
  });
});
