/**
 * Convolution gradients where the image side has 1–4 channels: a generator's last layer (to
 * grayscale or RGB) and a discriminator's first. There the convolutions the other kernels
 * decompose into have 1–4 output channels, a GEMM one column wide, and XNNPACK reaches 1–4 GFLOP/s
 * on them. Here the contraction runs over the wide side instead, as one plain matmul, and the
 * narrow side is gathered or scattered in JS (a few hundred thousand elements at 28 px):
 *
 *   Conv2DBackpropInput:  cols[b·oh·ow, kh·kw·ci] = dy[b·oh·ow, co] · Wᵀ[co, kh·kw·ci], then col2im
 *   Conv2DBackpropFilter: dW[kh·kw·ci, co] = im2col(x)ᵀ[kh·kw·ci, b·oh·ow] · dy[b·oh·ow, co]
 *
 * (im2col is written transposed in JS rather than transposing dy: tfjs-wasm's Transpose runs at
 * ~20 ns per element, 180 ms for a 64-px batch's dy, more than the whole product.)
 *
 * Both sums run in a fixed order, so results are deterministic for a given thread count.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelRunner } from './runner';

type Shape4 = [number, number, number, number];
/** Widest image side that takes this path (RGBA); wider ones are efficient GEMMs already. */
export const SMALL_CHANNELS = 4;

function matMul(r: KernelRunner, a: TensorInfo, b: TensorInfo): TensorInfo {
  return r.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
}

export function conv2dBackpropInputSmall(r: KernelRunner, dy: TensorInfo, filter: TensorInfo, attrs: Conv2DBackpropInputAttrs, maxChannels = SMALL_CHANNELS): TensorInfo | null {
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs;
  if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { batchSize: n, inHeight: H, inWidth: W, inChannels: ci, outChannels: co, outHeight: oH, outWidth: oW } = info;
  const { strideHeight: sH, strideWidth: sW, filterHeight: kH, filterWidth: kW } = info;
  if (ci > maxChannels || dy.shape[1] !== oH || dy.shape[2] !== oW) return null;
  const k = kH * kW * ci;
  // Wᵀ [co, kH·kW·ci] from the filter [kH, kW, ci, co], transposed in JS (it is tiny).
  const w = r.read(filter) as Float32Array;
  const wt = new Float32Array(co * k);
  for (let t = 0; t < k; t++) for (let o = 0; o < co; o++) wt[o * k + t] = w[t * co + o]!;
  const rows = n * oH * oW;
  const cols = matMul(r, r.view(dy, [1, rows, co]), r.fromValues([1, co, k], wt));
  const c = r.read(cols) as Float32Array;
  r.free(cols);
  const dx = new Float32Array(n * H * W * ci);
  const { top, left } = info.padInfo;
  let row = 0;
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++, row++) {
        const base = row * k;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH - top + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - left + kw;
            if (iw < 0 || iw >= W) continue;
            const to = ((b * H + ih) * W + iw) * ci;
            const from = base + (kh * kW + kw) * ci;
            for (let ch = 0; ch < ci; ch++) dx[to + ch]! += c[from + ch]!;
          }
        }
      }
    }
  }
  return r.fromValues([n, H, W, ci], dx);
}

export function conv2dBackpropFilterSmall(r: KernelRunner, x: TensorInfo, dy: TensorInfo, attrs: Conv2DBackpropFilterAttrs): TensorInfo | null {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { batchSize: n, inHeight: H, inWidth: W, inChannels: ci, outChannels: co, outHeight: oH, outWidth: oW } = info;
  const { strideHeight: sH, strideWidth: sW, filterHeight: kH, filterWidth: kW } = info;
  if (ci > SMALL_CHANNELS || dy.shape[1] !== oH || dy.shape[2] !== oW) return null;
  const k = kH * kW * ci;
  const rows = n * oH * oW;
  // im2col(x)ᵀ [kH·kW·ci, rows], zero where the window leaves the image.
  const xs = r.read(x) as Float32Array;
  const patches = new Float32Array(k * rows);
  const { top, left } = info.padInfo;
  let row = 0;
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++, row++) {
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH - top + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - left + kw;
            if (iw < 0 || iw >= W) continue;
            const from = ((b * H + ih) * W + iw) * ci;
            const t = (kh * kW + kw) * ci;
            for (let ch = 0; ch < ci; ch++) patches[(t + ch) * rows + row] = xs[from + ch]!;
          }
        }
      }
    }
  }
  const dw = matMul(r, r.fromValues([1, k, rows], patches), r.view(dy, [1, rows, co]));
  return r.view(dw, [kH, kW, ci, co]);
}
