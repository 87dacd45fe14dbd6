/**
 * A small seeded PRNG (mulberry32) whose whole state is one integer, so a checkpoint can store it
 * and a resumed run draws exactly the batches and noise it would have drawn.
 */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A 31-bit seed for a tfjs random op. */
  seed(): number {
    return Math.floor(this.next() * 2 ** 31);
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
}
