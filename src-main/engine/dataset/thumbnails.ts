/**
 * The Data view's thumbnails, a page at a time: one PNG sprite per page instead of an image per
 * thumbnail, so scrolling through 50,000 images costs a request per screenful, not per image.
 */
import sharp from 'sharp';
import type { ThumbnailPage } from '../../api/dataset';
import { tileGrid } from '../image/grid';
import { toPngImage } from '../image/png';
import { datasetCatalog } from './catalog';

/** Longest side of a thumbnail; larger datasets are scaled down for the grid. */
export const THUMBNAIL_MAX_SIDE = 64;
const SPRITE_COLUMNS = 16;

export interface ThumbnailQuery {
  offset: number;
  count: number;
  label?: number | undefined;
}

export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, THUMBNAIL_MAX_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export async function thumbnailPage(datasetDir: string, query: ThumbnailQuery): Promise<ThumbnailPage> {
  const catalog = await datasetCatalog(datasetDir);
  const { reader } = catalog;
  const chosen = catalog.select(query.label);
  const positions = chosen.subarray(Math.min(query.offset, chosen.length), Math.min(query.offset + query.count, chosen.length));
  const tile = thumbnailSize(reader.width, reader.height);
  const page = {
    version: catalog.version,
    total: chosen.length,
    offset: query.offset,
    tile,
    columns: SPRITE_COLUMNS,
    items: Array.from(positions, (p) => ({ path: catalog.paths[p]!, label: catalog.labels[p]! })),
  };
  if (positions.length === 0) return { ...page, sprite: null };

  const images = await reader.readImages(Array.from(positions, (p) => catalog.storageIndex[p]!));
  const scaled = await Promise.all(images.map((image) => shrink(image, reader.width, reader.height, reader.channels, tile)));
  const tileBytes = tile.width * tile.height * reader.channels;
  const batch = new Uint8Array(scaled.length * tileBytes);
  scaled.forEach((image, i) => batch.set(image, i * tileBytes));
  const grid = tileGrid(batch, scaled.length, tile.height, tile.width, reader.channels, {
    rows: Math.ceil(scaled.length / SPRITE_COLUMNS),
    cols: SPRITE_COLUMNS,
    padding: 0,
    background: 0,
  });
  return { ...page, sprite: await toPngImage(grid) };
}

async function shrink(
  image: Uint8Array,
  width: number,
  height: number,
  channels: number,
  to: { width: number; height: number },
): Promise<Uint8Array> {
  if (to.width === width && to.height === height) return image;
  const factor = width / to.width;
  // Whole-number factors (128 → 64, 256 → 64…) are a plain block average, ~50× faster than a
  // sharp pipeline per thumbnail; other sizes go through sharp.
  if (Number.isInteger(factor) && height === to.height * factor) return blockAverage(image, width, channels, to, factor);
  const resized = sharp(image, { raw: { width, height, channels: channels as 1 | 3 } }).resize({ width: to.width, height: to.height, fit: 'fill', kernel: 'lanczos3' });
  // sharp widens one channel to sRGB on the way; greyscale() keeps it one channel, as stored.
  const out = await (channels === 1 ? resized.greyscale() : resized).raw().toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function blockAverage(image: Uint8Array, width: number, channels: number, to: { width: number; height: number }, k: number): Uint8Array {
  const out = new Uint8Array(to.width * to.height * channels);
  const area = k * k;
  for (let y = 0; y < to.height; y++) {
    for (let x = 0; x < to.width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let dy = 0; dy < k; dy++) {
          const row = ((y * k + dy) * width + x * k) * channels + c;
          for (let dx = 0; dx < k; dx++) sum += image[row + dx * channels]!;
        }
        out[(y * to.width + x) * channels + c] = Math.round(sum / area);
      }
    }
  }
  return out;
}
