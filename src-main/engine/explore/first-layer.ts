/**
 * The generator's first layer, which the unsupervised direction methods read: its weight (SeFa)
 * and its activations (GANSpace). Models are built from plain ops over named parameters
 * (models/generator.ts), so the layer is found by name; the forward pass of this one layer is
 * repeated here because Generator exposes only whole images, not intermediate features.
 */
import * as tf from '@tensorflow/tfjs-core';
import { leakyRelu } from '../ops';
import type { LoadedGenerator } from '../sampling';

interface FirstLayer {
  kernel: tf.Variable;
  /** y = z·W (+ b), then the block's normalisation and nonlinearity. */
  activate: (pre: tf.Tensor2D) => tf.Tensor2D;
}

function firstLayer(g: LoadedGenerator): FirstLayer {
  const vars = g.generator.params.variables;
  const get = (name: string) => {
    const v = vars.get(name);
    if (!v) throw new Error(`This generator has no parameter ${name}; its first layer cannot be analysed.`);
    return v;
  };
  if (g.config.model.architecture === 'mlp') {
    const bias = get('g/fc0/bias');
    return { kernel: get('g/fc0/kernel'), activate: (pre) => leakyRelu(tf.add(pre, bias), 0.2) as tf.Tensor2D };
  }
  // DCGAN: the dense projection is reshaped to [base, base, channels] and batch-normalised per channel
  // with the running statistics (inference mode), then ReLU.
  const [mean, variance, gamma, beta] = ['moving_mean', 'moving_variance', 'gamma', 'beta'].map((p) => get(`g/project_bn/${p}`)) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const channels = mean.shape[0]!;
  return {
    kernel: get('g/project/kernel'),
    activate: (pre) => {
      const [n, units] = pre.shape;
      const normed = tf.batchNorm(tf.reshape(pre, [n, units / channels, channels]), mean, variance, beta, gamma, 1e-5);
      return tf.reshape(tf.relu(normed), [n, units]) as tf.Tensor2D;
    },
  };
}

/** The first layer's kernel as [inDim × outDim] row-major (inDim = zDim + classes). */
export async function firstLayerWeight(g: LoadedGenerator): Promise<{ weight: Float32Array; inDim: number; outDim: number }> {
  const { kernel } = firstLayer(g);
  const [inDim, outDim] = kernel.shape as [number, number];
  return { weight: (await kernel.data()) as Float32Array, inDim, outDim };
}

/** Rows of the Gram matrix per backend call: each call is a short synchronous stretch, not one long one. */
const GRAM_ROWS = 64;

/**
 * The Gram matrix of the first layer's centred activations for the latents `z` ([n × zDim]), with
 * classes i mod numClasses for a conditional model. The activations never leave the backend: only
 * the n×n result does, a block of rows at a time so renders and training steps get turns between.
 */
export async function activationGram(g: LoadedGenerator, z: Float32Array): Promise<Float32Array> {
  const layer = firstLayer(g);
  const n = z.length / g.zDim;
  const centred = tf.tidy(() => {
    let input: tf.Tensor2D = tf.tensor2d(z, [n, g.zDim]);
    if (g.numClasses > 0) {
      const labels = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % g.numClasses), 'int32'), g.numClasses);
      input = tf.concat([input, tf.cast(labels, 'float32')], 1) as tf.Tensor2D;
    }
    const y = layer.activate(tf.matMul(input, layer.kernel as tf.Tensor2D));
    return tf.sub(y, tf.mean(y, 0, true)) as tf.Tensor2D;
  });
  const gram = new Float32Array(n * n);
  try {
    for (let start = 0; start < n; start += GRAM_ROWS) {
      const rows = Math.min(GRAM_ROWS, n - start);
      const block = tf.tidy(() => tf.matMul(tf.slice(centred, [start, 0], [rows, -1]), centred, false, true));
      gram.set((await block.data()) as Float32Array, start * n);
      block.dispose();
    }
  } finally {
    centred.dispose();
  }
  return gram;
}
