/**
 * The engine's one JavaScript thread, shared between a training run and the other views' requests.
 *
 * A training step holds the thread for its whole length (it is compute on the wasm heap), and the
 * loop hands the thread back once per step. A request that needs many turns of the event loop (a
 * page of thumbnails: a catalog read, then many sharp calls on the libuv pool) got one turn per step,
 * and took seconds: a Data view page took 2.3–4 s during training against 19 ms with the engine
 * idle (bench/main-lag.ts --data emoji, 2026-12-05). So between two steps, while any request is in
 * flight, the loop waits until they have all answered, or at most about one step's time: a short
 * request finishes at once, and a long one (an export, an evaluation) shares the thread with
 * training about half and half instead of stopping it.
 *
 * One per process: there is one event loop.
 */
export class ThreadShare {
  private inFlight = 0;
  private readonly waiters = new Set<() => void>();

  /** How many requests are being answered now. */
  get busy(): number {
    return this.inFlight;
  }

  /** Runs `work` as one request in flight. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      // Woken in a later turn, not now: the reply to this request is still a few promise
      // reactions away from being sent, and the next step would run before them.
      if (this.inFlight === 0) setImmediate(() => this.inFlight === 0 && [...this.waiters].forEach((wake) => wake()));
    }
  }

  /**
   * Between two training steps: one turn of the event loop (messages that arrived during the step
   * are read), then, while requests are in flight, until they have all answered or `maxMs` passed.
   */
  async yieldTurn(maxMs: number): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.waiters.add(done);
    });
  }
}

/** The engine process's thread. */
export const engineThread = new ThreadShare();

/** How long a step waits for requests at most: about its own length, within 20 ms … 1 s. */
export function shareWindowMs(stepMs: number): number {
  return Math.min(1000, Math.max(20, stepMs));
}
