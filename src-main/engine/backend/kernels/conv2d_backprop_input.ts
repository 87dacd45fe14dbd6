/**
 * Conv2DBackpropInput (the forward pass of conv2dTranspose, and conv2d's input gradient) as
 * stride² ordinary stride-1 convolutions, one per output phase, interleaved afterwards.
 *
 * With ih = s·q + p, only taps kh ≡ (p + top) mod s reach phase p, and
 *   dx_p[q] = Σ_j dy[q + c_p − j] · W[r_p + s·j],   r_p = (p + top) mod s,  c_p = ⌊(p + top)/s⌋,
 * which is a stride-1 correlation of dy with the phase's taps reversed. wasm's own kernel is a
 * scalar loop; these convolutions run in XNNPACK. (On cpu the stock loop is faster: wasm only.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { input, withRunner, type KernelArgs, type KernelRunner } from './runner';
import { conv2dBackpropInputSmall } from './small-channels';

type Shape4 = [number, number, number, number];

/** How one phase along one spatial axis maps onto dy and onto the flipped filter. */
export type PhasePlan = {
  /** First tap of this phase in the spatially reversed filter; taps then step by the stride. */
  filterStart: number;
  taps: number;
  /** Window of dy rows actually read, and the zero padding added around it. */
  cropBegin: number;
  cropSize: number;
  padBefore: number;
  padAfter: number;
};

/**
 * Plans phase `p` of an axis with input length `outLen` (dy), filter size `k`, stride `s`, leading
 * pad `top`, producing `q` rows. Returns null when the phase reads no dy rows or has no taps, which
 * the caller treats as unsupported.
 */
export function planPhase(p: number, s: number, k: number, top: number, outLen: number, q: number): PhasePlan | null {
  const r = (p + top) % s;
  const c = Math.floor((p + top) / s);
  const taps = Math.ceil((k - r) / s);
  if (taps <= 0) return null;
  const start = c - taps + 1;
  const end = q + c;
  const cropBegin = Math.max(0, start);
  const cropEnd = Math.min(outLen, end);
  if (cropEnd <= cropBegin) return null;
  return {
    filterStart: k - 1 - r - s * (taps - 1),
    taps,
    cropBegin,
    cropSize: cropEnd - cropBegin,
    padBefore: Math.max(0, -start),
    padAfter: Math.max(0, end - outLen),
  };
}

/** Null when this decomposition does not apply; the caller then runs the stock kernel. */
export function conv2dBackpropInputByPhases(
  r: KernelRunner,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
): TensorInfo | null {
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs;
  if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as Shape4,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { strideHeight: sH, strideWidth: sW, filterHeight: kH, filterWidth: kW } = info;
  const { batchSize: n, inHeight: H, inWidth: W, inChannels, outChannels, outHeight, outWidth } = info;
  if (dy.shape[1] !== outHeight || dy.shape[2] !== outWidth) return null;
  const qH = Math.ceil(H / sH);
  const qW = Math.ceil(W / sW);
  const rows: PhasePlan[] = [];
  const cols: PhasePlan[] = [];
  for (let p = 0; p < sH; p++) {
    const plan = planPhase(p, sH, kH, info.padInfo.top, outHeight, qH);
    if (!plan) return null;
    rows.push(plan);
  }
  for (let p = 0; p < sW; p++) {
    const plan = planPhase(p, sW, kW, info.padInfo.left, outWidth, qW);
    if (!plan) return null;
    cols.push(plan);
  }

  const w = r.read(filter) as Float32Array;
  // Row-major over (row phase, column phase): the order the interleave below expects.
  const phases: TensorInfo[] = [];
  for (const row of rows) {
    for (const col of cols) {
      const sub = r.fromValues(
        [row.taps, col.taps, outChannels, inChannels],
        phaseFilter(w, kH, kW, inChannels, outChannels, row, col, sH, sW),
      );
      const cropped = row.cropBegin > 0 || col.cropBegin > 0 || row.cropSize < outHeight || col.cropSize < outWidth;
      const src = cropped
        ? r.slice(dy, [0, row.cropBegin, col.cropBegin, 0], [n, row.cropSize, col.cropSize, outChannels])
        : dy;
      const pads = { top: row.padBefore, bottom: row.padAfter, left: col.padBefore, right: col.padAfter };
      phases.push(r.conv2d(src, sub, pads));
      if (src !== dy) r.free(src);
      r.free(sub);
    }
  }

  const only = phases.length === 1 ? phases[0] : undefined;
  if (only) return only;
  // Interleave: stack the phases as [sH, sW, N·qH, qW·C], then two rank-4 transposes put each phase
  // axis next to its spatial axis (tfjs-wasm transposes of rank > 4 are ~20× slower, and concats
  // along inner axes copy element by element when C is small).
  const stacked = r.concat(phases, 0);
  for (const ph of phases) r.free(ph);
  const rowsFirst = r.transpose(r.view(stacked, [sH, sW, n * qH, qW * inChannels]), [2, 0, 1, 3]);
  r.free(stacked);
  const interleaved = r.transpose(r.view(rowsFirst, [n * qH * sH, sW, qW, inChannels]), [0, 2, 1, 3]);
  r.free(rowsFirst);
  const full = r.view(interleaved, [n, qH * sH, qW * sW, inChannels]);
  if (qH * sH === H && qW * sW === W) return full;
  return r.slice(full, [0, 0, 0, 0], [n, H, W, inChannels]);
}

/**
 * The taps of one phase, reversed and laid out as a conv filter [tapsH, tapsW, Cout, Cin]. Done in
 * JS because filters are small and tfjs-wasm's Reverse/StridedSlice are ~70 ns per element.
 */
function phaseFilter(
  w: Float32Array,
  kH: number,
  kW: number,
  cin: number,
  cout: number,
  row: PhasePlan,
  col: PhasePlan,
  sH: number,
  sW: number,
): Float32Array {
  const out = new Float32Array(row.taps * col.taps * cout * cin);
  let o = 0;
  for (let i = 0; i < row.taps; i++) {
    const kh = kH - 1 - (row.filterStart + sH * i);
    for (let j = 0; j < col.taps; j++) {
      const kw = kW - 1 - (col.filterStart + sW * j);
      const base = (kh * kW + kw) * cin * cout;
      for (let co = 0; co < cout; co++) {
        for (let ci = 0; ci < cin; ci++) out[o++] = w[base + ci * cout + co]!;
      }
    }
  }
  return out;
}

export function conv2dBackpropInputConfig(backendName: string): KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName,
    kernelFunc: (args) =>
      withRunner(args as KernelArgs, backendName, (r) => {
        const dy = input(args.inputs, 'dy');
        const filter = input(args.inputs, 'filter');
        const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
        return (
          conv2dBackpropInputSmall(r, dy, filter, attrs) ??
          conv2dBackpropInputByPhases(r, dy, filter, attrs) ??
          r.runStock(tf.Conv2DBackpropInput, { dy, filter }, args.attrs)
        );
      }),
  };
}
