/**
 * Directions in z space, in plain JavaScript on ml-matrix (backend independent, exact enough in
 * float64): SeFa's closed form, GANSpace's PCA regressed back to z, InterFaceGAN's linear boundary
 * and Gram–Schmidt to keep directions apart.
 */
import { EigenvalueDecomposition, Matrix, QrDecomposition, solve } from 'ml-matrix';
import { normalDraw } from '../sampling/latents';
import { Rng } from '../rng';

export interface Component {
  /** Unit vector in z space. */
  vector: Float64Array;
  /** Eigenvalue (SeFa) or variance of the feature-space component (GANSpace). */
  score: number;
  /** score / the sum of all scores: how much of the total it explains. */
  share: number;
}

/**
 * SeFa (Shen & Zhou 2021): the first layer maps z linearly (y = z·W), so the unit z that moves y
 * the most are the top eigenvectors of W·Wᵀ. `weight` is the layer's kernel, [inDim × outDim]
 * row-major as tfjs stores it; only the first `zDim` rows (the latent, not a conditional model's
 * one-hot class rows) are factorised.
 */
export function sefa(weight: Float32Array, inDim: number, outDim: number, zDim: number, count: number): Promise<Component[]> {
  if (weight.length !== inDim * outDim) throw new Error(`weight has ${weight.length} values, expected ${inDim}×${outDim}`);
  if (zDim > inDim) throw new Error(`zDim ${zDim} exceeds the layer's ${inDim} inputs`);
  const w = Matrix.from1DArray(zDim, outDim, Array.from(weight.subarray(0, zDim * outDim)));
  return topEigen(w.mmul(w.transpose()), count);
}

/**
 * GANSpace (Härkönen et al. 2020) for generators without a mapping network: PCA of the first
 * layer's activations over many sampled z, then each component's scores regressed back onto z by
 * least squares. The regressed vectors of a nonlinear layer overlap, so they are orthonormalised in
 * order of explained variance: the first is exact, later ones lose what earlier ones already move.
 *
 * PCA goes through the n×n Gram matrix of the centred activations (`gram`, row-major), because
 * their dimension (thousands) is far larger than n; see centredGram. `z` is [n × zDim].
 */
export async function ganspace(gram: ArrayLike<number>, z: Float32Array, n: number, zDim: number, count: number): Promise<Component[]> {
  if (gram.length !== n * n || z.length !== n * zDim) throw new Error('gram must be n×n and z n×zDim');
  const top = await topEigen(Matrix.from1DArray(n, n, Array.from(gram)), Math.min(count, n - 1, zDim));
  // Scores of sample i on component k: (Y v_k)_i = √λ_k · u_ki, with u_k the Gram eigenvector.
  const scores = new Matrix(n, top.length);
  top.forEach((c, k) => c.vector.forEach((u, i) => scores.set(i, k, u * Math.sqrt(Math.max(c.score, 0)))));
  const coefficients = solve(scores, centred(z, n, zDim)); // [k × zDim]: z ≈ scores · B
  const basis = gramSchmidt(top.map((_, k) => coefficients.getRow(k)));
  return top.map((c, k) => ({ vector: basis[k]!, score: c.score / (n - 1), share: c.share }));
}

/** Y_c·Y_cᵀ for the rows of `values` ([n × dim]) with their column means removed (plain JS; tests). */
export function centredGram(values: Float32Array, n: number): Float64Array {
  const y = centred(values, n, values.length / n);
  return Float64Array.from(y.mmul(y.transpose()).to1DArray());
}

export interface Boundary {
  /** Unit normal of the separating hyperplane, pointing toward the samples that have the attribute. */
  normal: Float64Array;
  /** Offset along the normal: the plane is normal·z = offset. */
  offset: number;
  /** Share of the labelled samples on their own side. */
  accuracy: number;
  /** Smallest signed distance of a labelled sample to the plane (positive when all are separated). */
  margin: number;
}

/**
 * InterFaceGAN (Shen et al. 2020): a linear classifier on z for "has the attribute" vs "lacks it";
 * its unit normal is the edit direction. L2-regularised logistic regression by Newton's method
 * (IRLS): with a handful of labels in tens of dimensions the classes are always separable, and
 * without the penalty the weights would grow without bound.
 */
