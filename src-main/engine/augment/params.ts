/**
 * The random parameters of one augmentation call, drawn in plain JS from a seeded Rng. Drawing them
 * here rather than with tfjs random ops keeps them identical on every backend and lets a resumed
 * run redraw exactly what it would have drawn.
 */
import { Rng } from '../rng';

/** DiffAugment's colour factors per image (Zhao et al. 2020, `rand_brightness` etc.). */
export interface ColorParams {
  /** Added to every pixel: U(−0.5, 0.5). */
  brightness: Float32Array;
  /** Scales each pixel's distance from its channel mean: U(0, 2). */
  saturation: Float32Array;
  /** Scales each pixel's distance from the image mean: U(0.5, 1.5). */
  contrast: Float32Array;
}

export function drawColor(n: number, rng: Rng): ColorParams {
  const brightness = new Float32Array(n);
  const saturation = new Float32Array(n);
  const contrast = new Float32Array(n);
  for (let i = 0; i < n; i++) brightness[i] = rng.next() - 0.5;
  for (let i = 0; i < n; i++) saturation[i] = rng.next() * 2;
  for (let i = 0; i < n; i++) contrast[i] = rng.next() + 0.5;
  return { brightness, saturation, contrast };
}

/** The largest shift or the cutout side for a side of `size` pixels, rounded as DiffAugment does. */
export const fractionOf = (size: number, ratio: number) => Math.floor(size * ratio + 0.5);

/** Integer shifts per image, uniform in [−max, max], max = ratio × size. */
export function drawShifts(n: number, size: number, ratio: number, rng: Rng): Int32Array {
  const max = fractionOf(size, ratio);
  const shifts = new Int32Array(n);
  for (let i = 0; i < n; i++) shifts[i] = rng.int(2 * max + 1) - max;
  return shifts;
}

/**
 * First row (or column) of each image's cutout square, which may start before 0 or run past the
 * edge (the part outside is simply not there), following DiffAugment's `rand_cutout` offsets.
 */
export function drawCutoutStarts(n: number, size: number, cut: number, rng: Rng): Int32Array {
  const starts = new Int32Array(n);
  const positions = size + (1 - (cut % 2));
  for (let i = 0; i < n; i++) starts[i] = rng.int(positions) - Math.floor(cut / 2);
  return starts;
}

/** Which images to mirror: each with probability ½. */
export function drawFlips(n: number, rng: Rng): Float32Array {
  const flips = new Float32Array(n);
  for (let i = 0; i < n; i++) flips[i] = rng.next() < 0.5 ? 1 : 0;
  return flips;
}

/**
 * Adaptive strength: which images keep a policy's parameters, each with probability `p` (1) or not
 * (0). Drawn after the policy's own parameters, so those are the same whatever p is.
 */
export function drawApplied(n: number, p: number, rng: Rng): Uint8Array {
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) keep[i] = rng.next() < p ? 1 : 0;
  return keep;
}

/** The colour factors with the identity (no shift, saturation and contrast 1) where `keep` is 0. */
export function keepColor(params: ColorParams, keep: Uint8Array | null): ColorParams {
  if (!keep) return params;
  const pick = (values: Float32Array, identity: number) => values.map((v, i) => (keep[i] ? v : identity));
  return { brightness: pick(params.brightness, 0), saturation: pick(params.saturation, 1), contrast: pick(params.contrast, 1) };
}

/** The shifts with 0 where `keep` is 0. */
export function keepShifts(shifts: Int32Array, keep: Uint8Array | null): Int32Array {
  return keep ? shifts.map((s, i) => (keep[i] ? s : 0)) : shifts;
}

/** The cutout rows with the square moved wholly above the image (nothing cut) where `keep` is 0. */
export function keepCutoutStarts(starts: Int32Array, cut: number, keep: Uint8Array | null): Int32Array {
  return keep ? starts.map((s, i) => (keep[i] ? s : -cut)) : starts;
}
