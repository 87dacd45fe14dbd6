/**
 * Generators: the fully connected (MLP) GAN of Goodfellow et al. and the DCGAN of Radford et al. (ReLU + batch norm
 * in every block, tanh at the output), upsampling by transposed convolution or by nearest-neighbour
 * upsample + convolution (the checkerboard-free alternative).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ParamStore } from './params';
import { makeBatchNorm, makeConv2d, makeConv2dTranspose, makeDense, type Forward, type ForwardMode, type ModeForward } from './layers';
import { leakyRelu, upsampleNearest } from '../ops';
import { dcganPlan } from '../../shared/model-design/plan';


export interface GeneratorSpec {
  architecture: 'mlp' | 'dcgan';
  resolution: number;
  channels: 1 | 3;
  zDim: number;
  upsample: 'transposed' | 'upsample-conv';
  /** Channels of the last hidden block; earlier blocks double it. */
  width?: number;
}

export interface Generator {
  readonly spec: GeneratorSpec;
  readonly params: ParamStore;
  /** z [n, zDim] → images [n, H, W, C] in [-1, 1]. */
  forward(z: tf.Tensor2D, training: ForwardMode): tf.Tensor4D;
  dispose(): void;
}

export function createGenerator(spec: GeneratorSpec, seed: number): Generator {
  const params = new ParamStore(seed);
  const forward = spec.architecture === 'mlp' ? buildMlp(params, spec) : buildDcgan(params, spec);
  return {
    spec,
    params,
    forward: (z, training) => forward(z, training) as tf.Tensor4D,
    dispose: () => params.dispose(),
  };
}

function buildMlp(params: ParamStore, spec: GeneratorSpec): ModeForward {
  // The MLP GAN: hidden widths h, 2h, 4h with LeakyReLU(0.2), tanh output.
  const hidden = spec.width ?? 128;
  const pixels = spec.resolution * spec.resolution * spec.channels;
  const widths = [hidden, hidden * 2, hidden * 4];
  const layers: Forward[] = [];
  let inUnits = spec.zDim;
  widths.forEach((w, i) => {
    layers.push(makeDense(params, `g/fc${i}`, inUnits, w));
    inUnits = w;
  });
  const out = makeDense(params, 'g/out', inUnits, pixels);
  return (z, mode) => {
    const training = mode !== false; // no batch statistics here: 'calibrate' is training
    let h = z;
    for (const layer of layers) {
      h = leakyRelu(layer(h, training), 0.2);
    }
    return tf.reshape(tf.tanh(out(h, training)), [-1, spec.resolution, spec.resolution, spec.channels]);
  };
}

function buildDcgan(params: ParamStore, spec: GeneratorSpec): ModeForward {
  const { base, upsamplings } = dcganPlan(spec.resolution);
  const width = spec.width ?? 64;
  const channelsAt = (block: number) => width * 2 ** (upsamplings - 1 - block);
  const first = channelsAt(0) * 2;
  const project = makeDense(params, 'g/project', spec.zDim, base * base * first, false);
  const projectNorm = makeBatchNorm(params, 'g/project_bn', first);

  const blocks: ModeForward[] = [];
  let inChannels = first;
  for (let i = 0; i < upsamplings; i++) {
    const last = i === upsamplings - 1;
    const outChannels = last ? spec.channels : channelsAt(i);
    const name = `g/up${i}`;
    const conv =
      spec.upsample === 'transposed'
        ? makeConv2dTranspose(params, name, 4, inChannels, outChannels, last)
        : upsampleConv(makeConv2d(params, name, 3, inChannels, outChannels, 1, last));
    if (last) {
      blocks.push((x, t) => tf.tanh(conv(x, t !== false)));
    } else {
      const norm = makeBatchNorm(params, `${name}_bn`, outChannels);
      blocks.push((x, t) => tf.relu(norm(conv(x, t !== false), t)));
    }
    inChannels = outChannels;
  }
  return (z, training) => {
    let h: tf.Tensor = tf.reshape(project(z, training !== false), [-1, base, base, first]);
    h = tf.relu(projectNorm(h, training));
    for (const block of blocks) h = block(h, training);
    return h;
  };
}

function upsampleConv(conv: Forward): Forward {
  // Reshape-and-broadcast upsampling: tfjs's resizeNearestNeighbor gradient is a slow loop on
  // wasm and has no second-order gradient.
  return (x, training) => conv(upsampleNearest(x as tf.Tensor4D, 2), training);
}
