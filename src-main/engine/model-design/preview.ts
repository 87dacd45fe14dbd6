/** The Model view's Sample: a grid from an untrained generator built from the form's settings. */
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import { StudioError } from '../../api/rpc';
import type { BackendReport, GeneratorPreviewRequest, SampleGrid } from '../../api/schemas';
import type { modelDesignEngineRequests } from '../protocol/model-design';
import { createGenerator } from '../models/generator';
import { tfSeed } from '../ops/seed';
import { tileGrid, toBytes } from '../image/grid';
import { toPngImage } from '../image/png';
import { previewBatchSize, renderPreview } from '../sampling/preview';
import { generatorPlan } from '../../shared/model-design/plan';
import { WASM_HEAP_LIMIT } from '../../shared/model-design/cost';
import { formatBytes } from '../../shared/bytes';
import { preset } from '../../api/training';
import type { ModelConfig } from '../../api/train-config';

export async function previewGenerator(
  input: z.output<(typeof modelDesignEngineRequests)['generator.preview']['input']>,
  backend: BackendReport,
): Promise<SampleGrid> {
  const started = performance.now();
  const count = input.rows * input.cols;
  assertPreviewFits(input);
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

/** What a Sample may take: a quarter of the wasm heap (the training estimate refuses a run the same way). */
export const PREVIEW_MEMORY_LIMIT = WASM_HEAP_LIMIT / 4;

/**
 * Refuses a Sample whose generator would not fit, before any of it is built: its weights, and one
 * pass's activations (the plan's layer outputs for a pass of images), as float32. Without this, a
 * width-1024 generator at 128 px grew the engine to 13 GB before failing.
 */
export function assertPreviewFits(input: GeneratorPreviewRequest): void {
  const base = preset('dcgan').model;
  const model: ModelConfig = { ...base, architecture: input.architecture, resolution: input.resolution, channels: input.channels, zDim: input.zDim, upsample: input.upsample, gWidth: input.width ?? (input.architecture === 'mlp' ? 128 : 64), numClasses: 0 };
  const plan = generatorPlan(model);
  const bytes = 4 * (plan.params + Math.min(input.rows * input.cols, previewBatchSize(input.resolution)) * plan.activations);
  if (bytes > PREVIEW_MEMORY_LIMIT) {
    throw new StudioError({
      code: 'invalid-request',
      message: `This generator needs about ${formatBytes(bytes)} to draw a sample (${plan.params.toLocaleString('en-US')} weights), more than the ${formatBytes(PREVIEW_MEMORY_LIMIT)} a Sample may use: lower the width, z or the resolution.`,
    });
  }
}
