import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { arraysToTensors, tensorsToArrays } from './tensors';

describe('tensorsToArrays / arraysToTensors', () => {
  it('round-trips float32 and int32 tensors without leaking', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const w = tf.tensor([[1.5, -2, 3], [4, 5, 6e-8]], [2, 3], 'float32');
    const step = tf.scalar(7, 'int32');
    const v = tf.tidy(() => tf.variable(tf.zeros([4]), true, 'ckpt-test-var'));

    const arrays = await tensorsToArrays([
      { name: 'w', tensor: w },
      { name: 'step', tensor: step },
      { name: 'v', tensor: v },
    ]);
    expect(arrays.map((a) => [a.name, a.shape, a.dtype])).toEqual([['w', [2, 3], 'float32'], ['step', [], 'int32'], ['v', [4], 'float32']]);
    expect(arrays[1]!.data).toBeInstanceOf(Int32Array);
    // A snapshot: later updates to the variable must not show through.
    tf.tidy(() => v.assign(tf.ones([4])));
    expect(Array.from(arrays[2]!.data)).toEqual([0, 0, 0, 0]);

    const restored = arraysToTensors(arrays);
    expect(restored.map((r) => [r.name, r.tensor.shape, r.tensor.dtype])).toEqual([['w', [2, 3], 'float32'], ['step', [], 'int32'], ['v', [4], 'float32']]);
    expect(Array.from(await restored[0]!.tensor.data())).toEqual(Array.from(await w.data()));
    expect(await restored[1]!.tensor.data()).toEqual(new Int32Array([7]));

    tf.dispose([w, step, v, ...restored.map((r) => r.tensor)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses dtypes a checkpoint cannot hold', async () => {
    await tf.setBackend('cpu');
    const b = tf.tensor([true, false], [2], 'bool');
    await expect(tensorsToArrays([{ name: 'mask', tensor: b }])).rejects.toThrow(/"mask".*bool/);
    b.dispose();
  });
});
