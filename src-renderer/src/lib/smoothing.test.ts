import { describe, expect, it } from 'vitest';
import { clampSmoothing, EmaSmoother, SmoothedSeries, smooth } from './smoothing';

describe('smooth', () => {
  it('returns the raw values when the weight is 0', () => {
    expect(smooth([1, 5, -2], 0)).toEqual([1, 5, -2]);
  });

  it('is debiased: the first value comes back unchanged and a constant stays constant', () => {
    expect(smooth([4, 4, 4, 4], 0.9)).toEqual([4, 4, 4, 4].map(() => expect.closeTo(4, 12)));
    expect(smooth([7], 0.99)[0]).toBeCloseTo(7, 12);
  });

  it('matches TensorBoard’s debiased EMA', () => {
    const w = 0.6;
    const values = [1, 3, 2, 8];
    let last = 0;
    const expected = values.map((v, i) => {
      last = last * w + (1 - w) * v;
      return last / (1 - w ** (i + 1));
    });
    smooth(values, w).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 12));
  });

  it('lags behind a step change and converges to the new level', () => {
    const values = [...Array(50).fill(0), ...Array(400).fill(1)] as number[];
    const out = smooth(values, 0.95);
    expect(out[50]).toBeLessThan(0.1);
    expect(out.at(-1)).toBeCloseTo(1, 6);
  });

  it('passes non-finite values through without poisoning later values', () => {
    const out = smooth([1, Number.NaN, 1, Number.POSITIVE_INFINITY, 1], 0.5);
    expect(out[1]).toBeNaN();
    expect(out[3]).toBe(Number.POSITIVE_INFINITY);
    expect(out[4]).toBeCloseTo(1, 12);
  });
});

describe('clampSmoothing', () => {
  it('keeps the weight within 0…0.99', () => {
    expect(clampSmoothing(-1)).toBe(0);
    expect(clampSmoothing(1)).toBe(0.99);
    expect(clampSmoothing(0.42)).toBe(0.42);
    expect(clampSmoothing(Number.NaN)).toBe(0);
  });
});

describe('EmaSmoother', () => {
  it('gives the same result incrementally as in one pass, and starts over after reset', () => {
    const smoother = new EmaSmoother(0.8);
    const incremental = [3, 1, 4, 1, 5].map((v) => smoother.push(v));
    expect(incremental).toEqual(smooth([3, 1, 4, 1, 5], 0.8));
    smoother.reset();
    expect(smoother.push(9)).toBeCloseTo(9, 12);
  });
});

describe('SmoothedSeries', () => {
  const points = (ys: number[]) => ys.map((y, i) => ({ x: i + 1, y }));

  it('smooths only what was appended and keeps the same output array', () => {
    const source = points([1, 2, 3]);
    const series = new SmoothedSeries(0.5);
    const out = series.points;
    series.sync(source);
    source.push({ x: 4, y: 10 });
    series.sync(source);
    expect(series.points).toBe(out);
    expect(out.map((p) => p.y)).toEqual(smooth([1, 2, 3, 10], 0.5));
    expect(out.map((p) => p.raw)).toEqual([1, 2, 3, 10]);
    expect(out.map((p) => p.x)).toEqual([1, 2, 3, 4]);
  });

  it('starts over when the weight changes, the source shrinks or the revision moves', () => {
    const source = points([1, 2, 3, 4]);
    const series = new SmoothedSeries(0.5);
    series.sync(source);
    const generation = series.generation;
    series.sync(source, 0, 0.9);
    expect(series.generation).toBe(generation + 1);
    expect(series.points.map((p) => p.y)).toEqual(smooth([1, 2, 3, 4], 0.9));

    source.length = 2; // a rollback drops the abandoned steps
    series.sync(source, 0, 0.9);
    expect(series.points).toHaveLength(2);

    source[1] = { x: 2, y: 50 };
    source.push({ x: 3, y: 0 }, { x: 4, y: 0 });
    series.sync(source, 1, 0.9);
    expect(series.points.map((p) => p.y)).toEqual(smooth([1, 50, 0, 0], 0.9));
  });
});
