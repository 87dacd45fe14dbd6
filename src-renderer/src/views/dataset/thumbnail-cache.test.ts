import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ThumbnailPage } from '../../../../src-main/api/dataset';
import { ThumbnailCache } from './thumbnail-cache';

const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');

function fakePage(offset: number, count: number, total: number, version = 'v1'): ThumbnailPage {
  const n = Math.max(0, Math.min(count, total - offset));
  return {
    version,
    total,
    offset,
    tile: { width: 28, height: 28 },
    columns: 16,
    sprite: n ? { width: 448, height: 28, pngBase64: png } : null,
    items: Array.from({ length: n }, (_, k) => ({ path: `img-${offset + k}.png`, label: -1 })),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => vi.restoreAllMocks());

describe('ThumbnailCache', () => {
  it('loads each page once, keeps at most its capacity and frees what it drops', async () => {
    const revoked: string[] = [];
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => void revoked.push(url));
    const load = vi.fn(async (offset: number, count: number) => fakePage(offset, count, 1000));
    const onChange = vi.fn();
    const cache = new ThumbnailCache({ load, onChange, version: 'v1', pageSize: 10, capacity: 3 });
    cache.request([0, 1]);
    cache.request([0, 1]); // already on the way
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.total).toBe(1000);
    expect(cache.get(1)?.items[0]?.path).toBe('img-10.png');
    expect(onChange).toHaveBeenCalledTimes(2);

    cache.request([5, 6, 7]);
    await settle();
    // Pages 0 and 1 gave way to the three now on screen, and their blob URLs were revoked.
    expect([0, 1, 5, 6, 7].map((p) => cache.get(p) !== undefined)).toEqual([false, false, true, true, true]);
    expect(revoked).toHaveLength(2);
    cache.dispose();
    expect(revoked).toHaveLength(5);
  });

  it('ignores pages of another dataset version and reports failures', async () => {
    const onChange = vi.fn();
    const stale = new ThumbnailCache({ load: async (o, c) => fakePage(o, c, 50, 'v2'), onChange, version: 'v1' });
    stale.request([0]);
    await settle();
    expect(stale.get(0)).toBeUndefined();
    expect(stale.total).toBeNull();

    const failing = new ThumbnailCache({ load: async () => Promise.reject(new Error('engine restarting')), onChange, version: 'v1' });
    failing.request([0]);
    await settle();
    expect((failing.error as Error).message).toBe('engine restarting');
  });

  it('knows an empty filter has no images', async () => {
    const cache = new ThumbnailCache({ load: async (o, c) => fakePage(o, c, 0), onChange: () => {}, version: 'v1' });
    cache.request([0]);
    await settle();
    expect(cache.total).toBe(0);
    expect(cache.get(0)).toBeUndefined();
  });
});
