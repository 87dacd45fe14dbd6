/**
 * The convolution backprops on webgpu, each as one GEMM through tfjs' own BatchMatMul (tiled, or
 * split-K when the output is small) around a gather shader:
 *
 *   dW = im2col(x)ᵀ · dy     im2col(x): [N·oH·oW, kH·kW·Cin], one thread per element
 *   dx = col2im(dy · Wᵀ)     col2im: each dx element sums the ≤ ⌈kH/sH⌉·⌈kW/sW⌉ columns that touch it
 *
 * Why: tfjs-backend-webgpu 4.22 runs Conv2DBackpropFilter with one thread per filter element, each
 * looping over the whole batch and image, and Conv2DBackpropInput with a direct loop. On an H200
 * (2026-12-04, bench/gpu-check.sh) the two took 83 % of a DCGAN-64 step's kernel time (1,553 of
 * 1,683 ms at batch 512), against 62 ms for the forward convolutions of the same layers.
 * NCHW, and columns larger than one storage binding, go to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { input, withRunner, type KernelArgs, type KernelRunner } from '../runner';
import { FlatProgram } from './flat-program';

type Shape4 = [number, number, number, number];

/** The uniforms both shaders read, in the order of `geometryUniforms`. */
const GEOMETRY = 'pads : vec2<i32>, strides : vec2<i32>, outSize : vec2<i32>, filterSize : vec2<i32>, inChannels : i32,';

function geometryUniforms(info: backend_util.Conv2DInfo) {
  return [
    { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [info.strideHeight, info.strideWidth] },
    { type: 'int32', data: [info.outHeight, info.outWidth] },
    { type: 'int32', data: [info.filterHeight, info.filterWidth] },
    { type: 'int32', data: [info.inChannels] },
  ];
}

/** x [N, H, W, Cin] → columns [N·oH·oW, kH·kW·Cin]; column (kh·kW + kw)·Cin + ci, zero outside x. */
class Im2ColProgram extends FlatProgram {
  readonly variableNames = ['x'];
  readonly uniforms = GEOMETRY;
  readonly shaderKey = 'ganStudioIm2Col';

  protected body(): string {
    return `
      let coords = getCoordsFromIndex(index);
      let row = coords[0];
      let col = coords[1];
      let ow = row % uniforms.outSize[1];
      let oh = (row / uniforms.outSize[1]) % uniforms.outSize[0];
      let n = row / (uniforms.outSize[1] * uniforms.outSize[0]);
      let ci = col % uniforms.inChannels;
      let tap = col / uniforms.inChannels;
      let row_ = oh * uniforms.strides[0] - uniforms.pads[0] + tap / uniforms.filterSize[1];
      let col_ = ow * uniforms.strides[1] - uniforms.pads[1] + tap % uniforms.filterSize[1];
      var value = 0.0;
      if (row_ >= 0 && row_ < uniforms.xShape[1] && col_ >= 0 && col_ < uniforms.xShape[2]) {
        value = getX(n, row_, col_, ci);
      }`;
  }
}

/** columns [N·oH·oW, kH·kW·Cin] → dx [N, H, W, Cin]: the sum of every column entry that reads dx's pixel. */
class Col2ImProgram extends FlatProgram {
  readonly variableNames = ['cols'];
  readonly uniforms = GEOMETRY;
  readonly shaderKey = 'ganStudioCol2Im';

  protected body(): string {
    return `
      let coords = getCoordsFromIndex(index);
      let n = coords[0];
      let ci = coords[3];
      var value = 0.0;
      for (var kh = 0; kh < uniforms.filterSize[0]; kh++) {
        let ty = coords[1] + uniforms.pads[0] - kh;
        if (ty < 0 || ty % uniforms.strides[0] != 0) { continue; }
        let oh = ty / uniforms.strides[0];
        if (oh >= uniforms.outSize[0]) { continue; }
        for (var kw = 0; kw < uniforms.filterSize[1]; kw++) {
          let tx = coords[2] + uniforms.pads[1] - kw;
          if (tx < 0 || tx % uniforms.strides[1] != 0) { continue; }
          let ow = tx / uniforms.strides[1];
          if (ow >= uniforms.outSize[1]) { continue; }
          let row = (n * uniforms.outSize[0] + oh) * uniforms.outSize[1] + ow;
          value = value + getCols(row, (kh * uniforms.filterSize[1] + kw) * uniforms.inChannels + ci);
        }
      }`;
  }
}

