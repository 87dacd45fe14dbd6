/**
 * Depthwise convolution gradients as flat loops over the channel axis. wasm registers neither
 * DepthwiseConv2dNativeBackpropInput nor …BackpropFilter (so tf.depthwiseConv2d cannot train
 * there at all); cpu has both but reads every element through TensorBuffer.get. The work is
 * O(N·outH·outW·kH·kW·C·multiplier), small next to a full convolution, so plain JS is enough.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelConfig,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { input, withRunner, type KernelArgs, type KernelRunner } from './runner';

type Shape4 = [number, number, number, number];

/** Calls `visit(xOffset, dyOffset, tapIndex)` for every in-bounds (output pixel, tap) pair. */
function forTaps(info: backend_util.Conv2DInfo, visit: (x: number, dy: number, tap: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW } = info;
  const { filterHeight: kH, filterWidth: kW } = info;
  const { top, left } = info.padInfo;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH - top + kh * dH;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - left + kw * dW;
            if (iw < 0 || iw >= inWidth) continue;
            visit(((b * inHeight + ih) * inWidth + iw) * inChannels, dyOffset, kh * kW + kw);
          }
        }
      }
    }
  }
}

function float32(r: KernelRunner, t: TensorInfo): Float32Array {
  const v = r.read(t);
  if (!(v instanceof Float32Array)) throw new Error(`depthwise gradients need float32, got ${t.dtype}`);
  return v;
}

export function depthwiseBackpropFilter(r: KernelRunner, x: TensorInfo, dy: TensorInfo, attrs: DepthwiseConv2dNativeBackpropFilterAttrs): TensorInfo {
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, attrs.filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  const channels = info.inChannels;
  const mult = info.outChannels / channels;
  const xv = float32(r, x);
  const dyv = float32(r, dy);
  // Filter [kH, kW, C, M] is tap-major with C·M contiguous, the same order as dy's channels.
  const acc = new Float64Array(info.filterHeight * info.filterWidth * info.outChannels);
  forTaps(info, (xo, dyo, tap) => {
    const wo = tap * info.outChannels;
    for (let c = 0, o = 0; c < channels; c++) {
      const xc = xv[xo + c]!;
      for (let m = 0; m < mult; m++, o++) acc[wo + o] = acc[wo + o]! + xc * dyv[dyo + o]!;
    }
  });
  return r.fromValues(attrs.filterShape, Float32Array.from(acc));
}

export function depthwiseBackpropInput(r: KernelRunner, dy: TensorInfo, filter: TensorInfo, attrs: DepthwiseConv2dNativeBackpropInputAttrs): TensorInfo {
  const info = backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as Shape4, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  const channels = info.inChannels;
  const mult = info.outChannels / channels;
  const dyv = float32(r, dy);
  const wv = float32(r, filter);
  const dx = new Float32Array(tf.util.sizeFromShape(attrs.inputShape));
  forTaps(info, (xo, dyo, tap) => {
    const wo = tap * info.outChannels;
    for (let c = 0, o = 0; c < channels; c++) {
      let s = 0;
      for (let m = 0; m < mult; m++, o++) s += wv[wo + o]! * dyv[dyo + o]!;
      dx[xo + c] = dx[xo + c]! + s;
    }
  });
  return r.fromValues(attrs.inputShape, dx);
}

export function depthwiseConfigs(backendName: string): KernelConfig[] {
  return [
    {
      kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
      backendName,
      kernelFunc: (args) =>
        withRunner(args as KernelArgs, backendName, (r) =>
          depthwiseBackpropFilter(r, input(args.inputs, 'x'), input(args.inputs, 'dy'), args.attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs),
        ),
    },
    {
      kernelName: tf.DepthwiseConv2dNativeBackpropInput,
      backendName,
      kernelFunc: (args) =>
        withRunner(args as KernelArgs, backendName, (r) =>
          depthwiseBackpropInput(r, input(args.inputs, 'dy'), input(args.inputs, 'filter'), args.attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs),
        ),
    },
  ];
}
