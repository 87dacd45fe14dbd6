/**
 * Fréchet distance between Gaussians fitted to two feature sets (FID when the features are
 * Inception-v3's pool layer, Heusel et al. 2017):
 *
 *   d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2·(Σ₁Σ₂)^½)
 *
 * Linear algebra comes from ml-matrix, the maintained linear-algebra library for JavaScript
 * (symmetric eigendecomposition), rather than hand-written decompositions.
 *
 * The square-root term is where implementations go wrong. Σ₁Σ₂ is not symmetric, and scipy's
 * sqrtm on it (pytorch-fid) can return complex parts or blow up when the covariances are
 * near-singular — which they always are when there are fewer samples than feature dimensions —
 * so those tools add ε·I and drop imaginary parts. Here the trace is taken through a symmetric
 * matrix instead: Σ₁Σ₂ is similar to S·Σ₂·S with S = Σ₁^½ (S⁻¹·(SΣ₂S)·S = SSΣ₂), so
 * tr (Σ₁Σ₂)^½ = Σᵢ √λᵢ(S·Σ₂·S), and S·Σ₂·S is symmetric positive semi-definite: its eigenvalues are
 * real and ≥ 0 up to rounding, which is clamped. Nothing is inverted, so singular covariances need
 * no ε; ε·I is only a fallback if an eigendecomposition returns non-finite values.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { yieldToEventLoop, type Features } from './features';

export interface GaussianStats {
  n: number;
  mean: Float64Array;
  /** Unbiased (n − 1) covariance, dim × dim. */
  cov: Matrix;
}

/** Rows between turns of the event loop while accumulating the covariance. */
const YIELD_ROWS = 64;

/**
 * Mean and covariance of a feature set, both accumulated in float64 in plain JS. A float32 GEMM
 * (as before) lost up to 4·10⁻⁴ of FID on ill-conditioned features, and by different amounts on
 * the cpu and wasm backends; in float64 the result is the same everywhere and matches pytorch-fid's
 * numpy to ~1e-7. Only the upper triangle is summed (n·d²/2 multiply-adds).
 */
export async function featureStats(f: Features): Promise<GaussianStats> {
  if (f.n < 2) throw new Error(`A covariance needs at least 2 samples, got ${f.n}`);
  const { n, dim, data } = f;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += data[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= n;
  assertFinite(mean, 'feature mean');
  const acc = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = data[i * dim + j]! - mean[j]!;
    for (let a = 0; a < dim; a++) {
      const xa = row[a]!;
      if (xa === 0) continue;
      const base = a * dim;
      for (let b = a; b < dim; b++) acc[base + b]! += xa * row[b]!;
    }
    if ((i + 1) % YIELD_ROWS === 0) await yieldToEventLoop();
  }
  const cov = new Matrix(dim, dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = acc[a * dim + b]! / (n - 1);
      cov.set(a, b, v);
      cov.set(b, a, v);
    }
  }
  return { n, mean, cov };
}

/** The symmetric PSD square root of a symmetric matrix (negative eigenvalues from rounding clamp to 0). */
export function symmetricSqrt(m: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(m);
  const dim = m.rows;
  const out = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += vectors.get(i, k) * Math.sqrt(Math.max(0, values[k]!)) * vectors.get(j, k);
      out.set(i, j, s);
      out.set(j, i, s);
    }
  }
  return out;
}

/** tr (A·B)^½ for PSD A and B, given S = A^½ (see the file comment). */
export function traceSqrtProduct(sqrtA: Matrix, b: Matrix): number {
  const product = symmetrize(sqrtA.mmul(b).mmul(sqrtA));
  const { values } = symmetricEigen(product);
  let trace = 0;
  for (const v of values) trace += Math.sqrt(Math.max(0, v));
  return trace;
}

export interface FrechetOptions {
  /** Σ_a^½ when the caller has it cached (the real set's, reused across evaluations). */
  sqrtCovA?: Matrix;
}

export function frechetDistance(a: GaussianStats, b: GaussianStats, options: FrechetOptions = {}): number {
  const dim = a.mean.length;
  if (b.mean.length !== dim || a.cov.rows !== dim || b.cov.rows !== dim) throw new Error('Feature statistics of different sizes');
  let meanTerm = 0;
  for (let i = 0; i < dim; i++) meanTerm += (a.mean[i]! - b.mean[i]!) ** 2;
  const traces = a.cov.trace() + b.cov.trace();
  let cross = traceSqrtProduct(options.sqrtCovA ?? symmetricSqrt(a.cov), b.cov);
  if (!Number.isFinite(cross)) {
    const eps = 1e-6 * Math.max(1e-12, traces / (2 * dim));
    const shift = Matrix.eye(dim, dim, eps);
    cross = traceSqrtProduct(symmetricSqrt(a.cov.clone().add(shift)), b.cov.clone().add(shift));
  }
  // Rounding can leave a tiny negative distance between (nearly) identical sets.
  return Math.max(0, meanTerm + traces - 2 * cross);
}

function symmetricEigen(m: Matrix): { values: number[]; vectors: Matrix } {
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) if (!Number.isFinite(m.get(i, j))) throw new Error('Feature covariance has non-finite values (the features hold NaN or Infinity)');
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  return { values: evd.realEigenvalues, vectors: evd.eigenvectorMatrix };
}

function symmetrize(m: Matrix): Matrix {
  return m.clone().add(m.transpose()).div(2);
}

function assertFinite(values: Float64Array, what: string): void {
  if (!values.every(Number.isFinite)) throw new Error(`The ${what} has non-finite values (the features hold NaN or Infinity)`);
}
