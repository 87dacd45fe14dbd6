/**
 * The window of an NHWC 2-D convolution, as the engine's im2col-based kernels read it (the cpu
 * backend's kernels/cpu/conv.ts and ONNX Runtime's ort/ort-kernels.ts): one home for turning tfjs's
 * Conv2DInfo into the sizes those loops use.
 */
import type { backend_util } from '@tensorflow/tfjs-core';

export interface Window2D {
  n: number;
  /** Input height, width and channels. */
  h: number;
  w: number;
  c: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  /** Padding before the first row / column (after the last is implied by the output size). */
  top: number;
  left: number;
  outH: number;
  outW: number;
}

/** A convolution's full geometry: its window, the dilation and the output channels. */
export interface ConvGeometry extends Window2D {
  dH: number;
  dW: number;
  cOut: number;
}

export function convGeometry(info: backend_util.Conv2DInfo): ConvGeometry {
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    sH: info.strideHeight,
    sW: info.strideWidth,
    dH: info.dilationHeight,
    dW: info.dilationWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
    outH: info.outHeight,
    outW: info.outWidth,
    cOut: info.outChannels,
  };
}
