/**
 * A run's sample grids: the fixed noise every grid of the run is drawn from (so the grids over a
 * run form a timelapse), and the grid itself as PNG, from the EMA generator when there is one.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../../api/train-config';
import { tileGrid, toBytes } from '../image/grid';
import { encodePng } from '../image/png';
import type { Generator } from '../models/generator';
import { fixedNoiseSeed } from './latents';
import type { Trainer } from './trainer';

/** The Train view's grid: 8 × 8 samples. */
export const SAMPLE_GRID = { rows: 8, cols: 8 };

export interface RenderedGrid {
  png: Buffer;
  width: number;
  height: number;
  /** The samples' values in [−1, 1], NHWC. */
  values: Float32Array;
  count: number;
}

export class SampleGrids {
  private readonly fixedNoise: { z: tf.Tensor2D; labels: tf.Tensor2D | null };

  constructor(
    trainer: Trainer,
    private readonly config: TrainConfig,
  ) {
    this.fixedNoise = trainer.sampleLatent(SAMPLE_GRID.rows * SAMPLE_GRID.cols, fixedNoiseSeed(config));
  }

  /** A grid from `trainer`'s generator (the EMA one when enabled): the fixed noise by default, or `count` fresh latents from `seed`. */
  async render(trainer: Trainer, options: { count?: number; seed?: number } = {}): Promise<RenderedGrid> {
    const generator = trainer.emaGenerator ?? trainer.generator;
    const fresh = options.seed !== undefined ? trainer.sampleLatent(options.count ?? 64, options.seed) : null;
    const { z, labels } = fresh ?? this.fixedNoise;
    const images = tf.tidy(() => trainer.generate(generator, z, labels, false));
    if (fresh) tf.dispose([fresh.z, ...(fresh.labels ? [fresh.labels] : [])]);
    const values = (await images.data()) as Float32Array;
    const n = images.shape[0];
    images.dispose();
    const { resolution, channels } = this.config.model;
    const cols = Math.ceil(Math.sqrt(n));
    const grid = tileGrid(toBytes(values), n, resolution, resolution, channels, { rows: Math.ceil(n / cols), cols, padding: 2, background: 40 });
    return { png: await encodePng(grid), width: grid.width, height: grid.height, values, count: n };
  }

  /** The fixed-noise images of `generator`, as values in [−1, 1]. */
  async fixedNoiseValues(trainer: Trainer, generator: Generator): Promise<Float32Array> {
    const images = tf.tidy(() => trainer.generate(generator, this.fixedNoise.z, this.fixedNoise.labels, false));
    try {
      return (await images.data()) as Float32Array;
    } finally {
      images.dispose();
    }
  }

  dispose(): void {
    tf.dispose([this.fixedNoise.z, ...(this.fixedNoise.labels ? [this.fixedNoise.labels] : [])]);
  }
}
