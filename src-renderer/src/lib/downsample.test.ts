import { describe, expect, it } from 'vitest';
import { DownsampledSeries } from './downsample';
import type { XY } from './smoothing';

const series = (n: number, y: (i: number) => number = (i) => Math.sin(i / 10)): XY[] =>
  Array.from({ length: n }, (_, i) => ({ x: i + 1, y: y(i) }));

describe('DownsampledSeries', () => {
  it('is an exact copy below the cap', () => {
    const source = series(100);
    const down = new DownsampledSeries(256);
    down.sync(source);
    expect(down.points).toEqual(source);
    expect(down.bucketSize).toBe(1);
  });

  it('never exceeds the cap, stays sorted by x and keeps the first and last points', () => {
    const source = series(100_000);
    const down = new DownsampledSeries(1000);
    down.sync(source);
    expect(down.points.length).toBeLessThanOrEqual(1002);
    expect(down.points.length).toBeGreaterThan(400);
    for (let i = 1; i < down.points.length; i++) expect(down.points[i]!.x).toBeGreaterThan(down.points[i - 1]!.x);
    expect(down.points[0]).toBe(source[0]);
    expect(down.points.at(-1)).toBe(source.at(-1));
  });

  it('keeps a single spike however much it downsamples', () => {
    const source = series(50_000, (i) => (i === 31_337 ? 100 : 1));
    const down = new DownsampledSeries(512);
    down.sync(source);
    expect(Math.max(...down.points.map((p) => p.y))).toBe(100);
  });

  it('gives the same result streamed in batches as all at once', () => {
    const source = series(20_000);
    const once = new DownsampledSeries(300);
    once.sync(source);
    const streamed = new DownsampledSeries(300);
    const growing: XY[] = [];
    for (let i = 0; i < source.length; i += 777) {
      growing.push(...source.slice(i, i + 777));
      expect(streamed.sync(growing)).toBe(true);
    }
    expect(streamed.sync(growing)).toBe(false);
    expect(streamed.points).toEqual(once.points);
  });

  it('starts over when the source is truncated (a rollback)', () => {
    const source = series(5000);
    const down = new DownsampledSeries(256);
    down.sync(source);
    source.length = 100;
    down.sync(source);
    expect(down.points).toEqual(source);
  });
});
