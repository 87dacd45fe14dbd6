import { describe, expect, it } from 'vitest';
import { Task } from './task';

/** A job the test finishes by hand, so every in-between state can be looked at. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Task', () => {
  it('runs a job once at a time and returns its value', async () => {
    const job = deferred<number>();
    const task = new Task<{ done: number }>(async () => {});
    const first = task.run(() => job.promise);
    expect(task.running).toBe(true);
    expect(await task.run(async () => 2)).toBeNull();
    job.resolve(1);
    expect(await first).toEqual({ value: 1 });
    expect(task.running).toBe(false);
  });

  it('keeps progress only while running and clears it at the end', async () => {
    const job = deferred<void>();
    const task = new Task<{ done: number }>(async () => {});
    task.report({ done: 1 });
    expect(task.progress).toBeNull();
    const run = task.run(() => job.promise);
    task.report({ done: 2 });
    expect(task.progress).toEqual({ done: 2 });
    job.resolve();
    await run;
    expect(task.progress).toBeNull();
  });

  it('shows a failed job as its error and clears it on the next run', async () => {
    const task = new Task<never>(async () => {});
    expect(await task.run(() => Promise.reject(new Error('disk full: free space in /runs')))).toBeNull();
    expect(task.error?.message).toBe('disk full: free space in /runs');
    await task.run(async () => 1);
    expect(task.error).toBeNull();
  });

  it('settles (e.g. re-reads results) before it stops running', async () => {
    const task = new Task<never>(async () => {});
    const seen: boolean[] = [];
    await task.run(async () => 1, () => void seen.push(task.running));
    expect(seen).toEqual([true]);
    expect(task.running).toBe(false);
  });

  it('cancels once: "Cancelling…" until the job ends', async () => {
    const job = deferred<void>();
    let cancels = 0;
    const task = new Task<never>(async () => void cancels++);
    const run = task.run(() => job.promise);
    await task.cancel();
    await task.cancel();
    expect(cancels).toBe(1);
    expect(task.cancelling).toBe(true);
    job.resolve();
    await run;
    expect(task.cancelling).toBe(false);
  });

  it('a failed cancel shows why and offers Cancel again while the job goes on', async () => {
    const job = deferred<void>();
    let attempts = 0;
    const task = new Task<never>(async () => {
      attempts++;
      if (attempts === 1) throw new Error('The engine did not answer; try Cancel again.');
    });
    const run = task.run(() => job.promise);
    await task.cancel();
    expect(task.error?.message).toBe('The engine did not answer; try Cancel again.');
    expect(task.cancelling).toBe(false);
    expect(task.running).toBe(true);
    await task.cancel();
    expect(attempts).toBe(2);
    expect(task.cancelling).toBe(true);
    job.resolve();
    await run;
  });

  it('does nothing on cancel when no job runs', async () => {
    let cancels = 0;
    const task = new Task<never>(async () => void cancels++);
    await task.cancel();
    expect(cancels).toBe(0);
    expect(task.cancelling).toBe(false);
  });
});
