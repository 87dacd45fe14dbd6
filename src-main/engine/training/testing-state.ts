/** Test helpers for trainer state: what a checkpoint does to it, and the leak check every trainer test wants. */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { Trainer, TrainerState } from './trainer';

/**
 * Restores `trainer` from a copy of `from`'s exported state, as a checkpoint round trip would:
 * values copied out into fresh tensors, imported into a brand-new trainer, the copies freed.
 */
export async function restoreFrom(from: Trainer, trainer: Trainer): Promise<void> {
  const exported = await from.exportState();
  const copy: TrainerState = {
    ...exported,
    groups: Object.fromEntries(
      Object.entries(exported.groups).map(([k, list]) => [k, list.map(({ name, tensor }) => ({ name, tensor: tf.tensor(tensor.dataSync(), tensor.shape, tensor.dtype) }))]),
    ) as TrainerState['groups'],
  };
  try {
    await trainer.importState(copy);
  } finally {
    Object.values(copy.groups).forEach((list) => list.forEach(({ tensor }) => tensor.dispose()));
  }
}

/** After a warm-up step the tensor count stays put for `steps` more, and dispose returns to where it began. */
export async function expectNoTensorLeak(makeTrainer: () => Trainer, steps: number): Promise<void> {
  const before = tf.memory().numTensors;
  const trainer = makeTrainer();
  await trainer.trainStep();
  const afterFirst = tf.memory().numTensors;
  for (let i = 0; i < steps; i++) await trainer.trainStep();
  expect(tf.memory().numTensors).toBe(afterFirst);
  trainer.dispose();
  expect(tf.memory().numTensors).toBe(before);
}
