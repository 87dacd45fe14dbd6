/**
 * The arithmetic of the virtualised thumbnail grid: which rows are on screen, which items those
 * are, and which pages of thumbnails they need. Only these rows are in the DOM, so 50,000 images
 * scroll like 50.
 */

export interface GridGeometry {
  /** Items in the grid. */
  total: number;
  columns: number;
  /** Row pitch in CSS pixels (cell height plus the gap). */
  rowHeight: number;
}

export interface VisibleRows {
  /** First and last row to render, inclusive; last < first when there is nothing to show. */
  first: number;
  last: number;
  /** Item indices covered, [start, end). */
  start: number;
  end: number;
}

export function columnsFor(width: number, cell: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (cell + gap)));
}

export function rowCount({ total, columns }: GridGeometry): number {
  return Math.ceil(total / columns);
}

/** The rows that intersect the viewport, plus `overscan` rows on each side so a flick shows no gap. */
export function visibleRows(geometry: GridGeometry, scrollTop: number, viewportHeight: number, overscan = 2): VisibleRows {
  const rows = rowCount(geometry);
  const first = Math.max(0, Math.floor(scrollTop / geometry.rowHeight) - overscan);
  const last = Math.min(rows - 1, Math.ceil((scrollTop + viewportHeight) / geometry.rowHeight) + overscan - 1);
  if (rows === 0 || last < first) return { first: 0, last: -1, start: 0, end: 0 };
  return { first, last, start: first * geometry.columns, end: Math.min(geometry.total, (last + 1) * geometry.columns) };
}

/** Page numbers holding items [start, end). */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) pages.push(p);
  return pages;
}

/** Where thumbnail `k` of a sprite sits, scaled by `scale`, as CSS background offsets. */
export function spriteOffset(k: number, columns: number, tile: { width: number; height: number }, scale: number): { x: number; y: number } {
  return { x: -(k % columns) * tile.width * scale, y: -Math.floor(k / columns) * tile.height * scale };
}
