/** The replicas' exchange: weighted sums over shared memory, across chunks and replica counts, and an abort that frees the others. */
import { describe, expect, it } from 'vitest';
import { createCollective, Collective, SLOT_ELEMENTS, SMALL_ELEMENTS } from './collective';
import { resolveWorkerEntry, spawnWorker } from '../../dataset/worker-script';

interface Outcome {
  ok: boolean;
  keptReturned?: boolean;
  rounded?: boolean;
  first?: number;
  last?: number;
  length?: number;
  sum?: number;
  message?: string;
}

async function exchange(size: number, length: number, calls: number, weights: number[], failing?: number, intoFloat32 = false): Promise<Outcome[]> {
  const init = createCollective(size);
  const entry = resolveWorkerEntry(import.meta.url, 'testing-worker');
  const workers = Array.from({ length: size }, (_, rank) => spawnWorker(entry, { workerData: { init, rank, length, calls, weights, failing, intoFloat32 } }));
  try {
    return await Promise.all(workers.map((w) => new Promise<Outcome>((resolve, reject) => (w.once('message', resolve), w.once('error', reject)))));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Σ_r w_r·(r + i/2) at element i. */
const expected = (weights: number[], i: number) => weights.reduce((sum, w, r) => sum + w * (r + i * 0.5), 0);

describe('collective', () => {
  it.each([
    ['small, one barrier', 2, 100],
    ['exactly small', 3, SMALL_ELEMENTS],
    ['large, one chunk', 3, SMALL_ELEMENTS + 1],
    ['large, several chunks with a short last one', 2, 2 * SLOT_ELEMENTS + 7],
  ])('sums %s (%i replicas, %i values) the same on every replica', async (_name, size, length) => {
    const weights = [0.25, 0.75, 2].slice(0, size);
    const outcomes = await exchange(size, length, 3, weights);
    for (const o of outcomes) {
      expect(o.ok, o.message).toBe(true);
      expect(o.length).toBe(length);
      expect(o.first).toBeCloseTo(expected(weights, 0), 9);
      expect(o.last).toBeCloseTo(expected(weights, length - 1), 6);
      // Every element in between: Σ_i Σ_r w_r·(r + i/2) = Σ_r w_r·(r·L + L(L−1)/4).
      const total = weights.reduce((sum, w, r) => sum + w * (r * length + (length * (length - 1)) / 4), 0);
      expect(Math.abs(o.sum! - total) / total).toBeLessThan(1e-12);
    }
    // Bit for bit the same everywhere.
    expect(new Set(outcomes.map((o) => o.sum)).size).toBe(1);
  }, 60_000);

  it.each([
    ['small', SMALL_ELEMENTS],
    ['several chunks', SLOT_ELEMENTS + 5],
  ])('writes a %s sum into the array it is given, again and again, rounded from the float64 sum', async (_name, length) => {
    const outcomes = await exchange(2, length, 3, [0.25, 0.75], undefined, true);
    for (const o of outcomes) {
      expect(o.ok, o.message).toBe(true);
      // The same array back each call, not a new one; a call adds nothing to what the last left.
      expect(o.keptReturned).toBe(true);
      expect(o.rounded).toBe(true);
      expect(o.first).toBeCloseTo(expected([0.25, 0.75], 0), 6);
    }
  }, 60_000);

  it('lets the others go when one replica fails', async () => {
    const outcomes = await exchange(3, 50, 4, [1, 1, 1], 1);
    expect(outcomes[1]).toMatchObject({ ok: false, message: 'replica failed on purpose' });
    for (const rank of [0, 2]) expect(outcomes[rank]).toMatchObject({ ok: false, message: expect.stringMatching(/^Data-parallel training stopped: another replica failed/) });
  }, 60_000);

  it('on its own, returns the weighted values', () => {
    const alone = new Collective(createCollective(1), 0);
    expect(Array.from(alone.weightedSum([1, 2, 3], 0.5))).toEqual([0.5, 1, 1.5]);
    expect(() => alone.weightedSum([1, 2, 3], 0.5, new Float32Array(2))).toThrow(/3 values cannot go into an array of 2/);
    expect(() => new Collective(createCollective(2), 2)).toThrow(/Rank 2 is outside 0…1/);
  });
});
