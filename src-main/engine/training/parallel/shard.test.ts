/**
 * A replica's gradient exchange keeps its buffers from step to step: the gradients it hands back must
 * not change when the next exchange reuses them (on cpu, where a tensor keeps the array it was made from).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Collective, createCollective } from './collective';
import { Shard } from './shard';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('shard', () => {
  it('hands back gradients that the next exchange leaves alone', () => {
    const shard = new Shard(new Collective(createCollective(1), 0));
    const rows = shard.rows(4);
    const first = shard.reduceGradients({ w: tf.tensor2d([[1, 2], [3, 4]]), b: tf.tensor1d([5]) }, rows);
    const second = shard.reduceGradients({ w: tf.tensor2d([[10, 20], [30, 40]]), b: tf.tensor1d([50]) }, rows);
    expect(first.w!.shape).toEqual([2, 2]);
    expect(Array.from(first.w!.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(first.b!.dataSync())).toEqual([5]);
    expect(Array.from(second.w!.dataSync())).toEqual([10, 20, 30, 40]);
    // A longer exchange after a shorter one grows the kept buffers.
    const third = shard.reduceGradients({ w: tf.tensor1d([1, 2, 3, 4, 5, 6, 7]) }, rows);
    expect(Array.from(third.w!.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(first.w!.dataSync())).toEqual([1, 2, 3, 4]);
  });
});
