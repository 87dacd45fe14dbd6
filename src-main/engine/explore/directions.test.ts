import { describe, expect, it } from 'vitest';
import { latentForSeed, latentsForSeeds } from '../sampling';
import { Rng } from '../rng';
import { normalDraw } from '../sampling';
import { Matrix } from 'ml-matrix';
import { centredGram, dot, fitBoundary, ganspace, gramSchmidt, norm, orthogonalize, sefa, topEigen } from './directions';

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * cols }, () => normalDraw(rng));
}

function expectOrthonormal(vectors: ArrayLike<number>[]): void {
  vectors.forEach((a, i) =>
    vectors.forEach((b, j) => expect(dot(a, b)).toBeCloseTo(i === j ? 1 : 0, 6)),
  );
}

describe('SeFa', () => {
  it('returns orthonormal eigenvectors of W·Wᵀ, strongest first', async () => {
    const [zDim, outDim] = [12, 40];
    const w = randomMatrix(zDim, outDim, 1);
    const found = await sefa(w, zDim, outDim, zDim, 5);
    expect(found).toHaveLength(5);
    expectOrthonormal(found.map((c) => c.vector));
    // Each is an eigenvector: ‖Wᵀv‖² equals its eigenvalue, and they come in descending order.
    const energy = (v: Float64Array) => {
      let s = 0;
      for (let j = 0; j < outDim; j++) {
        let y = 0;
        for (let i = 0; i < zDim; i++) y += v[i]! * w[i * outDim + j]!;
        s += y * y;
      }
      return s;
    };
    found.forEach((c) => expect(energy(c.vector)).toBeCloseTo(c.score, 3));
    for (let k = 1; k < found.length; k++) expect(found[k]!.score).toBeLessThanOrEqual(found[k - 1]!.score);
    // No unit vector moves the layer more than the first component.
    for (let s = 0; s < 20; s++) {
      const v = Float64Array.from(latentForSeed(s, zDim));
      const unit = v.map((x) => x / norm(v));
      expect(energy(unit)).toBeLessThanOrEqual(found[0]!.score + 1e-6);
    }
  });

  it("factorises only a conditional model's z rows, not its class rows", async () => {
    const [zDim, classes, outDim] = [6, 4, 20];
    const w = randomMatrix(zDim + classes, outDim, 2);
    const found = await sefa(w, zDim + classes, outDim, zDim, 3);
    found.forEach((c) => expect(c.vector).toHaveLength(zDim));
    expectOrthonormal(found.map((c) => c.vector));
  });
});

describe('topEigen', () => {
  it('finds the leading eigenpairs of a large matrix by subspace iteration', async () => {
    // S = Q·diag(λ)·Qᵀ with a known, decaying spectrum, larger than the direct-decomposition size.
    const n = 240;
    const q = gramSchmidt(Array.from({ length: n }, (_, i) => latentForSeed(i + 1, n)));
    const lambda = Array.from({ length: n }, (_, i) => 100 / (i + 1));
    const s = new Matrix(n, n);
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += q[k]![i]! * lambda[k]! * q[k]![j]!;
        s.set(i, j, v);
        s.set(j, i, v);
      }
    const top = await topEigen(s, 3);
    top.forEach((c, k) => {
      expect(c.score).toBeCloseTo(lambda[k]!, 4);
      expect(Math.abs(dot(c.vector, q[k]!))).toBeCloseTo(1, 5);
    });
    expectOrthonormal(top.map((c) => c.vector));
  });
});

describe('GANSpace', () => {
  it('regresses the leading activation components back to orthonormal z directions', async () => {
    const [n, zDim, dim] = [300, 8, 50];
    const z = latentsForSeeds(Array.from({ length: n }, (_, i) => i), zDim);
    // A layer whose activations vary most along z's first axis, then its second: relu(z·W).
    const w = randomMatrix(zDim, dim, 3).map((v, i) => v * (Math.floor(i / dim) === 0 ? 6 : Math.floor(i / dim) === 1 ? 3 : 0.3));
    const features = new Float32Array(n * dim);
    for (let s = 0; s < n; s++)
      for (let j = 0; j < dim; j++) {
        let y = 0;
        for (let i = 0; i < zDim; i++) y += z[s * zDim + i]! * w[i * dim + j]!;
        features[s * dim + j] = Math.max(y, 0);
      }
    const found = await ganspace(centredGram(features, n), z, n, zDim, 4);
    expectOrthonormal(found.map((c) => c.vector));
    expect(Math.abs(found[0]!.vector[0]!)).toBeGreaterThan(0.9);
    expect(found[0]!.share).toBeGreaterThan(found[1]!.share);
  });
});

describe('InterFaceGAN boundary', () => {
  it('separates a linearly separable labelling and recovers its normal', () => {
    const zDim = 16;
    const truth = Float64Array.from(latentForSeed(99, zDim));
    const unit = truth.map((x) => x / norm(truth));
    const positives: Float32Array[] = [];
    const negatives: Float32Array[] = [];
    for (let seed = 0; positives.length < 40 || negatives.length < 40; seed++) {
      const z = latentForSeed(seed, zDim);
      const side = dot(unit, z) - 0.3;
      // A gap around the plane keeps the labelling strictly separable.
      if (side > 0.2 && positives.length < 40) positives.push(z);
      else if (side < -0.2 && negatives.length < 40) negatives.push(z);
    }
    const boundary = fitBoundary(positives, negatives);
    expect(boundary.accuracy).toBe(1);
    expect(boundary.margin).toBeGreaterThan(0);
    expect(norm(boundary.normal)).toBeCloseTo(1, 6);
    expect(dot(boundary.normal, unit)).toBeGreaterThan(0.9);
  });

  it('points toward the samples that have the attribute', () => {
    const a = Float32Array.from([2, 0, 0]);
    const b = Float32Array.from([-2, 0, 0]);
    expect(fitBoundary([a], [b]).normal[0]).toBeGreaterThan(0.99);
    expect(fitBoundary([b], [a]).normal[0]).toBeLessThan(-0.99);
  });
});

describe('Gram–Schmidt', () => {
  it('turns independent vectors into an orthonormal basis of the same span, in order', () => {
    const vectors = [0, 1, 2, 3].map((s) => latentForSeed(s, 10));
    const basis = gramSchmidt(vectors);
    expectOrthonormal(basis);
    // The first keeps its direction; each input is a combination of the basis vectors up to it.
    expect(dot(basis[0]!, vectors[0]!)).toBeCloseTo(norm(vectors[0]!), 5);
    vectors.forEach((v, i) => {
      const rebuilt = new Float64Array(10);
      for (let k = 0; k <= i; k++) basis[k]!.forEach((b, j) => (rebuilt[j]! += dot(basis[k]!, v) * b));
      rebuilt.forEach((x, j) => expect(x).toBeCloseTo(v[j]!, 5));
    });
  });

  it('refuses a vector in the span of the ones before it', () => {
    const [a, b] = [latentForSeed(1, 6), latentForSeed(2, 6)];
    expect(() => gramSchmidt([a, b, a.map((x, i) => 2 * x - b[i]!)])).toThrow(/span/);
  });

  it('orthogonalises a new direction against saved ones', () => {
    const saved = [latentForSeed(5, 8), latentForSeed(6, 8)];
    const v = orthogonalize(latentForSeed(7, 8), saved);
    expect(norm(v)).toBeCloseTo(1, 6);
    saved.forEach((s) => expect(dot(v, s)).toBeCloseTo(0, 5));
    expect(() => orthogonalize(saved[0]!, saved)).toThrow(/combination/);
  });
});