export function fitBoundary(positives: readonly Float32Array[], negatives: readonly Float32Array[], l2 = 1e-2, iterations = 25): Boundary {
  const rows = [...positives, ...negatives];
  if (positives.length === 0 || negatives.length === 0) throw new Error('mark samples on both sides');
  const zDim = rows[0]!.length;
  const d = zDim + 1; // weights and the bias, as a last column of ones
  const x = new Matrix(rows.length, d);
  rows.forEach((r, i) => {
    if (r.length !== zDim) throw new Error('all latents must have the same size');
    r.forEach((v, j) => x.set(i, j, v));
    x.set(i, zDim, 1);
  });
  const labels = rows.map((_, i) => (i < positives.length ? 1 : 0));
  const xt = x.transpose();
  let w = Matrix.zeros(d, 1);
  for (let it = 0; it < iterations; it++) {
    const p = x.mmul(w).to1DArray().map(sigmoid);
    const gradient = xt.mmul(Matrix.columnVector(labels.map((l, i) => l - p[i]!)));
    const weighted = x.clone();
    p.forEach((pi, i) => weighted.mulRow(i, Math.max(pi * (1 - pi), 1e-9)));
    const hessian = xt.mmul(weighted);
    // The bias is not penalised: only the direction's length is.
    for (let a = 0; a < zDim; a++) {
      hessian.set(a, a, hessian.get(a, a) + l2);
      gradient.set(a, 0, gradient.get(a, 0) - l2 * w.get(a, 0));
    }
    const step = solve(hessian, gradient);
    w = w.add(step);
    if (step.norm() < 1e-8 * (1 + w.norm())) break;
  }
  const weights = Float64Array.from(w.to1DArray().slice(0, zDim));
  const length = norm(weights);
  if (!(length > 0)) throw new Error('the marked samples do not separate along any direction');
  const normal = weights.map((v) => v / length);
  const offset = -w.get(zDim, 0) / length;
  const distances = rows.map((r, i) => (dot(normal, r) - offset) * (labels[i] ? 1 : -1));
  return { normal, offset, accuracy: distances.filter((s) => s > 0).length / rows.length, margin: Math.min(...distances) };
}

/**
 * Modified Gram–Schmidt: an orthonormal basis spanning `vectors`, in order. A vector already in
 * the span of the ones before it has nothing left and is refused rather than blown up into noise.
 */
export function gramSchmidt(vectors: readonly ArrayLike<number>[], tolerance = 1e-6): Float64Array[] {
  const basis: Float64Array[] = [];
  vectors.forEach((v, i) => {
    const residual = removeComponents(Float64Array.from(v), basis);
    const length = norm(residual);
    if (length <= tolerance * Math.max(norm(Float64Array.from(v)), 1e-12)) throw new Error(`vector ${i + 1} lies in the span of the ones before it`);
    basis.push(residual.map((x) => x / length));
  });
  return basis;
}

/** `vector` with the span of `against` removed, as a unit vector (conditional InterFaceGAN). */
export function orthogonalize(vector: ArrayLike<number>, against: readonly ArrayLike<number>[]): Float64Array {
  const basis = against.length ? gramSchmidtLoose(against) : [];
  const residual = removeComponents(Float64Array.from(vector), basis);
  const length = norm(residual);
  if (length <= 1e-6 * norm(Float64Array.from(vector))) throw new Error('the direction is (almost) a combination of the ones it should be orthogonal to');
  return residual.map((x) => x / length);
}

/** Like gramSchmidt, but drops vectors already in the span (two saved directions may coincide). */
function gramSchmidtLoose(vectors: readonly ArrayLike<number>[]): Float64Array[] {
  const basis: Float64Array[] = [];
  for (const v of vectors) {
    const residual = removeComponents(Float64Array.from(v), basis);
    const length = norm(residual);
    if (length > 1e-6 * Math.max(norm(Float64Array.from(v)), 1e-12)) basis.push(residual.map((x) => x / length));
  }
  return basis;
}

function removeComponents(v: Float64Array, basis: readonly Float64Array[]): Float64Array {
  // Twice: one pass loses orthogonality to rounding when v is nearly in the span ("twice is enough").
  for (let pass = 0; pass < 2; pass++) {
    for (const b of basis) {
      const along = dot(b, v);
      for (let k = 0; k < v.length; k++) v[k]! -= along * b[k]!;
    }
  }
  return v;
}

