/** The Model view's Sample: a grid from an untrained generator built from the form's settings. */
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import { StudioError } from '../../api/rpc';
import type { BackendReport, SampleGrid } from '../../api/schemas';
import type { modelDesignEngineRequests } from '../protocol/model-design';
import { createGenerator } from '../models/generator';
import { tfSeed } from '../ops/seed';
import { tileGrid, toBytes } from '../image/grid';
import { toPngImage } from '../image/png';
import { previewBatchSize, renderPreview } from '../sampling/preview';

export async function previewGenerator(
  input: z.output<(typeof modelDesignEngineRequests)['generator.preview']['input']>,
  backend: BackendReport,
): Promise<SampleGrid> {
  const started = performance.now();
  const count = input.rows * input.cols;
  let generator;
  try {
    generator = createGenerator(input, input.seed);
  } catch (err) {
    throw new StudioError({ code: 'invalid-request', message: err instanceof Error ? err.message : String(err) });
  }
  try {
    // In passes that fit (a 16×16 grid at 128 px in one pass aborted the wasm runtime).
    const z = tf.randomNormal([count, input.zDim], 0, 1, 'float32', tfSeed(input.seed)) as tf.Tensor2D;
    let values: Float32Array;
    try {
      values = await renderPreview(generator, z, previewBatchSize(input.resolution));
    } finally {
      z.dispose();
    }
    const { resolution: size, channels } = input;
    const grid = tileGrid(toBytes(values), count, size, size, channels, {
      rows: input.rows,
      cols: input.cols,
      padding: 2,
      background: 40,
    });
    return {
      image: await toPngImage(grid),
      count,
      elapsedMs: performance.now() - started,
      backend: backend.active,
      parameters: generator.params.parameterCount(),
    };
  } finally {
    generator.dispose();
  }
}
