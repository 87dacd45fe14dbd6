import { describe, expect, it } from 'vitest';
import { DownsampledSeries, downsampleRange, sliceByX } from './downsample';
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

describe('zoomed ranges', () => {
  it('slices by x with one neighbour each side', () => {
    const source = series(100);
    expect(sliceByX(source, { min: 10, max: 20 }).map((p) => p.x)).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(sliceByX(source, { min: -5, max: 2 }).map((p) => p.x)).toEqual([1, 2, 3]);
    expect(sliceByX(source, { min: 500, max: 600 }).map((p) => p.x)).toEqual([100]);
    expect(sliceByX([], { min: 0, max: 1 })).toEqual([]);
  });

  it('shows every step of a narrow range of a long run, and caps a wide one', () => {
    const source = series(100_000);
    const narrow = downsampleRange(source, { min: 50_000, max: 50_999 }, 4096);
    expect(narrow.length).toBe(1002);
    const wide = downsampleRange(source, { min: 0, max: 100_000 }, 1000);
    expect(wide.length).toBeLessThanOrEqual(1002);
    // A spike inside the range survives downsampling.
    const spiky = series(100_000, (i) => (i === 70_123 ? 50 : 0));
    expect(Math.max(...downsampleRange(spiky, { min: 60_000, max: 80_000 }, 500).map((p) => p.y))).toBe(50);
  });
});
