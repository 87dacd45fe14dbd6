/**
 * Thumbnail pages of one dataset version and class filter, fetched on demand and kept in a small
 * LRU: each page is one PNG sprite held as a blob: URL, so the DOM cells reference it by a short
 * URL instead of repeating a megabyte of base64, and evicted pages give their memory back.
 */
import type { ThumbnailPage } from '../../../../src-main/api/dataset';

export interface CachedPage {
  offset: number;
  url: string;
  tile: { width: number; height: number };
  columns: number;
  items: ThumbnailPage['items'];
}

export interface ThumbnailCacheOptions {
  /** Loads `count` thumbnails from `offset`. */
  load(offset: number, count: number): Promise<ThumbnailPage>;
  /** Called when a page arrived (or failed): the grid re-reads what it shows. */
  onChange(): void;
  /** Only pages of this dataset version are kept (an import may replace the dataset mid-scroll). */
  version: string;
  pageSize?: number;
  /** Pages kept; the grid needs two or three per screen. */
  capacity?: number;
}

export class ThumbnailCache {
  readonly pageSize: number;
  /** Items matching the filter, once the first page told. */
  total: number | null = null;
  error: unknown = null;
  readonly #pages = new Map<number, CachedPage>();
  readonly #loading = new Set<number>();
  readonly #capacity: number;
  #wanted: ReadonlySet<number> = new Set();
  #disposed = false;

  constructor(private readonly options: ThumbnailCacheOptions) {
    this.pageSize = options.pageSize ?? 128;
    this.#capacity = options.capacity ?? 24;
  }

  get(page: number): CachedPage | undefined {
    const hit = this.#pages.get(page);
    if (hit) {
      // Map order is insertion order: re-inserting makes this the most recently used.
      this.#pages.delete(page);
      this.#pages.set(page, hit);
    }
    return hit;
  }

  /** Fetches the pages not held or on their way; the ones asked for last are never evicted. */
  request(pages: readonly number[]): void {
    this.#wanted = new Set(pages);
    for (const page of pages) {
      if (this.#pages.has(page) || this.#loading.has(page)) continue;
      this.#loading.add(page);
      this.options.load(page * this.pageSize, this.pageSize).then(
        (result) => this.#arrived(page, result),
        (err: unknown) => {
          this.#loading.delete(page);
          if (this.#disposed) return;
          this.error = err;
          this.options.onChange();
        },
      );
    }
  }

  dispose(): void {
    this.#disposed = true;
    for (const page of this.#pages.values()) URL.revokeObjectURL(page.url);
    this.#pages.clear();
  }

  #arrived(page: number, result: ThumbnailPage): void {
    this.#loading.delete(page);
    if (this.#disposed || result.version !== this.options.version) return;
    this.total = result.total;
    this.error = null;
    if (result.sprite) {
      const bytes = Uint8Array.from(atob(result.sprite.pngBase64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
      this.#pages.set(page, { offset: result.offset, url, tile: result.tile, columns: result.columns, items: result.items });
      this.#evict();
    }
    this.options.onChange();
  }

  #evict(): void {
    for (const [page, cached] of this.#pages) {
      if (this.#pages.size <= this.#capacity) return;
      if (this.#wanted.has(page)) continue;
      URL.revokeObjectURL(cached.url);
      this.#pages.delete(page);
    }
  }
}
