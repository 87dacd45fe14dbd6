import { describe, expect, it } from 'vitest';
import { columnsFor, pagesFor, rowCount, spriteOffset, visibleRows } from './virtual-grid';

describe('virtual grid', () => {
  it('fits as many columns as the width allows, at least one', () => {
    expect(columnsFor(640, 72, 4)).toBe(8); // 8 × 72 + 7 × 4 = 604
    expect(columnsFor(10, 72, 4)).toBe(1);
  });

  it('renders only the rows on screen plus the overscan, for any size of dataset', () => {
    const geometry = { total: 50_000, columns: 8, rowHeight: 76 };
    expect(rowCount(geometry)).toBe(6250);
    const top = visibleRows(geometry, 0, 400);
    expect(top).toEqual({ first: 0, last: 7, start: 0, end: 64 });
    const middle = visibleRows(geometry, 76 * 3000 + 10, 400);
    expect(middle.first).toBe(2998);
    expect(middle.last - middle.first + 1).toBeLessThanOrEqual(10);
    const bottom = visibleRows(geometry, 76 * 6250 - 400, 400);
    expect(bottom.last).toBe(6249);
    expect(bottom.end).toBe(50_000);
    expect(visibleRows({ total: 0, columns: 8, rowHeight: 76 }, 0, 400)).toEqual({ first: 0, last: -1, start: 0, end: 0 });
  });

  it('ends the last row at the last item', () => {
    expect(visibleRows({ total: 13, columns: 5, rowHeight: 10 }, 0, 1000)).toEqual({ first: 0, last: 2, start: 0, end: 13 });
  });

  it('asks for the pages covering the visible items', () => {
    expect(pagesFor(0, 64, 128)).toEqual([0]);
    expect(pagesFor(120, 140, 128)).toEqual([0, 1]);
    expect(pagesFor(256, 256, 128)).toEqual([]);
  });

  it('finds a thumbnail in its sprite', () => {
    expect(spriteOffset(0, 16, { width: 28, height: 28 }, 2)).toEqual({ x: -0, y: -0 });
    expect(spriteOffset(17, 16, { width: 64, height: 48 }, 1)).toEqual({ x: -64, y: -48 });
  });
});
