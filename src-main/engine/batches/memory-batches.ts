/**
 * Training batches drawn from images held in memory (the demo digits, a dataset that fits in RAM),
 * converted to what the model expects: [-1, 1] floats at the model's resolution and channel count,
 * one-hot labels if it is conditional.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../../api/train-config';
import type { LabelledImages } from '../dataset/mnist-demo';
import type { Batch, BatchSource } from './types';
import type { Rng } from '../rng';
import type { Rows } from '../ops/rows';

/** What the stored images look like (all of a dataset's images share it). */
export interface ImageLayout {
  width: number;
  height: number;
  channels: 1 | 3;
  classNames: readonly string[];
}

/** Throws when a conditional model's class count does not match the dataset's. */
export function checkClasses(layout: ImageLayout, model: ModelConfig): void {
  if (model.numClasses > 0 && model.numClasses !== layout.classNames.length) {
    throw new Error(`The model expects ${model.numClasses} classes; the dataset has ${layout.classNames.length}`);
  }
}

/**
 * Images per class for a model conditioned on the dataset's classes, or undefined for any other
 * model. Evaluation draws its samples' classes in this mix: a dataset whose classes are uneven (the
 * emoji by category: 60 % people) is compared with samples in the same proportions, as the real
 * images it is measured against are.
 */
export function classSizesOf(labels: Int32Array, model: ModelConfig): number[] | undefined {
  if (model.numClasses <= 0 || model.labels === 'clusters') return undefined;
  const sizes = new Array<number>(model.numClasses).fill(0);
  for (const label of labels) if (label >= 0 && label < model.numClasses) sizes[label]!++;
  return sizes.some((n) => n > 0) ? sizes : undefined;
}

/** n stored images (uint8 HWC, back to back) and their classes as the model's input tensors. */
export function toBatch(bytes: Uint8Array, classes: Int32Array, layout: ImageLayout, model: ModelConfig): Batch {
  const { width, height, channels } = layout;
  const n = classes.length;
  return tf.tidy(() => {
    let images = tf.sub(tf.div(tf.tensor4d(bytes, [n, height, width, channels], 'float32'), 127.5), 1) as tf.Tensor4D;
    if (height !== model.resolution || width !== model.resolution) {
      images = tf.image.resizeBilinear(images, [model.resolution, model.resolution], true);
    }
    if (channels !== model.channels) {
      images = model.channels === 3 ? tf.tile(images, [1, 1, 1, 3]) : tf.mean(images, 3, true);
    }
    const labels = model.numClasses > 0 ? (tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), model.numClasses), 'float32') as tf.Tensor2D) : null;
    return { images, labels } as unknown as tf.TensorContainerObject;
  }) as unknown as Batch;
}

export function memoryBatches(data: LabelledImages, model: ModelConfig): BatchSource {
  const pixels = data.width * data.height * data.channels;
  checkClasses(data, model);
  const draw = (n: number, rng: Rng, rows?: Rows | null): Batch => {
    // Every image is drawn (the Rng moves as for the whole batch); only `rows` of them are converted.
    const from = rows?.offset ?? 0;
    const count = rows?.count ?? n;
    const bytes = new Uint8Array(count * pixels);
    const picks = new Int32Array(count);
    for (let i = 0; i < n; i++) {
      const p = rng.int(data.count);
      if (i < from || i >= from + count) continue;
      picks[i - from] = data.labels[p]!;
      bytes.set(data.images.subarray(p * pixels, (p + 1) * pixels), (i - from) * pixels);
    }
    return toBatch(bytes, picks, data, model);
  };
  const classSizes = classSizesOf(data.labels, model);
  return Object.assign(draw, { size: data.count }, classSizes ? { classSizes } : {});
}