function convInfo(xShape: number[], filterShape: number[], attrs: { strides: number | [number, number]; pad: Conv2DBackpropFilterAttrs['pad']; dimRoundingMode?: Conv2DBackpropFilterAttrs['dimRoundingMode'] }) {
  return backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

/** The columns' rows and width, or null when they would not fit one storage binding, or would
 *  need indices past the shaders' i32 (then: the stock kernel). */
function columns(backend: WebGPUBackend, info: backend_util.Conv2DInfo): [number, number] | null {
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const width = info.filterHeight * info.filterWidth * info.inChannels;
  const limit = backend.device?.limits?.maxStorageBufferBindingSize ?? 128 * 2 ** 20;
  return rows * width * 4 <= limit && rows * width < 2 ** 31 ? [rows, width] : null;
}

function backpropFilter(r: KernelRunner, backend: WebGPUBackend, x: TensorInfo, dy: TensorInfo, attrs: Conv2DBackpropFilterAttrs): TensorInfo | null {
  if (backend_util.convertConv2DDataFormat(attrs.dataFormat) !== 'channelsLast') return null;
  const info = convInfo(x.shape, attrs.filterShape, attrs);
  const size = columns(backend, info);
  if (!size) return null;
  const [rows, width] = size;
  const cols = r.own(new Im2ColProgram([rows, width]).run(backend, [x], geometryUniforms(info)));
  const product = r.run('BatchMatMul', { a: r.view(cols, [1, rows, width]), b: r.view(dy, [1, rows, info.outChannels]) }, { transposeA: true, transposeB: false });
  r.free(cols);
  return r.view(product, attrs.filterShape);
}

function backpropInput(r: KernelRunner, backend: WebGPUBackend, dy: TensorInfo, filter: TensorInfo, attrs: Conv2DBackpropInputAttrs): TensorInfo | null {
  if (backend_util.convertConv2DDataFormat(attrs.dataFormat) !== 'channelsLast') return null;
  const info = convInfo(attrs.inputShape, filter.shape, attrs);
  const size = columns(backend, info);
  if (!size) return null;
  const [rows, width] = size;
  const cols = r.run('BatchMatMul', { a: r.view(dy, [1, rows, info.outChannels]), b: r.view(filter, [1, width, info.outChannels]) }, { transposeA: false, transposeB: true });
  const dx = r.own(new Col2ImProgram(attrs.inputShape).run(backend, [r.view(cols, [rows, width])], geometryUniforms(info)));
  r.free(cols);
  return dx;
}

export function webgpuConvBackpropConfigs(): KernelConfig[] {
  return [
    {
      kernelName: tf.Conv2DBackpropFilter,
      backendName: 'webgpu',
      kernelFunc: (args) =>
        withRunner(args as KernelArgs, 'webgpu', (r) => {
          const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
          const [x, dy] = [input(args.inputs, 'x'), input(args.inputs, 'dy')];
          return backpropFilter(r, args.backend as WebGPUBackend, x, dy, attrs) ?? r.runStock(tf.Conv2DBackpropFilter, args.inputs, args.attrs as NamedAttrMap);
        }),
    },
    {
      kernelName: tf.Conv2DBackpropInput,
      backendName: 'webgpu',
      kernelFunc: (args) =>
        withRunner(args as KernelArgs, 'webgpu', (r) => {
          const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
          const [dy, filter] = [input(args.inputs, 'dy'), input(args.inputs, 'filter')];
          return backpropInput(r, args.backend as WebGPUBackend, dy, filter, attrs) ?? r.runStock(tf.Conv2DBackpropInput, args.inputs, args.attrs as NamedAttrMap);
        }),
    },
  ];
}
