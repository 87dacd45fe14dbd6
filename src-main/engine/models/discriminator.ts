/**
 * Discriminators (critics): the MLP (LeakyReLU 0.2 + dropout) and the DCGAN
 * critic (strided convolutions instead of pooling, LeakyReLU everywhere, batch norm on every block
 * but the first, or spectral norm, or none for WGAN-GP). For the conditional DCGAN the class
 * one-hot is appended to the image as constant channels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ParamStore } from './params';
import { dcganInit, makeBatchNorm, makeDense, makeSpectralNorm, type Forward } from './layers';
import { leakyRelu } from '../ops';
import { tfSeed } from '../ops/seed';
import { dcganPlan } from '../../shared/model-design/plan';
import type { ModelConfig } from '../../api/train-config';
import { sliceRows, type Rows } from '../ops/rows';

export interface Discriminator {
  readonly params: ParamStore;
  /** images [n, H, W, C] in [-1, 1] (+ one-hot labels [n, K] when conditional) → logits [n, 1]. */
  forward(images: tf.Tensor4D, labels: tf.Tensor2D | null, training: boolean): tf.Tensor2D;
  /**
   * Seeds the dropout masks of the next forward passes, so a run (and its resume) is repeatable.
   * With `rows`, the images are those rows of a larger batch (a data-parallel replica's), and each
   * mask is those rows of the whole batch's.
   */
  reseed(seed: number, rows?: Rows | null): void;
  dispose(): void;
}

export function createDiscriminator(config: ModelConfig, seed: number): Discriminator {
  const params = new ParamStore(seed);
  const noise: Noise = { seed, calls: 0, rows: null };
  const forward = config.architecture === 'mlp' ? buildMlp(params, config, noise) : buildDcgan(params, config);
  return {
    params,
    forward,
    reseed: (next, rows = null) => {
      noise.seed = next;
      noise.calls = 0;
      noise.rows = rows;
    },
    dispose: () => params.dispose(),
  };
}

interface Noise {
  seed: number;
  calls: number;
  rows: Rows | null;
}

/** tf.dropout's mask, drawn for the whole batch when h is some rows of it. */
function dropout(h: tf.Tensor, rate: number, noise: Noise): tf.Tensor {
  const seed = noise.seed + noise.calls++;
  const rows = noise.rows;
  if (!rows) return tf.dropout(h, rate, undefined, tfSeed(seed));
  // tf.dropout's arithmetic: x · ⌊U + keep⌋ / keep, U over the whole batch's shape.
  const keep = 1 - rate;
  const uniform = sliceRows(tf.randomUniform([rows.total, ...h.shape.slice(1)], 0, 1, 'float32', tfSeed(seed)), rows);
  return tf.mul(h, tf.div(tf.floor(tf.add(uniform, keep)), keep));
}

function buildMlp(params: ParamStore, config: ModelConfig, noise: Noise): Discriminator['forward'] {
  const hidden = config.dWidth;
  const pixels = config.resolution * config.resolution * config.channels;
  const widths = [hidden * 4, hidden * 2, hidden];
  const layers: Forward[] = [];
  let inUnits = pixels;
  widths.forEach((w, i) => {
    layers.push(makeDense(params, `d/fc${i}`, inUnits, w));
    inUnits = w;
  });
  const out = makeDense(params, 'd/out', inUnits, 1);
  return (images, _labels, training) => {
    let h: tf.Tensor = tf.reshape(images, [-1, pixels]);
    for (const layer of layers) {
      h = leakyRelu(layer(h, training));
      if (training) h = dropout(h, 0.3, noise);
    }
    return out(h, training) as tf.Tensor2D;
  };
}

function buildDcgan(params: ParamStore, config: ModelConfig): Discriminator['forward'] {
  const { base, upsamplings: downsamplings } = dcganPlan(config.resolution);
  const conditional = config.architecture === 'cdcgan';
  const blocks: Forward[] = [];
  let inChannels = config.channels + (conditional ? config.numClasses : 0);
  for (let i = 0; i < downsamplings; i++) {
    const outChannels = config.dWidth * 2 ** i;
    blocks.push(makeCriticBlock(params, `d/down${i}`, inChannels, outChannels, i === 0 ? 'none' : config.dNorm, config.dNorm === 'spectral'));
    inChannels = outChannels;
  }
  const features = base * base * inChannels;
  const out = makeDense(params, 'd/out', features, 1);
  return (images, labels, training) => {
    let h: tf.Tensor = images;
    if (conditional) {
      if (!labels) throw new Error('The conditional discriminator needs labels');
      const [n, height, width] = images.shape;
      const planes = tf.tile(tf.reshape(labels, [n, 1, 1, config.numClasses]), [1, height, width, 1]);
      h = tf.concat([images, planes], 3);
    }
    for (const block of blocks) h = block(h, training);
    return out(tf.reshape(h, [-1, features]), training) as tf.Tensor2D;
  };
}

function makeCriticBlock(
  params: ParamStore,
  name: string,
  inChannels: number,
  outChannels: number,
  norm: ModelConfig['dNorm'],
  spectral: boolean,
): Forward {
  // Batch norm makes a bias redundant; spectral norm and no norm keep it.
  const useBias = norm !== 'batch';
  const kernel = params.create(`${name}/kernel`, [4, 4, inChannels, outChannels], dcganInit);
  const bias = useBias ? params.create(`${name}/bias`, [outChannels], { kind: 'constant', value: 0 }) : null;
  const normalisedKernel = spectral ? makeSpectralNorm(params, name, kernel) : () => kernel;
  const batchNorm = norm === 'batch' ? makeBatchNorm(params, `${name}_bn`, outChannels) : null;
  return (x, training) => {
    let y: tf.Tensor = tf.conv2d(x as tf.Tensor4D, normalisedKernel(training) as tf.Tensor4D, 2, 'same');
    if (bias) y = tf.add(y, bias);
    if (batchNorm) y = batchNorm(y, training);
    return leakyRelu(y);
  };
}
