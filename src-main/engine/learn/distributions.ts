/**
 * The Learn playground's toy distributions: seeded samplers of 2-D points, and the modes of the
 * ones that have separate modes (so the playground can count how many the generator covers).
 */
import type { LearnDistribution } from '../../api/learn';
import { Rng } from '../rng';

export interface Modes {
  centres: [number, number][];
  sigma: number;
}

const RING_RADIUS = 1.2;
const MODE_SIGMA = 0.06;

export function modesOf(distribution: LearnDistribution): Modes | null {
  if (distribution === 'ring8') {
    return {
      centres: Array.from({ length: 8 }, (_, i) => [RING_RADIUS * Math.cos((i * Math.PI) / 4), RING_RADIUS * Math.sin((i * Math.PI) / 4)]),
      sigma: MODE_SIGMA,
    };
  }
  if (distribution === 'grid16') {
    const at = [-1.2, -0.4, 0.4, 1.2];
    return { centres: at.flatMap((x) => at.map((y) => [x, y] as [number, number])), sigma: MODE_SIGMA };
  }
  return null;
}

/** A standard normal draw (Box–Muller) from the playground's seeded generator. */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * n points as [x0, y0, x1, y1, …]. 'drawn' picks the user's points with a little noise around each
 * (a kernel density estimate of the drawing); it needs at least one drawn point.
 */
export function samplePoints(distribution: LearnDistribution, n: number, rng: Rng, drawn: readonly number[] = []): Float32Array {
  const out = new Float32Array(2 * n);
  const modes = modesOf(distribution);
  for (let i = 0; i < n; i++) {
    let x: number;
    let y: number;
    if (modes) {
      const [cx, cy] = modes.centres[rng.int(modes.centres.length)]!;
      x = cx + modes.sigma * gaussian(rng);
      y = cy + modes.sigma * gaussian(rng);
    } else if (distribution === 'spiral') {
      const t = Math.sqrt(rng.next());
      const angle = 3.5 * Math.PI * t;
      const r = 0.15 + 1.35 * t;
      x = r * Math.cos(angle) + 0.04 * gaussian(rng);
      y = r * Math.sin(angle) + 0.04 * gaussian(rng);
    } else if (distribution === 'moons') {
      const angle = Math.PI * rng.next();
      const upper = rng.next() < 0.5;
      // scikit-learn's make_moons, centred and scaled into the window.
      x = (upper ? Math.cos(angle) : 1 - Math.cos(angle)) - 0.5 + 0.05 * gaussian(rng);
      y = (upper ? Math.sin(angle) : 0.5 - Math.sin(angle)) - 0.25 + 0.05 * gaussian(rng);
      x *= 1.1;
      y *= 1.1;
    } else {
      const count = drawn.length / 2;
      if (count === 0) throw new Error('The drawn density is empty: draw some points on the plot first (Draw mode), then train.');
      const k = rng.int(count);
      x = drawn[2 * k]! + 0.05 * gaussian(rng);
      y = drawn[2 * k + 1]! + 0.05 * gaussian(rng);
    }
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}

/**
 * How many modes hold at least a quarter of their fair share of the generated points, counting a
 * point for a mode when it lies within 3σ of the centre.
 */
export function modesCovered(points: Float32Array, modes: Modes): number {
  const counts = new Array<number>(modes.centres.length).fill(0);
  const limit = (3 * modes.sigma) ** 2;
  const n = points.length / 2;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    modes.centres.forEach(([cx, cy], m) => {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= limit) counts[m]!++;
    });
  }
  const fair = n / modes.centres.length;
  return counts.filter((c) => c >= fair / 4).length;
}
