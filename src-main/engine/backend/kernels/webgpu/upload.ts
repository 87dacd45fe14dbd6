/**
 * Uploads of data from JavaScript (every scalar a gradient formula makes, the noise and image batches)
 * through queue.writeBuffer. tfjs-backend-webgpu 4.22 creates a mapped staging buffer for each
 * upload, copies it in the command encoder and destroys it after the next submit: a GPU memory
 * allocation and free per tf.scalar, about 90 per DCGAN-28 step. queue.writeBuffer goes through
 * Dawn's own staging ring instead.
 *
 * Ordering: the destination comes from tfjs' buffer pool, and tfjs returns a buffer to the pool only
 * once no command recorded since the last submit uses it (it tracks each program's inputs and
 * output until then), so the write, which the queue runs before the pending commands, cannot
 * overwrite data they read.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedOpsEnabled } from '../../fused';

interface TensorData {
  dtype: tf.DataType;
  shape: number[];
  values: ArrayLike<number> | null;
  resource: unknown;
}

interface BackendInternals {
  tensorMap?: { get(dataId: object): TensorData | undefined };
  bufferManager?: { acquireBuffer(size: number, usage: number): object };
  queue?: { writeBuffer(buffer: object, offset: number, data: ArrayBufferView): void };
  uploadToGPU(dataId: object): void;
}

const INSTALLED = Symbol.for('gan-studio.webgpu-write-buffer-uploads');

/** Replaces `uploadToGPU` on tfjs' WebGPUBackend prototype (once); falls back to tfjs' own where its internals differ. */
export function installWriteBufferUploads(proto: object): void {
  const p = proto as BackendInternals & { [INSTALLED]?: true };
  if (p[INSTALLED] || typeof p.uploadToGPU !== 'function') return;
  const stock = p.uploadToGPU;
  p.uploadToGPU = function (this: BackendInternals, dataId: object): void {
    const data = this.tensorMap?.get(dataId);
    const usage = (globalThis as { GPUBufferUsage?: { STORAGE: number; COPY_SRC: number; COPY_DST: number } }).GPUBufferUsage;
    if (!fusedOpsEnabled() || !data || data.resource != null || data.values == null || !this.bufferManager || !this.queue || !usage) return stock.call(this, dataId);
    if (data.dtype !== 'float32' && data.dtype !== 'int32' && data.dtype !== 'bool') return stock.call(this, dataId);
    const values = data.dtype === 'float32' ? asTyped(data.values, Float32Array) : asTyped(data.values, Int32Array);
    if (values.length === 0) return stock.call(this, dataId);
    const buffer = this.bufferManager.acquireBuffer(values.byteLength, usage.STORAGE | usage.COPY_SRC | usage.COPY_DST);
    this.queue.writeBuffer(buffer, 0, values);
    data.values = null;
    data.resource = buffer;
  };
  p[INSTALLED] = true;
}

function asTyped<T extends Float32Array | Int32Array>(values: ArrayLike<number>, Type: { new (v: ArrayLike<number>): T }): T {
  return values instanceof Type ? values : new Type(values);
}
