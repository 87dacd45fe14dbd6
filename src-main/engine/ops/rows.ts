/**
 * A data-parallel replica's rows of a batch (engine/training/parallel): every layer that draws per image
 * (augmentation, dropout, WGAN-GP's mixing weights) draws for the whole batch and keeps these rows,
 * so N replicas draw what one trainer draws. A leaf module: the layers use it without depending on
 * the parallel engine.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Rows [offset, offset + count) of a batch of `total`. */
export interface Rows {
  offset: number;
  count: number;
  total: number;
}

/** Replica `rank`'s rows of a batch of `total`, as even as whole rows allow. */
export function rowsOf(total: number, rank: number, size: number): Rows {
  const offset = Math.floor((rank * total) / size);
  return { offset, count: Math.floor(((rank + 1) * total) / size) - offset, total };
}

/** Those rows of t (t itself when they are all of it). */
export function sliceRows<T extends tf.Tensor>(t: T, rows: Rows | null): T {
  if (!rows || (rows.offset === 0 && rows.count === t.shape[0])) return t;
  return tf.slice(t, rows.offset, rows.count) as T;
}

/** Rows of per-image parameters drawn for the whole batch. */
export function pickRows<T extends Float32Array | Int32Array | Uint8Array>(values: T, rows: Rows | null): T {
  return rows ? (values.slice(rows.offset, rows.offset + rows.count) as T) : values;
}

/** Batch norm over the whole batch in data-parallel training. */
export interface BatchNormSync {
  /** This replica's per-channel [mean; variance] ([2·C]) → the whole batch's. */
  statistics(local: Float32Array): Float32Array;
  /** This replica's [Σ dy; Σ dy·x̂] ([2·C]) → the whole batch's, as the layer's input gradient needs them. */
  gradSums(local: Float32Array): Float32Array;
}

/**
 * What a trainer asks of its replica's part in a data-parallel run (training/parallel/shard.ts has the one
 * implementation): its rows of each batch, and the whole batch's gradients and statistics from its own.
 */
export interface ReplicaPart extends BatchNormSync {
  rows(total: number): Rows;
  /** Sets the batch share this step's exchanges weigh this replica's sums by. */
  useRows(rows: Rows): void;
  /** Frees the other replicas' waits (this one failed). */
  abort(): void;
  reduceGradients(grads: tf.NamedTensorMap, rows: Rows): tf.NamedTensorMap;
  reduceMeans(local: Float32Array, rows: Rows): Float32Array;
}
