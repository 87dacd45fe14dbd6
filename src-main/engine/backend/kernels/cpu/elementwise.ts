/**
 * Broadcasting binary arithmetic, Neg, and Sum/Mean reductions for the cpu backend. tfjs-cpu
 * broadcasts by converting every output index to coordinates and back (≈770 ns per element for
 * [8,14,14,64] − [1,1,1,64]; Neg is such a broadcast multiply by −1), and reduces over leading
 * axes only after a slow transpose, so batch norm costs as much as a convolution. Here both
 * operands' strides are collapsed to the fewest dimensions and the innermost run is a flat loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { input, withRunner, type KernelArgs, type KernelRunner } from '../runner';

const BINARY = ['Add', 'Sub', 'Multiply', 'RealDiv', 'SquaredDifference', 'Maximum', 'Minimum'] as const;
type BinaryOp = (typeof BINARY)[number];

/** Element strides of `shape` inside a broadcast of rank `rank` and extent `out` (0 where broadcast). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const rank = out.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 && out[i] !== 1 ? 0 : s;
    s *= padded[i]!;
  }
  return strides;
}

/** Merges adjacent dimensions that every stride list walks contiguously. */
function collapse(shape: readonly number[], strideLists: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strideLists.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strideLists.every((st, i) => outStrides[i]![last] === st[d]! * size);
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      strideLists.forEach((st, i) => (outStrides[i]![last] = st[d]!));
    } else {
      outShape.push(size);
      strideLists.forEach((st, i) => outStrides[i]!.push(st[d]!));
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strideLists.map(() => [1]) };
  return { shape: outShape, strides: outStrides };
}

/** Calls `run(aOffset, bOffset, outOffset)` for every innermost run of a collapsed iteration space. */
function forRuns(shape: number[], sa: number[], sb: number[], run: (ia: number, ib: number, o: number) => void): void {
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  const outer = shape.slice(0, -1);
  const count = outer.reduce((x, y) => x * y, 1);
  const idx = new Array<number>(rank - 1).fill(0);
  let ia = 0;
  let ib = 0;
  for (let r = 0; r < count; r++) {
    run(ia, ib, r * inner);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d] = idx[d]! + 1;
      ia += sa[d]!;
      ib += sb[d]!;
      if (idx[d]! < outer[d]!) break;
      ia -= sa[d]! * outer[d]!;
      ib -= sb[d]! * outer[d]!;
      idx[d] = 0;
    }
  }
}

export function binaryValues(op: BinaryOp, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[]): { values: Float32Array; shape: number[] } {
  const outShape = tf.broadcast_util.assertAndGetBroadcastShape(aShape, bShape);
  const out = new Float32Array(tf.util.sizeFromShape(outShape));
  if (out.length === 0) return { values: out, shape: outShape };
  const { shape, strides } = collapse(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  const [sa, sb] = strides as [number[], number[]];
  const da = sa[sa.length - 1]!;
  const db = sb[sb.length - 1]!;
  const n = shape[shape.length - 1]!;
  // One loop per op keeps each inner loop monomorphic (a shared callback would not inline).
  forRuns(shape, sa, sb, (ia, ib, o) => {
    const end = o + n;
    switch (op) {
      case 'Add':
        for (; o < end; o++, ia += da, ib += db) out[o] = a[ia]! + b[ib]!;
        break;
      case 'Sub':
        for (; o < end; o++, ia += da, ib += db) out[o] = a[ia]! - b[ib]!;
        break;
      case 'Multiply':
        for (; o < end; o++, ia += da, ib += db) out[o] = a[ia]! * b[ib]!;
        break;
      case 'RealDiv':
        for (; o < end; o++, ia += da, ib += db) out[o] = a[ia]! / b[ib]!;
        break;
      case 'SquaredDifference':
        for (; o < end; o++, ia += da, ib += db) {
          const d = a[ia]! - b[ib]!;
          out[o] = d * d;
        }
        break;
      case 'Maximum':
        for (; o < end; o++, ia += da, ib += db) out[o] = Math.max(a[ia]!, b[ib]!);
        break;
      case 'Minimum':
        for (; o < end; o++, ia += da, ib += db) out[o] = Math.min(a[ia]!, b[ib]!);
        break;
    }
  });
  return { values: out, shape: outShape };
}

/** Σ (or mean) of `x` over `axes`; float64 accumulation. Returns values in row-major kept-axes order. */
export function reduceValues(x: Float32Array, shape: number[], axes: number[], mean: boolean): Float32Array {
  const outShape = shape.map((s, i) => (axes.includes(i) ? 1 : s));
  const acc = new Float64Array(tf.util.sizeFromShape(outShape));
  const count = axes.reduce((p, a) => p * shape[a]!, 1);
  if (axes.length === 0) return Float32Array.from(x);
  if (x.length > 0) {
    const outStrides = broadcastStrides(outShape, shape);
    const inStrides = [...tf.util.computeStrides(shape), 1];
    const { shape: cs, strides } = collapse(shape, [inStrides, outStrides]);
    const [si, so] = strides as [number[], number[]];
    const n = cs[cs.length - 1]!;
    const innerOut = so[so.length - 1]!;
    forRuns(cs, si, so, (ix, io) => {
      if (innerOut === 0) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[ix + i]!;
        acc[io] = acc[io]! + s;
      } else {
        for (let i = 0; i < n; i++) acc[io + i] = acc[io + i]! + x[ix + i]!;
      }
    });
  }
  const out = new Float32Array(acc.length);
  const scale = mean && count > 0 ? 1 / count : 1;
  for (let i = 0; i < acc.length; i++) out[i] = mean && count > 0 ? acc[i]! * scale : acc[i]!;
  return out;
}

const f32 = (r: KernelRunner, t: TensorInfo) => r.read(t) as Float32Array;

export function cpuElementwiseConfigs(): KernelConfig[] {
  const backendName = 'cpu';
  const config = (kernelName: string, body: (r: KernelRunner, args: KernelArgs, attrs: NamedAttrMap) => TensorInfo): KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: (args) => withRunner(args as KernelArgs, backendName, (r) => body(r, args as KernelArgs, args.attrs ?? {})),
  });
  const binaries = BINARY.map((op) =>
    config(op, (r, { inputs }, attrs) => {
      const a = input(inputs, 'a');
      const b = input(inputs, 'b');
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return r.runStock(op, { a, b }, attrs);
      const { values, shape } = binaryValues(op, f32(r, a), a.shape, f32(r, b), b.shape);
      return r.fromValues(shape, values);
    }),
  );
  const neg = config(tf.Neg, (r, { inputs }, attrs) => {
    const x = input(inputs, 'x');
    if (x.dtype !== 'float32') return r.runStock(tf.Neg, { x }, attrs);
    const xv = f32(r, x);
    const out = new Float32Array(xv.length);
    for (let i = 0; i < xv.length; i++) out[i] = -xv[i]!;
    return r.fromValues(x.shape, out);
  });
  const reductions = ([tf.Sum, tf.Mean] as const).map((name) =>
    config(name, (r, { inputs }, attrs) => {
      const x = input(inputs, 'x');
      if (x.dtype !== 'float32') return r.runStock(name, { x }, attrs);
      const { axis, keepDims } = attrs as unknown as SumAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape);
      const values = reduceValues(f32(r, x), x.shape, axes, name === tf.Mean);
      const shape = keepDims ? x.shape.map((s, i) => (axes.includes(i) ? 1 : s)) : x.shape.filter((_, i) => !axes.includes(i));
      return r.fromValues(shape, values);
    }),
  );
  return [...binaries, neg, ...reductions];
}
