/**
 * Training batches drawn from images held in memory (the demo digits), converted to what the model
 * expects: [-1, 1] floats at the model's resolution and channel count, one-hot labels if it is
 * conditional.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../../api/train-config';
import type { LabelledImages } from './mnist-demo';
import type { Batch, BatchSource } from '../train/trainer';

export function memoryBatches(data: LabelledImages, model: ModelConfig): BatchSource {
  const { width, height, channels } = data;
  const pixels = width * height * channels;
  const conditional = model.numClasses > 0;
  if (conditional && model.numClasses !== data.classNames.length) {
    throw new Error(`The model expects ${model.numClasses} classes; the dataset has ${data.classNames.length}`);
  }
  return (n, rng): Batch =>
    tf.tidy(() => {
      const bytes = new Uint8Array(n * pixels);
      const picks = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const p = rng.int(data.count);
        picks[i] = data.labels[p]!;
        bytes.set(data.images.subarray(p * pixels, (p + 1) * pixels), i * pixels);
      }
      let images = tf.sub(tf.div(tf.tensor4d(bytes, [n, height, width, channels], 'float32'), 127.5), 1) as tf.Tensor4D;
      if (height !== model.resolution || width !== model.resolution) {
        images = tf.image.resizeBilinear(images, [model.resolution, model.resolution], true);
      }
      if (channels !== model.channels) {
        images = model.channels === 3 ? tf.tile(images, [1, 1, 1, 3]) : tf.mean(images, 3, true);
      }
      const labels = conditional ? (tf.cast(tf.oneHot(tf.tensor1d(picks, 'int32'), model.numClasses), 'float32') as tf.Tensor2D) : null;
      return { images, labels } as unknown as tf.TensorContainerObject;
    }) as unknown as Batch;
}
