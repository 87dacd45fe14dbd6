/**
 * The one exchange between data-parallel replicas (engine/training/parallel): a weighted sum over shared
 * memory, Σ_r w_r·x_r, that every replica calls with its own x_r and w_r and gets back whole.
 *
 * Replicas are worker threads, each with its own tfjs instance; the memory is one
 * SharedArrayBuffer. A call writes w_r·x_r into the replica's own slot, waits at a barrier, sums its
 * share of the elements over every slot into a shared result (always in rank order, so the result
 * does not depend on which replica summed it, and a fixed replica count gives bit-identical runs),
 * waits again, and copies the whole sum out. Data longer than a slot goes through in chunks. Every replica must make
 * the same calls in the same order with the same lengths; the trainer's step does.
 *
 * A replica that fails calls abort(): the others stop waiting and throw CollectiveAborted, rather
 * than blocking their threads for ever.
 */

/** Control words: the barrier's generation, how many have arrived, and the abort flag. */
const GENERATION = 0;
const ARRIVED = 1;
const ABORTED = 2;
const CONTROL_BYTES = 64;
/** Elements per slot: float64, 4 MiB each (a chunk of a larger exchange). */
export const SLOT_ELEMENTS = 1 << 19;
/** Exchanges up to this long (batch norm's sums, a step's statistics) take one barrier, not two. */
export const SMALL_ELEMENTS = 1 << 12;
/** How long one Atomics.wait lasts before the abort flag is read again. */
const WAIT_SLICE_MS = 100;
/** Spins before a replica sleeps at a barrier: most waits are shorter than a sleep and a wake. */
const SPINS = 4000;

/** How an abort's message starts (it crosses threads as text). */
export const ABORTED_PREFIX = 'Data-parallel training stopped:';

export class CollectiveAborted extends Error {
  constructor(reason: string) {
    super(`${ABORTED_PREFIX} ${reason}`);
    this.name = 'CollectiveAborted';
  }
}

export interface CollectiveInit {
  buffer: SharedArrayBuffer;
  size: number;
}

/** Shared memory for `size` replicas (pass the same init to each, with its rank). */
export function createCollective(size: number): CollectiveInit {
  if (!Number.isInteger(size) || size < 1) throw new Error(`A collective needs at least one replica (got ${size})`);
  return { buffer: new SharedArrayBuffer(CONTROL_BYTES + ((size + 1) * SLOT_ELEMENTS + 2 * size * SMALL_ELEMENTS) * 8), size };
}

export class Collective {
  readonly size: number;
  private readonly control: Int32Array;
  private readonly slots: Float64Array[];
  /** Where the shares of the sum meet (each replica writes its own range of it). */
  private readonly result: Float64Array;
  /** Small exchanges' slots, two sets used in turn: [set][rank]. */
  private readonly small: Float64Array[][];
  private smallCalls = 0;

