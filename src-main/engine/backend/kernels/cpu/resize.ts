/**
 * ResizeNearestNeighborGrad for the cpu backend. tfjs-cpu 4.22's kernel indexes dy with the
 * *images* batch stride, so for batch > 1 every image after the first gets the gradient of the
 * wrong pixels (and it ignores halfPixelCenters). This is the exact adjoint of tfjs-cpu's forward
 * ResizeNearestNeighbor: each dy pixel is added to the source pixel the forward pass copied.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, ResizeNearestNeighborGradAttrs } from '@tensorflow/tfjs-core';
import { input, withRunner, type KernelArgs } from '../runner';

/** For each of `newSize` output positions, the input position tfjs-cpu's forward pass reads. */
export function nearestSources(oldSize: number, newSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const effectiveIn = alignCorners && newSize > 1 ? oldSize - 1 : oldSize;
  const effectiveOut = alignCorners && newSize > 1 ? newSize - 1 : newSize;
  const ratio = effectiveIn / effectiveOut;
  const out = new Int32Array(newSize);
  for (let i = 0; i < newSize; i++) {
    const frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    let src = Math.min(oldSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    if (halfPixelCenters) src = Math.max(0, src);
    out[i] = src;
  }
  return out;
}

export function cpuResizeNearestNeighborGradConfig(): KernelConfig {
  const backendName = 'cpu';
  return {
    kernelName: tf.ResizeNearestNeighborGrad,
    backendName,
    kernelFunc: (args) =>
      withRunner(args as KernelArgs, backendName, (r) => {
        const images = input(args.inputs, 'images');
        const dy = input(args.inputs, 'dy');
        if (dy.dtype !== 'float32') return r.runStock(tf.ResizeNearestNeighborGrad, { images, dy }, args.attrs);
        const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeNearestNeighborGradAttrs;
        const [batch, oldH, oldW, channels] = images.shape as [number, number, number, number];
        const [, newH, newW] = dy.shape as [number, number, number, number];
        const rows = nearestSources(oldH, newH, alignCorners, halfPixelCenters);
        const cols = nearestSources(oldW, newW, alignCorners, halfPixelCenters);
        const dyv = r.read(dy) as Float32Array;
        const dx = new Float32Array(batch * oldH * oldW * channels);
        let o = 0;
        for (let b = 0; b < batch; b++) {
          for (let y = 0; y < newH; y++) {
            const rowBase = (b * oldH + rows[y]!) * oldW;
            for (let x = 0; x < newW; x++) {
              const src = (rowBase + cols[x]!) * channels;
              for (let d = 0; d < channels; d++, o++) dx[src + d] = dx[src + d]! + dyv[o]!;
            }
          }
        }
        return r.fromValues(images.shape, dx);
      }),
  };
}
