/**
 * Single-precision matrix multiply in plain JavaScript, for the cpu backend. tfjs-cpu's own
 * matmul and convolutions run at 0.1–0.4 GFLOP/s; packing both operands into 4-wide panels and
 * accumulating a 4×4 block in locals (which V8 keeps in registers) reaches 1–2 GFLOP/s.
 * Accumulation is in float64, so results are at least as accurate as tfjs' own.
 */

/** A strided view of a matrix: element (r, c) is data[offset + r·rowStride + c·colStride]. */
export type MatrixView = { data: Float32Array; offset: number; rowStride: number; colStride: number };

export const rowMajor = (data: Float32Array, cols: number, offset = 0): MatrixView => ({ data, offset, rowStride: cols, colStride: 1 });
export const transposed = (m: MatrixView): MatrixView => ({ ...m, rowStride: m.colStride, colStride: m.rowStride });

const PANEL = 4;

/** Packs columns [j0, j0+4) of B (K×·) as [k][4], zero-filling past column n. */
function packB(b: MatrixView, k: number, n: number, j0: number, out: Float32Array): void {
  const { data, offset, rowStride, colStride } = b;
  for (let j = 0; j < PANEL; j++) {
    const col = j0 + j;
    if (col >= n) {
      for (let kk = 0; kk < k; kk++) out[kk * PANEL + j] = 0;
      continue;
    }
    let src = offset + col * colStride;
    for (let kk = 0; kk < k; kk++, src += rowStride) out[kk * PANEL + j] = data[src]!;
  }
}

/** Packs rows [i0, i0+4) of A (·×K) as [k][4], zero-filling past row m. */
function packA(a: MatrixView, m: number, k: number, i0: number, out: Float32Array): void {
  const { data, offset, rowStride, colStride } = a;
  for (let i = 0; i < PANEL; i++) {
    const row = i0 + i;
    if (row >= m) {
      for (let kk = 0; kk < k; kk++) out[kk * PANEL + i] = 0;
      continue;
    }
    let src = offset + row * rowStride;
    for (let kk = 0; kk < k; kk++, src += colStride) out[kk * PANEL + i] = data[src]!;
  }
}

/**
 * c[cOffset + i·n + j] (+)= Σ_k A(i,k)·B(k,j) for an M×K view A and a K×N view B; overwrites c
 * unless `accumulate`.
 */
export function sgemm(
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: Float32Array,
  cOffset = 0,
  accumulate = false,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
    return;
  }
  if (n < 3) {
    narrow(m, n, k, a, b, c, cOffset, accumulate);
    return;
  }
  const bPanels = Math.ceil(n / PANEL);
  const bp = new Float32Array(bPanels * k * PANEL);
  const panel = new Float32Array(k * PANEL);
  for (let p = 0; p < bPanels; p++) {
    packB(b, k, n, p * PANEL, panel);
    bp.set(panel, p * k * PANEL);
  }
  const ap = new Float32Array(k * PANEL);
  for (let i0 = 0; i0 < m; i0 += PANEL) {
    packA(a, m, k, i0, ap);
    const rows = Math.min(PANEL, m - i0);
    for (let p = 0; p < bPanels; p++) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let ai = 0;
      let bi = p * k * PANEL;
      for (let kk = 0; kk < k; kk++, ai += PANEL, bi += PANEL) {
        const a0 = ap[ai]!, a1 = ap[ai + 1]!, a2 = ap[ai + 2]!, a3 = ap[ai + 3]!;
        const b0 = bp[bi]!, b1 = bp[bi + 1]!, b2 = bp[bi + 2]!, b3 = bp[bi + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const j0 = p * PANEL;
      const cols = Math.min(PANEL, n - j0);
      let o = cOffset + i0 * n + j0;
      if (cols === PANEL && rows === PANEL && !accumulate) {
        c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
        c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
        c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
        c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
        continue;
      }
      const block = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      for (let i = 0; i < rows; i++, o += n) {
        for (let j = 0; j < cols; j++) c[o + j] = (accumulate ? c[o + j]! : 0) + block[i * PANEL + j]!;
      }
    }
  }
}

/**
 * One or two output columns (a conv to 1 channel, a dense layer to 1 logit): zero-padding them to
 * a 4-wide panel would waste most of the work. Four rows at a time share each column load.
 */
function narrow(m: number, n: number, k: number, a: MatrixView, b: MatrixView, c: Float32Array, cOffset: number, accumulate: boolean): void {
  const col0 = new Float32Array(k);
  const col1 = new Float32Array(k);
  for (let kk = 0, src = b.offset; kk < k; kk++, src += b.rowStride) {
    col0[kk] = b.data[src]!;
    if (n > 1) col1[kk] = b.data[src + b.colStride]!;
  }
  // Rows of a row-major A are read in place; anything else is packed first.
  const direct = a.colStride === 1;
  const ap = direct ? a.data : new Float32Array(k * PANEL);
  for (let i0 = 0; i0 < m; i0 += PANEL) {
    let r0 = 0, r1 = 1, r2 = 2, r3 = 3, step = PANEL;
    if (direct) {
      // Rows past m re-read the last row; their sums are discarded below.
      const row = (i: number) => a.offset + Math.min(i0 + i, m - 1) * a.rowStride;
      r0 = row(0); r1 = row(1); r2 = row(2); r3 = row(3); step = 1;
    } else {
      packA(a, m, k, i0, ap);
    }
    let s00 = 0, s10 = 0, s20 = 0, s30 = 0;
    let s01 = 0, s11 = 0, s21 = 0, s31 = 0;
    for (let kk = 0; kk < k; kk++, r0 += step, r1 += step, r2 += step, r3 += step) {
      const b0 = col0[kk]!;
      const b1 = col1[kk]!;
      const a0 = ap[r0]!, a1 = ap[r1]!, a2 = ap[r2]!, a3 = ap[r3]!;
      s00 += a0 * b0; s10 += a1 * b0; s20 += a2 * b0; s30 += a3 * b0;
      s01 += a0 * b1; s11 += a1 * b1; s21 += a2 * b1; s31 += a3 * b1;
    }
    const sums = [s00, s01, s10, s11, s20, s21, s30, s31];
    const rows = Math.min(PANEL, m - i0);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < n; j++) {
        const o = cOffset + (i0 + i) * n + j;
        c[o] = (accumulate ? c[o]! : 0) + sums[i * 2 + j]!;
      }
    }
  }
}
