import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../backend/kernels';
import { ensureGradientsRegistered } from '../ops/gradients';
import { Rng } from '../rng';
import { CUTOUT_RATIO, createAugmenter, diffAugment } from './augment';
import { adjustColor, cutout, flipHorizontal, translate } from './ops';
import { fractionOf } from './params';

const backends = ['cpu', 'wasm'] as const;

beforeAll(async () => {
  await ensureGradientsRegistered();
  for (const backend of backends) {
    await tf.setBackend(backend);
    registerTrainingKernels(backend);
  }
});

/** A batch with distinct values everywhere, in [−1, 1]. */
function ramp(n: number, h: number, w: number, c: number): tf.Tensor4D {
  const size = n * h * w * c;
  return tf.tensor4d(Float32Array.from({ length: size }, (_, i) => ((i * 7919) % size) / size * 2 - 1), [n, h, w, c]);
}

const at = (values: Float32Array | Int32Array | Uint8Array, shape: number[], b: number, y: number, x: number, ch: number) =>
  values[((b * shape[1]! + y) * shape[2]! + x) * shape[3]! + ch]!;

describe.each(backends)('augmentation ops on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('flips the chosen images left to right and leaves the others', () => {
    const x = ramp(2, 5, 6, 3);
    const out = flipHorizontal(x, Float32Array.from([1, 0]));
    const [a, b] = [x.dataSync(), out.dataSync()];
    for (let y = 0; y < 5; y++) {
      for (let col = 0; col < 6; col++) {
        for (let ch = 0; ch < 3; ch++) {
          expect(at(b, x.shape, 0, y, col, ch)).toBe(at(a, x.shape, 0, y, 5 - col, ch));
          expect(at(b, x.shape, 1, y, col, ch)).toBe(at(a, x.shape, 1, y, col, ch));
        }
      }
    }
    tf.dispose([x, out]);
  });

  it.each([1, 3])('translates by whole pixels with zero fill (%i channels)', (c) => {
    const x = ramp(3, 8, 7, c);
    const dy = Int32Array.from([2, -1, 0]);
    const dx = Int32Array.from([-3, 0, 1]);
    const out = translate(x, dy, dx);
    expect(out.shape).toEqual(x.shape);
    const [a, b] = [x.dataSync(), out.dataSync()];
    for (let n = 0; n < 3; n++) {
      for (let y = 0; y < 8; y++) {
        for (let col = 0; col < 7; col++) {
          for (let ch = 0; ch < c; ch++) {
            const sy = y + dy[n]!;
            const sx = col + dx[n]!;
            const inside = sy >= 0 && sy < 8 && sx >= 0 && sx < 7;
            expect(at(b, x.shape, n, y, col, ch)).toBeCloseTo(inside ? at(a, x.shape, n, sy, sx, ch) : 0, 6);
          }
        }
      }
    }
    const still = translate(x, new Int32Array(3), new Int32Array(3));
    expect(still.dataSync()).toEqual(x.dataSync());
    // Its gradient is the opposite shift (the adjoint of a partial permutation), to the bit.
    const weights = ramp(3, 8, 7, c);
    const gradient = tf.grad((v) => tf.sum(tf.mul(translate(v as tf.Tensor4D, dy, dx), weights)))(x);
    const adjoint = translate(weights, dy.map((s) => -s), dx.map((s) => -s));
    expect(gradient.dataSync()).toEqual(adjoint.dataSync());
    tf.dispose([x, out, still, weights, gradient, adjoint]);
  });

  it('cuts out a square of zeros, clipped at the border', () => {
    const x = tf.ones([2, 6, 6, 3]) as tf.Tensor4D;
    const out = cutout(x, Int32Array.from([1, -2]), Int32Array.from([2, 4]), 3, 3);
    const values = out.dataSync();
    const zeros = (n: number) => Array.from({ length: 36 }, (_, p) => at(values, x.shape, n, Math.floor(p / 6), p % 6, 0)).filter((v) => v === 0).length;
    expect(zeros(0)).toBe(9);
    expect(zeros(1)).toBe(1 * 2); // rows 0 only (−2..0), columns 4..5
    expect(at(values, x.shape, 0, 1, 2, 2)).toBe(0);
    expect(at(values, x.shape, 0, 0, 0, 0)).toBe(1);
    tf.dispose([x, out]);
  });

  it('applies brightness, saturation and contrast as DiffAugment does, and is the identity at neutral factors', () => {
    const x = ramp(2, 4, 4, 3);
    const neutral = adjustColor(x, { brightness: new Float32Array(2), saturation: Float32Array.from([1, 1]), contrast: Float32Array.from([1, 1]) });
    const a = x.dataSync();
    neutral.dataSync().forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 5));
    // Saturation 0 makes every pixel grey (its channel mean); contrast keeps the image mean.
    const grey = adjustColor(x, { brightness: Float32Array.from([0.25, -0.25]), saturation: new Float32Array(2), contrast: Float32Array.from([1.5, 0.5]) });
    const g = grey.dataSync();
    for (let p = 0; p < 2 * 16; p++) {
      expect(g[p * 3]).toBeCloseTo(g[p * 3 + 1]!, 5);
      expect(g[p * 3]).toBeCloseTo(g[p * 3 + 2]!, 5);
    }
    const means = tf.mean(grey, [1, 2, 3]).dataSync();
    const inputMeans = tf.mean(x, [1, 2, 3]).dataSync();
    expect(means[0]).toBeCloseTo(inputMeans[0]! + 0.25, 5);
    expect(means[1]).toBeCloseTo(inputMeans[1]! - 0.25, 5);
    tf.dispose([x, neutral, grey]);
  });
});

