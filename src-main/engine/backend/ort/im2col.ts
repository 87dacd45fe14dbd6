/**
 * The data movement around the native GEMMs of ort-kernels.ts, in JS on the wasm heap's views:
 * NHWC im2col, the phase weights of a transposed convolution, and the interleave of its phases.
 * Each copies whole runs (kW·c floats of one input row, or c floats of one pixel) with
 * TypedArray.set, which is memcpy.
 *
 * Outputs go into reused scratch arrays: on this kind of machine, first touching fresh memory
 * costs ~0.5 s per GB in page faults (a new 76 MB Float32Array: 200 ms to fill, 4 ms to refill),
 * more than the GEMM it feeds. The arrays grow to the largest layer and stay.
 */

import type { Window2D } from '../kernels/conv-window';

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

/**
 * cols[(b, oh, ow), (kh, kw, ch)] = x[b, oh·sH − top + kh, ow·sW − left + kw, ch], 0 outside.
 *
 * x is first copied to the front of the scratch array, so that every run is a copyWithin inside
 * one array: a TypedArray.set needs a subarray object per run, and for runs of a few hundred floats
 * that object costs more than the copy (a [64,32,32,64] 4×4 stride-2 im2col: 5.6 against 11.5 ms,
 * 2026-12-04). Only the rows a window leaves partly outside the image are zeroed.
 */
export function im2col(x: Float32Array, g: Window2D): Float32Array {
  const { n, h, w, c, kH, kW, sH, sW, top, left, outH, outW } = g;
  const k = kH * kW * c;
  const base = x.length;
  const all = scratch('cols', base + n * outH * outW * k);
  all.set(x);
  let at = base;
  for (let b = 0; b < n; b++) {
    const image = b * h * w * c;
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * sH - top;
      const rowsInside = ih0 >= 0 && ih0 + kH <= h;
      for (let ow = 0; ow < outW; ow++, at += k) {
        const iw0 = ow * sW - left;
        // The filter columns that land inside the image: one contiguous run per filter row.
        const kw0 = Math.max(0, -iw0);
        const kw1 = Math.min(kW, w - iw0);
        if (!rowsInside || kw0 > 0 || kw1 < kW) all.fill(0, at, at + k);
        if (kw1 <= kw0) continue;
        for (let kh = 0; kh < kH; kh++) {
          const ih = ih0 + kh;
          if (ih < 0 || ih >= h) continue;
          const from = image + (ih * w + iw0 + kw0) * c;
          all.copyWithin(at + (kh * kW + kw0) * c, from, from + (kw1 - kw0) * c);
        }
      }
    }
  }
  return all.subarray(base, at);
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

/**
 * Writes phase[(b, i, j), ch] into dx[b, y0 + i·sH, x0 + j·sW, ch], one run of c floats per pixel;
 * `phase` starts at src[srcAt] and dx at dst[dstAt]. When both are views of one array (the wasm
 * heap) each run is a copyWithin, otherwise a set (which needs a subarray object per run).
 */
export function scatterPhase(src: Float32Array, srcAt: number, dst: Float32Array, dstAt: number, p: PhasePlacement): void {
  const { n, h, w, c, rows, cols, y0, x0, sH, sW } = p;
  const within = src === dst;
  let from = srcAt;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < rows; i++) {
      const rowStart = dstAt + ((b * h + y0 + i * sH) * w + x0) * c;
      for (let j = 0; j < cols; j++, from += c) {
        const to = rowStart + j * sW * c;
        if (within) dst.copyWithin(to, from, from + c);
        else dst.set(src.subarray(from, from + c), to);
      }
    }
  }
}
