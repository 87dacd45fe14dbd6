/** What a training run reads: batches, and the sources that draw them. */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import type { Rows } from '../ops/rows';

/** A batch of training images in [-1, 1] with optional one-hot labels. */
export interface Batch {
  images: tf.Tensor4D;
  labels: tf.Tensor2D | null;
}

/**
 * Draws a batch with the trainer's Rng. A source that keeps its own place in the data (a shard
 * stream) exposes `position`, which the trainer saves with its checkpoints and restores, so a
 * resumed run continues the stream exactly where it stopped. With `rows` (a data-parallel replica's
 * share), a source draws for the whole batch as always and may return only those rows of it; the
 * trainer keeps the rows of whatever it gets.
 */
export type BatchSource = ((batchSize: number, rng: Rng, rows?: Rows | null) => Batch) & {
  position?: SourcePosition;
  /** Images in the dataset, so progress can be told in epochs. */
  size?: number;
  /** When the classes are clusters (self-conditioning): images per cluster (samples follow this mix) and the centres a run saves. */
  clusters?: { sizes: number[]; centres: number[][] };
  /** A model conditioned on the dataset's own classes: images per class (evaluation samples follow this mix). */
  classSizes?: number[];
};

export interface SourcePosition {
  /** Small integers (each within int32) that pin the source's state. */
  save(): number[];
  restore(saved: readonly number[]): void;
}