/**
 * The `count` largest eigenpairs of a symmetric positive semi-definite matrix, largest first, each
 * vector's sign fixed. Only a few of up to 512 are wanted, and a full decomposition of a 512×512
 * matrix takes seconds in JS, so this is subspace iteration (Halko et al. 2011) with oversampling
 * and a Rayleigh–Ritz step; small matrices are decomposed directly. The iterations are capped:
 * where eigenvalues are nearly equal their order is noise anyway, and the Ritz vectors are
 * orthonormal whether or not they converged. It yields between iterations, so the engine keeps
 * drawing the explorer's pictures (and training) while it works.
 */
const SMALL_EIGENPROBLEM = 160;
const MAX_SUBSPACE_ITERATIONS = 48;

export async function topEigen(symmetric: Matrix, count: number): Promise<Component[]> {
  const n = symmetric.rows;
  const total = symmetric.trace() || 1;
  const width = Math.min(n, count + 16);
  let ritz: { values: number[]; vectors: Matrix };
  if (n <= SMALL_EIGENPROBLEM || width >= n / 2) {
    ritz = eigen(symmetric);
  } else {
    const flat = Float64Array.from(symmetric.to1DArray());
    const rng = new Rng(0x5eed);
    let q = new QrDecomposition(Matrix.from1DArray(n, width, Array.from({ length: n * width }, () => normalDraw(rng)))).orthogonalMatrix;
    for (let it = 1; ; it++) {
      const image = multiply(flat, q); // S·Q
      const last = it >= MAX_SUBSPACE_ITERATIONS;
      if (it % 4 === 0 || last) {
        // Rayleigh–Ritz on span(Q): eigenpairs of QᵀSQ, lifted back by Q; S·(Q·u) is image·u.
        const small = eigen(q.transpose().mmul(image));
        ritz = { values: small.values, vectors: q.mmul(small.vectors) };
        if (last || converged(image.mmul(small.vectors), ritz, count)) break;
      }
      q = new QrDecomposition(image).orthogonalMatrix;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return Array.from({ length: Math.min(count, n) }, (_, k) => {
    const vector = Float64Array.from(ritz.vectors.getColumn(k));
    // An eigenvector's sign is arbitrary; fixing it keeps a slider's "+" stable between computations.
    const largest = vector.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
    if (largest < 0) vector.forEach((v, i) => (vector[i] = -v));
    const value = ritz.values[k]!;
    return { vector, score: value, share: Math.max(value, 0) / total };
  });
}

/**
 * S·Q for row-major S (n×n) and a thin Q: the one large product per iteration. On flat arrays,
 * because ml-matrix's mmul reads elements through accessors and is about ten times slower here.
 */
function multiply(s: Float64Array, q: Matrix): Matrix {
  const n = q.rows;
  const w = q.columns;
  const qFlat = Float64Array.from(q.to1DArray());
  const out = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const o = i * w;
    for (let k = 0; k < n; k++) {
      const a = s[row + k]!;
      if (a === 0) continue;
      const qk = k * w;
      for (let j = 0; j < w; j++) out[o + j]! += a * qFlat[qk + j]!;
    }
  }
  return Matrix.from1DArray(n, w, out);
}

/** Full symmetric eigendecomposition, columns sorted by descending eigenvalue. */
function eigen(symmetric: Matrix): { values: number[]; vectors: Matrix } {
  const evd = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const vectors = new Matrix(symmetric.rows, order.length);
  order.forEach(([, i], k) => vectors.setColumn(k, evd.eigenvectorMatrix.getColumn(i)));
  return { values: order.map(([v]) => v), vectors };
}

/** Whether the leading Ritz pairs are eigenpairs: ‖S·v − λ·v‖ small against the largest eigenvalue. */
function converged(imageOfRitz: Matrix, ritz: { values: number[]; vectors: Matrix }, count: number): boolean {
  const scale = Math.max(Math.abs(ritz.values[0] ?? 0), 1e-30);
  for (let k = 0; k < count; k++) {
    const residual = imageOfRitz.getColumnVector(k).sub(ritz.vectors.getColumnVector(k).mul(ritz.values[k]!));
    if (residual.norm() > 1e-6 * scale) return false;
  }
  return true;
}

function centred(values: Float32Array, n: number, dim: number): Matrix {
  const m = new Matrix(n, dim);
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += values[i * dim + j]!;
    mean /= n;
    for (let i = 0; i < n; i++) m.set(i, j, values[i * dim + j]! - mean);
  }
  return m;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(v: ArrayLike<number>): number {
  return Math.sqrt(dot(v, v));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
