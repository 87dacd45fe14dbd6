import { describe, expect, it } from 'vitest';
import { LatestOnly } from './explore-lanes';

/** A task the test finishes by hand, to hold a lane busy. */
function gate<T>(value: T) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const started: number[] = [];
  return { open, started, task: (id: number) => async () => (started.push(id), await opened, value) };
}

describe('LatestOnly', () => {
  it('runs the first request, keeps only the newest waiting one and supersedes the rest', async () => {
    const lanes = new LatestOnly();
    const g = gate('done');
    const ran: number[] = [];
    const first = lanes.run('scrub', 1, g.task(1));
    const replies = [2, 3, 4].map((seq) => lanes.run('scrub', seq, async () => (ran.push(seq), `r${seq}`)));
    // 2 and 3 were overtaken while the lane was busy; they never reach the engine.
    expect(await replies[0]).toEqual({ status: 'superseded' });
    expect(await replies[1]).toEqual({ status: 'superseded' });
    g.open();
    expect(await first).toEqual({ status: 'done', value: 'done' });
    expect(await replies[2]).toEqual({ status: 'done', value: 'r4' });
    expect(ran).toEqual([4]);
    expect(lanes.busyLanes()).toEqual([]);
  });

  it('answers a request older than one already seen as superseded', async () => {
    const lanes = new LatestOnly();
    await lanes.run('grid', 5, async () => 1);
    expect(await lanes.run('grid', 3, async () => 2)).toEqual({ status: 'superseded' });
    expect(await lanes.run('grid', 5, async () => 2)).toEqual({ status: 'superseded' });
  });

  it('keeps lanes independent', async () => {
    const lanes = new LatestOnly();
    const g = gate('slow');
    const busy = lanes.run('a', 1, g.task(1));
    expect(await lanes.run('b', 1, async () => 'fast')).toEqual({ status: 'done', value: 'fast' });
    expect(lanes.busyLanes()).toEqual(['a']);
    g.open();
    await busy;
  });

  it('passes errors on and frees the lane for the next request', async () => {
    const lanes = new LatestOnly();
    await expect(lanes.run('x', 1, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lanes.run('x', 2, () => {
      throw new Error('sync');
    })).rejects.toThrow('sync');
    expect(await lanes.run('x', 3, async () => 'ok')).toEqual({ status: 'done', value: 'ok' });
  });

  it('forgets idle lanes beyond its limit, never busy ones', async () => {
    const lanes = new LatestOnly(2);
    const g = gate(0);
    const busy = lanes.run('held', 1, g.task(1));
    for (const name of ['a', 'b', 'c']) await lanes.run(name, 1, async () => 0);
    // 'a' was forgotten: seq 1 counts as new again. 'held' is still busy and remembered.
    expect(await lanes.run('a', 1, async () => 'again')).toEqual({ status: 'done', value: 'again' });
    expect(lanes.busyLanes()).toEqual(['held']);
    g.open();
    await busy;
  });
});
