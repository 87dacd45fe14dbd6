import { describe, expect, it } from 'vitest';
import { ThreadShare, shareWindowMs } from './thread-share';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A training loop stand-in: each step holds the thread (synchronously) for `ms`, then yields. */
function trainingLoop(share: ThreadShare | null, stepMs = 3): { steps: () => number; stop: () => Promise<void> } {
  let steps = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const until = performance.now() + stepMs;
      while (performance.now() < until);
      steps++;
      if (share) await share.yieldTurn(1000);
      else await turn();
    }
  })();
  return {
    steps: () => steps,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** A request that needs many turns of the event loop (as a page of thumbnails does). */
async function manyTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await turn();
}

describe('ThreadShare', () => {
  it('lets a request that needs many turns finish within a step or two, where one turn per step took a step per turn', async () => {
    const share = new ThreadShare();
    const shared = trainingLoop(share);
    await turn();
    const before = shared.steps();
    await share.track(() => manyTurns(30));
    const sharedSteps = shared.steps() - before;
    await shared.stop();

    const alone = trainingLoop(null);
    await turn();
    const start = alone.steps();
    await manyTurns(30);
    const aloneSteps = alone.steps() - start;
    await alone.stop();

    expect(sharedSteps).toBeLessThanOrEqual(2);
    expect(aloneSteps).toBeGreaterThanOrEqual(25);
  });

  it('sends the reply before the next step: the requester hears back before training goes on', async () => {
    const share = new ThreadShare();
    const order: string[] = [];
    const waiting = share.yieldTurn(1000).then(() => order.push('step'));
    // Several promise reactions away from the handler's end, as the engine's reply is.
    const reply = share
      .track(async () => {
        await turn();
        return 'value';
      })
      .then((v) => v)
      .then((v) => v)
      .then(() => order.push('reply'));
    await Promise.all([waiting, reply]);
    expect(order).toEqual(['reply', 'step']);
    expect(share.busy).toBe(0);
  });

  it('waits at most the window for a request that takes long, and not at all when none is in flight', async () => {
    const share = new ThreadShare();
    let settle!: () => void;
    const long = share.track(() => new Promise<void>((resolve) => (settle = resolve)));
    await share.yieldTurn(5); // resolves although the request is still in flight
    expect(share.busy).toBe(1);
    settle();
    await long;
    expect(share.busy).toBe(0);
    await share.yieldTurn(60_000); // nothing in flight: one turn
  });

  it('holds training back only for a request\'s first graceMs: a long import or export then shares step by step', async () => {
    const share = new ThreadShare(30);
    let settle!: () => void;
    const long = share.track(() => new Promise<void>((resolve) => (settle = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 40));
    await share.yieldTurn(60_000); // one turn, although the request is still in flight
    expect(share.busy).toBe(1);
    // A new request within its grace holds the loop again, until it answers.
    const order: string[] = [];
    const waiting = share.yieldTurn(60_000).then(() => order.push('step'));
    await share.track(async () => {
      await turn();
      order.push('reply');
    });
    await waiting;
    expect(order).toEqual(['reply', 'step']);
    settle();
    await long;
  });

  it('wakes a waiting loop at once when the run pauses or stops', async () => {
    const share = new ThreadShare();
    let settle!: () => void;
    const long = share.track(() => new Promise<void>((resolve) => (settle = resolve)));
    const waiting = share.yieldTurn(60_000);
    await turn();
    await turn();
    share.wake();
    await waiting; // not 60 s later
    settle();
    await long;
  });

  it('counts a request that fails as ended', async () => {
    const share = new ThreadShare();
    await expect(share.track(() => Promise.reject(new Error('bad input')))).rejects.toThrow('bad input');
    expect(share.busy).toBe(0);
  });

  it('sizes the window by the step: one step, at most 1 s', () => {
    expect(shareWindowMs(5)).toBe(5);
    expect(shareWindowMs(130)).toBe(130);
    expect(shareWindowMs(20_000)).toBe(1000);
  });
});
