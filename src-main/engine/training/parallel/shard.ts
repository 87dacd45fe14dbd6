/**
 * One replica's part of a data-parallel training step (one replica per core, each a worker thread
 * with its own tfjs instance on one thread, see ./collective.ts).
 *
 * Every replica draws exactly what a single trainer would draw for the whole batch (the same Rng,
 * the same seeds) and keeps its own rows of it: `rows`. It computes the mean losses over its rows,
 * and the whole batch's mean is Σ_r w_r·L_r with w_r its share of the rows, so the gradients are
 * summed with those weights before any update (every replica applies the same update to the same
 * weights, so they stay equal bit for bit). Batch norm sees the whole batch: its statistics and
 * its two gradient sums are exchanged inside the layer (BatchNormSync, used by ops/batch-norm.ts).
 * So N replicas compute the step of one trainer, up to the order of float sums.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Collective } from './collective';
import { rowsOf, type ReplicaPart, type Rows } from '../../ops/rows';
import { copiesOnUpload, floatsOf } from '../../backend/wasm-kernels';

export class Shard implements ReplicaPart {
  constructor(private readonly collective: Collective) {}

  get rank(): number {
    return this.collective.rank;
  }

  get size(): number {
    return this.collective.size;
  }

  /** This replica's rows of a batch of `total`. */
  rows(total: number): Rows {
    if (total < this.size) throw new Error(`A batch of ${total} cannot be split over ${this.size} replicas: use a batch of at least ${this.size}, or fewer threads`);
    return rowsOf(total, this.rank, this.size);
  }

  /** Stops the other replicas' waits (this one failed). */
  abort(): void {
    this.collective.abort();
  }

  /** The gradients' buffers, kept from step to step (./collective.ts says why). */
  private local = new Float32Array(0);
  private summed = new Float32Array(0);

  /**
   * The whole batch's gradients from this replica's (of its rows' mean loss): Σ_r w_r·g_r, the
   * same tensors on every replica. Call inside a tidy.
   */
  reduceGradients(grads: tf.NamedTensorMap, rows: Rows): tf.NamedTensorMap {
    const names = Object.keys(grads);
    const length = names.reduce((n, name) => n + grads[name]!.size, 0);
    if (this.local.length < length) {
      this.local = new Float32Array(length);
      this.summed = new Float32Array(length);
    }
    const local = this.local.subarray(0, length);
    let at = 0;
    for (const name of names) {
      local.set(floatsOf(grads[name]!), at);
      at += grads[name]!.size;
    }
    const summed = this.collective.weightedSum(local, rows.count / rows.total, this.summed.subarray(0, length));
    // tfjs-wasm copies an array into its heap as it makes the tensor; other backends keep the array.
    const kept = !copiesOnUpload(tf.backend());
    const out: tf.NamedTensorMap = {};
    at = 0;
    for (const name of names) {
      const g = grads[name]!;
      const values = summed.subarray(at, at + g.size);
      out[name] = tf.tensor(kept ? values.slice() : values, g.shape, 'float32');
      at += g.size;
    }
    return out;
  }

  /** The whole batch's means from this replica's means over its rows. */
  reduceMeans(local: Float32Array, rows: Rows): Float32Array {
    return this.collective.weightedSum(local, rows.count / rows.total, new Float32Array(local.length));
  }

  /** The batch share of this step's rows, set by the trainer for the layers' exchanges. */
  private weight = 1;

  /** Sets the share of the batch this replica's rows are (the batch norm layers' weight). */
  useRows(rows: Rows): void {
    this.weight = rows.count / rows.total;
  }

  statistics(local: Float32Array): Float32Array {
    const channels = local.length / 2;
    // Mean and E[x²] average over the batch; the variance follows (in float64: activations far from
    // zero keep their digits).
    const moments = new Float64Array(local.length);
    for (let c = 0; c < channels; c++) {
      const mean = local[c]!;
      moments[c] = mean;
      moments[channels + c] = local[channels + c]! + mean * mean;
    }
    const whole = this.collective.weightedSum(moments, this.weight);
    const out = new Float32Array(local.length);
    for (let c = 0; c < channels; c++) {
      out[c] = whole[c]!;
      out[channels + c] = Math.max(0, whole[channels + c]! - whole[c]! * whole[c]!);
    }
    return out;
  }

  gradSums(local: Float32Array): Float32Array {
    return this.collective.weightedSum(local, this.weight, new Float32Array(local.length));
  }
}
