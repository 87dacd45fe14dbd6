/**
 * Conv2DBackpropFilter as one forward convolution.
 *
 *   dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sH − top + kh, ow·sW − left + kw, ci] · dy[n,oh,ow,co]
 *
 * reads as a stride-1 convolution whose "batch" is ci, whose "channels" are n, and whose filter is
 * dy laid out [outH, outW, n, co] and dilated by the stride. wasm has no kernel for this at all; the
 * forward convolution runs in XNNPACK. (cpu uses ./cpu/conv.ts, and this only for NCHW input.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { input, withRunner, type KernelArgs, type KernelRunner } from './runner';
import { conv2dBackpropFilterSmall } from './small-channels';

type Shape4 = [number, number, number, number];

export function conv2dBackpropFilterViaConv(
  r: KernelRunner,
  xIn: TensorInfo,
  dyIn: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const info = backend_util.computeConv2DInfo(
    xIn.shape as Shape4,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const { strideHeight: sH, strideWidth: sW, filterHeight: kH, filterWidth: kW, inHeight: H, inWidth: W } = info;
  const { outHeight: oH, outWidth: oW, inChannels, outChannels } = info;
  const { top, left } = info.padInfo;

  // [Cin, H, W, N] and [oH, oW, N, Cout], straight from either layout.
  const xt = r.transpose(xIn, format === 'channelsLast' ? [3, 1, 2, 0] : [1, 2, 3, 0]);
  const dyt = r.transpose(dyIn, format === 'channelsLast' ? [1, 2, 0, 3] : [2, 3, 0, 1]);

  // Bottom/right padding is whatever makes the output exactly kH×kW; rows the strided filter never
  // reaches (valid padding with leftovers) make it negative, and those rows are cropped instead.
  const bottom = (oH - 1) * sH + kH - top - H;
  const right = (oW - 1) * sW + kW - left - W;
  let src = xt;
  if (bottom < 0 || right < 0) {
    src = r.slice(xt, [0, 0, 0, 0], [inChannels, H + Math.min(0, bottom), W + Math.min(0, right), info.batchSize]);
    r.free(xt);
  }
  const res = r.conv2d(src, dyt, { top, bottom: Math.max(0, bottom), left, right: Math.max(0, right) }, [sH, sW]);
  r.free(src);
  r.free(dyt);
  const out = r.transpose(res, [1, 2, 0, 3]);
  if (out.shape.join() !== [kH, kW, inChannels, outChannels].join()) {
    throw new Error(`Conv2DBackpropFilter: got [${out.shape}], expected [${filterShape}]`);
  }
  return out;
}

export function conv2dBackpropFilterConfig(backendName: string): KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: (args) =>
      withRunner(args as KernelArgs, backendName, (r) => {
        const [x, dy] = [input(args.inputs, 'x'), input(args.inputs, 'dy')];
        const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
        return conv2dBackpropFilterSmall(r, x, dy, attrs) ?? conv2dBackpropFilterViaConv(r, x, dy, attrs);
      }),
  };
}
