/** Conversion between tfjs tensors and the plain arrays a checkpoint stores. */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedArray } from '../../project/checkpoint/types';

/**
 * Downloads each tensor into a fresh array. The copy matters: some backends hand back their own
 * storage, and training keeps running while a save is being written.
 */
export async function tensorsToArrays(named: { name: string; tensor: tf.Tensor }[]): Promise<NamedArray[]> {
  for (const { name, tensor } of named) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new Error(`Cannot checkpoint tensor "${name}": dtype ${tensor.dtype} is not supported (only float32 and int32)`);
    }
  }
  const values = await Promise.all(named.map(({ tensor }) => tensor.data()));
  return named.map(({ name, tensor }, i) => {
    const v = values[i]!;
    const data = tensor.dtype === 'int32' ? new Int32Array(v as Int32Array) : new Float32Array(v as Float32Array);
    return { name, shape: [...tensor.shape], dtype: tensor.dtype as NamedArray['dtype'], data };
  });
}

/**
 * New tensors the caller owns and must dispose. Like tf.tensor, the CPU backend may keep the
 * arrays as its storage, so do not modify them afterwards.
 */
export function arraysToTensors(arrays: NamedArray[]): { name: string; tensor: tf.Tensor }[] {
  return arrays.map(({ name, shape, dtype, data }) => ({ name, tensor: tf.tensor(data, shape, dtype) }));
}