  constructor(
    init: CollectiveInit,
    readonly rank: number,
    /** How long a barrier waits for the others before it gives up (a replica hung, not failed). */
    private readonly timeoutMs = 10 * 60_000,
  ) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= init.size) throw new Error(`Rank ${rank} is outside 0…${init.size - 1}`);
    this.size = init.size;
    this.control = new Int32Array(init.buffer, 0, CONTROL_BYTES / 4);
    this.slots = Array.from({ length: init.size }, (_, r) => new Float64Array(init.buffer, CONTROL_BYTES + r * SLOT_ELEMENTS * 8, SLOT_ELEMENTS));
    this.result = new Float64Array(init.buffer, CONTROL_BYTES + init.size * SLOT_ELEMENTS * 8, SLOT_ELEMENTS);
    const smallAt = CONTROL_BYTES + (init.size + 1) * SLOT_ELEMENTS * 8;
    this.small = [0, 1].map((set) =>
      Array.from({ length: init.size }, (_, r) => new Float64Array(init.buffer, smallAt + (set * init.size + r) * SMALL_ELEMENTS * 8, SMALL_ELEMENTS)),
    );
  }

  /**
   * Σ_r weight_r · values_r over every replica, element by element, summed in rank order, into `out`
   * (a new Float64Array unless given; a caller that exchanges every step passes the same array each
   * time: a fresh one of many megabytes costs a page fault per 4 KiB, in both threads at once).
   */
  weightedSum(values: ArrayLike<number>, weight: number): Float64Array;
  weightedSum<T extends Float32Array | Float64Array>(values: ArrayLike<number>, weight: number, out: T): T;
  weightedSum(values: ArrayLike<number>, weight: number, out?: Float32Array | Float64Array): Float32Array | Float64Array {
    const n = values.length;
    const into = out ?? new Float64Array(n);
    if (into.length !== n) throw new Error(`A weighted sum of ${n} values cannot go into an array of ${into.length}`);
    if (n <= SMALL_ELEMENTS) return this.smallSum(values, weight, into);
    const mine = this.slots[this.rank]!;
    for (let start = 0; start < n; start += SLOT_ELEMENTS) {
      const length = Math.min(SLOT_ELEMENTS, n - start);
      for (let i = 0; i < length; i++) mine[i] = values[start + i]! * weight;
      // Every slot written: each replica sums its share of the elements into the result.
      this.barrier();
      const share = Math.ceil(length / this.size);
      const from = Math.min(length, this.rank * share);
      const to = Math.min(length, from + share);
      this.result.fill(0, from, to);
      for (let r = 0; r < this.size; r++) {
        const slot = this.slots[r]!;
        for (let i = from; i < to; i++) this.result[i]! += slot[i]!;
      }
      // Every share summed: each replica copies the whole result. The next chunk's writes wait for
      // its first barrier, which no replica passes before every replica has copied this one.
      this.barrier();
      into.set(this.result.subarray(0, length), start);
    }
    return into;
  }

  /**
   * One barrier: every replica writes its slot, then sums all of them itself (in rank order, so all
   * get the same bits). The slots alternate between two sets: a replica writes a set again only two
   * calls later, after a barrier that every replica passes only once it has read this call's.
   */
  private smallSum<T extends Float32Array | Float64Array>(values: ArrayLike<number>, weight: number, out: T): T {
    const slots = this.small[this.smallCalls++ % 2]!;
    const n = values.length;
    const mine = slots[this.rank]!;
    for (let i = 0; i < n; i++) mine[i] = values[i]! * weight;
    this.barrier();
    // Summed in float64 whatever `out` holds, as the large exchange's result is.
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (const slot of slots) sum += slot[i]!;
      out[i] = sum;
    }
    return out;
  }

  /** Makes every replica's waits end with CollectiveAborted (idempotent; any replica or the host may call it). */
  abort(): void {
    Atomics.store(this.control, ABORTED, 1);
    Atomics.notify(this.control, GENERATION);
  }

  get aborted(): boolean {
    return Atomics.load(this.control, ABORTED) === 1;
  }

  /** Waits until every replica has arrived. */
  private barrier(): void {
    if (this.size === 1) return;
    this.check();
    const generation = Atomics.load(this.control, GENERATION);
    if (Atomics.add(this.control, ARRIVED, 1) === this.size - 1) {
      Atomics.store(this.control, ARRIVED, 0);
      Atomics.add(this.control, GENERATION, 1);
      Atomics.notify(this.control, GENERATION);
      return;
    }
    for (let i = 0; i < SPINS; i++) if (Atomics.load(this.control, GENERATION) !== generation) return;
    const deadline = performance.now() + this.timeoutMs;
    while (Atomics.load(this.control, GENERATION) === generation) {
      this.check();
      if (performance.now() > deadline) {
        this.abort();
        throw new CollectiveAborted(`replica ${this.rank} waited ${Math.round(this.timeoutMs / 1000)} s for the others`);
      }
      Atomics.wait(this.control, GENERATION, generation, WAIT_SLICE_MS);
    }
  }

  private check(): void {
    if (this.aborted) throw new CollectiveAborted('another replica failed');
  }
}