describe.each(backends)('DiffAugment and flips on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each([[['translation']], [['cutout']], [['color']], [['color', 'translation', 'cutout']]] as const)(
    'keeps the shape, is repeatable for a seed and differs across seeds (%j)',
    (policies) => {
      const x = ramp(8, 16, 16, 3);
      const a = diffAugment(x, policies, 11);
      const again = diffAugment(x, policies, 11);
      const other = diffAugment(x, policies, 12);
      expect(a.shape).toEqual(x.shape);
      expect(a.dataSync()).toEqual(again.dataSync());
      expect(a.dataSync()).not.toEqual(other.dataSync());
      expect(a.dataSync()).not.toEqual(x.dataSync());
      const values = a.dataSync();
      expect(values.every(Number.isFinite)).toBe(true);
      if (!(policies as readonly string[]).includes('color')) {
        // Translation and cutout only move pixels or zero them: the range stays within [−1, 1].
        expect(Math.max(...values)).toBeLessThanOrEqual(1);
        expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
      } else {
        // Colour moves values by at most ±0.5 brightness and scales distances from means by ≤ 2 and ≤ 1.5.
        expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(1.5 + 2 * 3 * 1.5);
      }
      tf.dispose([x, a, again, other]);
    },
  );

  it('cutout blanks a square half a side wide on every image', () => {
    const x = tf.ones([16, 16, 16, 1]) as tf.Tensor4D;
    const out = diffAugment(x, ['cutout'], 5);
    const values = out.dataSync();
    const side = fractionOf(16, CUTOUT_RATIO);
    for (let n = 0; n < 16; n++) {
      const zeros = values.subarray(n * 256, (n + 1) * 256).filter((v) => v === 0).length;
      expect(zeros).toBeGreaterThan(0);
      expect(zeros).toBeLessThanOrEqual(side * side);
    }
    tf.dispose([x, out]);
  });

  it('is the identity and draws nothing when switched off', () => {
    const x = ramp(4, 8, 8, 1);
    const off = createAugmenter({ flip: false, diffAugment: [], adaptive: false });
    const rng = new Rng(9);
    expect(off.active).toBe(false);
    expect(off.real(x, rng)).toBe(x);
    expect(off.fake(x, rng)).toBe(x);
    expect(rng.state).toBe(new Rng(9).state);
    // Flip alone leaves the generated images alone.
    const flipOnly = createAugmenter({ flip: true, diffAugment: [], adaptive: false });
    expect(flipOnly.fake(x, rng)).toBe(x);
    x.dispose();
  });

  it('flips about half of the real images, each either mirrored or untouched', () => {
    const x = ramp(64, 4, 5, 1);
    const out = createAugmenter({ flip: true, diffAugment: [], adaptive: false }).real(x, new Rng(3));
    const mirrored = tf.reverse(x, 2);
    const [a, b, m] = [x.arraySync(), out.arraySync(), mirrored.arraySync()];
    let flipped = 0;
    for (let n = 0; n < 64; n++) {
      const same = JSON.stringify(b[n]) === JSON.stringify(a[n]);
      const mirror = JSON.stringify(b[n]) === JSON.stringify(m[n]);
      expect(same || mirror).toBe(true);
      if (mirror) flipped++;
    }
    expect(flipped).toBeGreaterThan(16);
    expect(flipped).toBeLessThan(48);
    tf.dispose([x, out, mirrored]);
  });

  it('passes gradients through to the images (what G needs)', () => {
    const x = ramp(4, 8, 8, 3);
    const weights = ramp(4, 8, 8, 3);
    const gradOf = (policies: Parameters<typeof diffAugment>[1]) =>
      tf.grad((input) => tf.sum(tf.mul(diffAugment(input as tf.Tensor4D, policies, 4), weights)))(x);
    const all = gradOf(['color', 'translation', 'cutout']);
    expect(all.dataSync().every(Number.isFinite)).toBe(true);
    expect(all.dataSync().some((v) => v !== 0)).toBe(true);
    // Without colour's means coupling the pixels, the ones translated away or cut out get exactly
    // zero gradient and the others the weight of the place they moved to.
    const moved = gradOf(['translation', 'cutout']).dataSync();
    const weightValues = new Set(Array.from(weights.dataSync(), (v) => v.toFixed(5)));
    expect(moved.some((v) => v === 0)).toBe(true);
    expect(moved.filter((v) => v !== 0 && !weightValues.has(v.toFixed(5))).length).toBe(0);
    expect(moved.filter((v) => v !== 0).length).toBeGreaterThan(moved.length / 4);
    tf.dispose([x, weights, all]);
  });

  it('at adaptive strength p augments about a share p of the images, each fully or not at all', () => {
    const x = ramp(64, 8, 8, 3);
    const values = x.dataSync();
    const per = 8 * 8 * 3;
    const untouched = (out: tf.Tensor4D) => {
      const v = out.dataSync();
      let count = 0;
      for (let b = 0; b < 64; b++) {
        let same = true;
        for (let i = b * per; i < (b + 1) * per && same; i++) same = Math.abs(v[i]! - values[i]!) < 1e-5;
        if (same) count++;
      }
      return count;
    };
    // p = 0: the input itself, nothing computed.
    expect(diffAugment(x, ['color', 'translation'], 5, 0)).toBe(x);
    // p = 1 with one policy: exactly the fixed-strength result (the parameters are drawn first).
    const fixed = diffAugment(x, ['color'], 5);
    const full = diffAugment(x, ['color'], 5, 1);
    expect(full.dataSync()).toEqual(fixed.dataSync());
    // p = 0.5 with colour: about half the images keep the identity; the others are recoloured.
    const half = diffAugment(x, ['color'], 5, 0.5);
    expect(untouched(half)).toBeGreaterThan(16);
    expect(untouched(half)).toBeLessThan(48);
    // Two policies at p = 0.5: an image is untouched only if it drew neither (about a quarter).
    const both = diffAugment(x, ['color', 'cutout'], 5, 0.5);
    expect(untouched(both)).toBeGreaterThan(4);
    expect(untouched(both)).toBeLessThan(30);
    tf.dispose([x, fixed, full, half, both]);
  });

  it('leaves no tensors behind', () => {
    const x = ramp(4, 8, 8, 3);
    const before = tf.memory().numTensors;
    const augment = createAugmenter({ flip: true, diffAugment: ['color', 'translation', 'cutout'], adaptive: false });
    const rng = new Rng(1);
    for (let i = 0; i < 3; i++) tf.dispose([augment.real(x, rng), augment.fake(x, rng)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('leaves no tensors behind at any adaptive strength, with flips or without', () => {
    const x = ramp(4, 8, 8, 3);
    const before = tf.memory().numTensors;
    const rng = new Rng(2);
    for (const flip of [false, true]) {
      const augment = createAugmenter({ flip, diffAugment: ['color', 'translation', 'cutout'], adaptive: true });
      for (const p of [0, 0.5, 1]) {
        // At p = 0 without flips the input comes back as it is: only a new tensor is the caller's.
        const outs = [augment.real(x, rng, p), augment.fake(x, rng, p)].filter((t) => t !== x);
        if (p === 0) expect(outs.length).toBe(flip ? 1 : 0);
        tf.dispose(outs);
        expect(tf.memory().numTensors).toBe(before);
      }
    }
    x.dispose();
  });
});
