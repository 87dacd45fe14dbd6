import { describe, expect, it } from 'vitest';
import { latestOnly } from './latest-only';

describe('latestOnly', () => {
  it('delivers a read that finished after a later-started one never, and still returns it to its caller', async () => {
    const resolvers: ((v: string) => void)[] = [];
    const delivered: string[] = [];
    const send = latestOnly(() => new Promise<string>((resolve) => resolvers.push(resolve)), (v) => delivered.push(v));
    const older = send();
    const newer = send();
    resolvers[1]!('new state');
    expect(await newer).toBe('new state');
    resolvers[0]!('old state');
    expect(await older).toBe('old state');
    expect(delivered).toEqual(['new state']);
    // In order, each is delivered.
    const third = send();
    resolvers[2]!('third');
    await third;
    expect(delivered).toEqual(['new state', 'third']);
  });

  it('a failed read delivers nothing and does not hold later ones back', async () => {
    const delivered: number[] = [];
    let n = 0;
    const send = latestOnly(async () => {
      if (++n === 1) throw new Error('closed');
      return n;
    }, (v) => delivered.push(v));
    await expect(send()).rejects.toThrow('closed');
    await send();
    expect(delivered).toEqual([2]);
  });
});
