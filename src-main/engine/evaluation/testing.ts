/**
 * Test support: a small but real TensorFlow.js graph model (GraphDef JSON + a weight shard, the
 * format tensorflowjs_converter writes) — Conv2D 3×3 → ReLU → global mean pool, 8×8 RGB in,
 * `channels` features out — written without network or Python, plus the same computation in tf
 * ops to check what the loaded model returns.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dims = (shape: number[]) => ({ dim: shape.map((size) => ({ size: String(size) })) });

export interface TinyGraphModel {
  dir: string;
  kernel: Float32Array;
  /** What the model computes, on images already at its input size and range. */
  reference(x: tf.Tensor4D): tf.Tensor2D;
}

export async function writeTinyGraphModel(dir: string, channels = 4): Promise<TinyGraphModel> {
  const kernelShape = [3, 3, 3, channels];
  const kernel = Float32Array.from({ length: 27 * channels }, (_, i) => Math.sin(i * 0.7) * 0.5);
  const axes = Int32Array.from([1, 2]);
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'gan-studio tests',
    convertedBy: 'gan-studio tests',
    modelTopology: {
      node: [
        { name: 'images', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 8, 8, 3]) } } },
        { name: 'kernel', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(kernelShape) } }, dtype: { type: 'DT_FLOAT' } } },
        { name: 'axes', op: 'Const', attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: dims([2]) } }, dtype: { type: 'DT_INT32' } } },
        {
          name: 'conv',
          op: 'Conv2D',
          input: ['images', 'kernel'],
          attr: {
            T: { type: 'DT_FLOAT' },
            strides: { list: { i: ['1', '1', '1', '1'] } },
            padding: { s: b64('SAME') },
            data_format: { s: b64('NHWC') },
            dilations: { list: { i: ['1', '1', '1', '1'] } },
          },
        },
        { name: 'relu', op: 'Relu', input: ['conv'], attr: { T: { type: 'DT_FLOAT' } } },
        { name: 'pool', op: 'Mean', input: ['relu', 'axes'], attr: { T: { type: 'DT_FLOAT' }, keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } } },
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'kernel', shape: kernelShape, dtype: 'float32' },
          { name: 'axes', shape: [2], dtype: 'int32' },
        ],
      },
    ],
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
  await writeFile(join(dir, 'group1-shard1of1.bin'), Buffer.concat([Buffer.from(kernel.buffer), Buffer.from(axes.buffer)]));
  return {
    dir,
    kernel,
    reference: (x) => tf.tidy(() => tf.mean(tf.relu(tf.conv2d(x, tf.tensor4d(kernel, kernelShape as [number, number, number, number]), 1, 'same')), [1, 2]) as tf.Tensor2D),
  };
}
