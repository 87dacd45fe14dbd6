import { describe, expect, it } from 'vitest';
import { tileGrid, toBytes } from './grid';

describe('tileGrid', () => {
  it('places image i at its row and column with padding', () => {
    const h = 2, w = 3, c = 1, n = 5;
    const batch = new Uint8Array(n * h * w * c);
    for (let i = 0; i < n; i++) batch.fill(i + 1, i * h * w, (i + 1) * h * w);
    const grid = tileGrid(batch, n, h, w, c, { rows: 2, cols: 3, padding: 1, background: 0 });
    expect([grid.width, grid.height]).toEqual([3 * 3 + 4, 2 * 2 + 3]);
    const at = (x: number, y: number) => grid.data[y * grid.width + x];
    expect(at(0, 0)).toBe(0);
    expect(at(1, 1)).toBe(1);
    expect(at(3, 2)).toBe(1);
    expect(at(5, 1)).toBe(2);
    expect(at(1, 4)).toBe(4);
    expect(at(5, 4)).toBe(5);
    expect(at(9, 4)).toBe(0); // the sixth cell is empty
  });

  it('keeps channels interleaved', () => {
    const batch = new Uint8Array([10, 20, 30]);
    const grid = tileGrid(batch, 1, 1, 1, 3, { rows: 1, cols: 1, padding: 1, background: 7 });
    expect(Array.from(grid.data.subarray(3 * 4, 3 * 5))).toEqual([10, 20, 30]);
    expect(grid.data[0]).toBe(7);
  });

  it('rejects batches that do not fit', () => {
    expect(() => tileGrid(new Uint8Array(4), 4, 1, 1, 1, { rows: 1, cols: 3, padding: 0, background: 0 })).toThrow(/do not fit/);
    expect(() => tileGrid(new Uint8Array(3), 4, 1, 1, 1, { rows: 2, cols: 2, padding: 0, background: 0 })).toThrow(/expected 4/);
  });
});

describe('toBytes', () => {
  it('maps [-1, 1] to [0, 255], clamps, and shows NaN as grey', () => {
    expect(Array.from(toBytes(new Float32Array([-1, 0, 1, -3, 3, NaN, Infinity])))).toEqual([0, 128, 255, 0, 255, 128, 128]);
  });
});
