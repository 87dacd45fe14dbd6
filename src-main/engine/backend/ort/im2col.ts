/**
 * The data movement around the native GEMMs of ort-kernels.ts: NHWC im2col, its inverse (col2im)
 * and the interleave of a transposed convolution's phases, all within the wasm heap by the engine's
 * WebAssembly kernels (../wasm-kernels: one copy per run of kW·c or c floats, in registers up to
 * 128 bytes, by memory.copy past), and the phase weights in JS.
 * In JavaScript each run was a copyWithin call, whose cost outweighed the copy at these run
 * lengths: a DCGAN-28 step spent 24 ms in im2col and 4 ms in the scatter (of 128 ms), a DCGAN-64
 * step 309 and 77 ms (of 2,647), 2026-12-04.
 *
 * JS-side products go into reused scratch arrays: on this kind of machine, first touching fresh
 * memory costs ~0.5 s per GB in page faults (a new 76 MB Float32Array: 200 ms to fill, 4 ms to
 * refill), more than the GEMM it feeds. The arrays grow to the largest layer and stay.
 */

import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import type { Window2D } from '../kernels/conv-window';
import { wasmKernels, type WasmKernels } from '../wasm-kernels';

const pool = new Map<string, Float32Array>();
/** Scratch unused this long is let go (a finished run, an idle explorer): up to a few hundred MB. */
const IDLE_MS = 30_000;
let lastUse = 0;
let sweep: ReturnType<typeof setTimeout> | null = null;

/** Lets the scratch arrays go if unused for IDLE_MS at `now`; answers how long until they would be. */
export function sweepScratch(now = Date.now()): number {
  const idle = now - lastUse;
  if (idle < IDLE_MS) return IDLE_MS - idle;
  pool.clear();
  return 0;
}

function keepUntilIdle(): void {
  lastUse = Date.now();
  if (sweep) return;
  const check = () => {
    const wait = sweepScratch();
    sweep = wait > 0 ? setTimeout(check, wait) : null;
    sweep?.unref?.();
  };
  sweep = setTimeout(check, IDLE_MS);
  sweep.unref?.(); // never keeps a process alive
}

/** A reused array of `length` floats for `role` (contents undefined unless `zero`); valid until
 *  the next call for the same role. */
export function scratch(role: string, length: number, zero = false): Float32Array {
  keepUntilIdle();
  let buffer = pool.get(role);
  if (!buffer || buffer.length < length) {
    buffer = new Float32Array(length);
    pool.set(role, buffer);
    return buffer; // already zero
  }
  const view = buffer.subarray(0, length);
  if (zero) view.fill(0);
  return view;
}

/** How many floats the scratch arrays hold now (tests). */
export function scratchFloats(): number {
  let total = 0;
  for (const b of pool.values()) total += b.length;
  return total;
}

interface HeapBackend {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** The kernels, when `backend` is a wasm backend whose heap ONNX Runtime can read and write (not
 *  shared memory, which it refuses); null otherwise. */
export function heapKernels(backend: KernelBackend, t: TensorInfo): WasmKernels | null {
  const kernels = wasmKernels(backend);
  return kernels && (backend as unknown as HeapBackend).typedArrayFromHeap(t).buffer instanceof ArrayBuffer ? kernels : null;
}

const byteOffset = (backend: HeapBackend, t: TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;

/**
 * cols[(b, oh, ow), (kh, kw, ch)] = x[b, oh·sH − top + kh, ow·sW − left + kw, ch], 0 outside, for
 * `g.n` images of x from float `from` on, into the first floats of `cols` (a heap tensor).
 */
export function im2col(kernels: WasmKernels, backend: KernelBackend, x: TensorInfo, from: number, g: Window2D, cols: TensorInfo): void {
  const heap = backend as unknown as HeapBackend;
  kernels.im2col(byteOffset(heap, x) + 4 * from, byteOffset(heap, cols), g.n, g.h, g.w, g.c, g.kH, g.kW, g.sH, g.sW, g.top, g.left, g.outH, g.outW);
}

/**
 * dx = 0, then dx[b, oh·sH − top + kh, ow·sW − left + kw, ch] += cols[(b, oh, ow), (kh, kw, ch)]:
 * the inverse gather of im2col, for `g.n` images of dx from float `from` on (`g` is the window
 * over dx).
 */
export function col2imAdd(kernels: WasmKernels, backend: KernelBackend, cols: TensorInfo, dx: TensorInfo, from: number, g: Window2D): void {
  const heap = backend as unknown as HeapBackend;
  kernels.col2im_add(byteOffset(heap, cols), byteOffset(heap, dx) + 4 * from, g.n, g.h, g.w, g.c, g.kH, g.kW, g.sH, g.sW, g.top, g.left, g.outH, g.outW);
}

/**
 * The weights of all phases of a transposed convolution with kernel k = T·s (see
 * conv2dBackpropInput in ort-kernels.ts), laid out [(a, b, ci), (u, v, co)] for a product with the
 * transposed operand: w[(a, b, ci), (u, v, co)] = f[a + s(T−1−u), b + s(T−1−v), ci, co]. Every
 * (u, v) block is a contiguous run of co floats of the filter.
 */
export function phaseWeights(f: Float32Array, kH: number, kW: number, ci: number, co: number, sH: number, sW: number): Float32Array {
  const tH = kH / sH;
  const tW = kW / sW;
  const out = scratch('weights', kH * kW * ci * co);
  let o = 0;
  for (let a = 0; a < sH; a++) {
    for (let b = 0; b < sW; b++) {
      for (let ch = 0; ch < ci; ch++) {
        for (let u = 0; u < tH; u++) {
          const kh = a + sH * (tH - 1 - u);
          for (let v = 0; v < tW; v++, o += co) {
            const kw = b + sW * (tW - 1 - v);
            const from = ((kh * kW + kw) * ci + ch) * co;
            out.set(f.subarray(from, from + co), o);
          }
        }
      }
    }
  }
  return out;
}

/** Where one stride phase of a transposed convolution lands in its output. */
export interface PhasePlacement {
  n: number;
  /** Output height, width and channels. */
  h: number;
  w: number;
  c: number;
  /** The phase's rows and columns, and the output row/column of its first one. */
  rows: number;
  cols: number;
  y0: number;
  x0: number;
  /** Output rows/columns between the phase's consecutive ones (the stride). */
  sH: number;
  sW: number;
}

/** Writes phase[(b, i, j), ch] (a heap tensor) into dx[b, y0 + i·sH, x0 + j·sW, ch], dx's images
 *  counted from float `from` on: one copy of c floats per pixel. */
export function scatterPhase(kernels: WasmKernels, backend: KernelBackend, phase: TensorInfo, dx: TensorInfo, from: number, p: PhasePlacement): void {
  const heap = backend as unknown as HeapBackend;
  kernels.scatter_phase(byteOffset(heap, phase), byteOffset(heap, dx) + 4 * from, p.n, p.h, p.w, p.c, p.rows, p.cols, p.y0, p.x0, p.sH, p.sW);
}
