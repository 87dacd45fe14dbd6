/**
 * Tiled canvases for grids, animation frames and timelapse frames: where each tile goes, the
 * background with captions under the tiles, and the tiles painted in at whole-number zoom. Tiles are
 * copied byte for byte (nearest-neighbour zoom), so a known latent's image can be found, exactly, at
 * a known offset. Unlike image/grid.ts's tileGrid (the app's fixed sample grids) this takes a colour
 * background, a zoom and caption bands.
 */
import sharp from 'sharp';
import type { GridLayout } from '../../api/export';
import type { RawImage } from '../image/grid';
import { ExportError } from './folder';

export interface Geometry {
  rows: number;
  cols: number;
  /** One tile after zoom. */
  tileWidth: number;
  tileHeight: number;
  /** Height of the caption band under each tile (0 without captions). */
  captionHeight: number;
  fontSize: number;
  width: number;
  height: number;
  padding: number;
  /** Output channels: 1 when the images and background are grey, else 3. */
  channels: 1 | 3;
}

export interface TileSource {
  width: number;
  height: number;
  channels: number;
}

/** Largest canvas (bytes) a single export frame may take; libvips and memory stay comfortable. */
export const MAX_CANVAS_BYTES = 1 << 28;

export function geometry(count: number, tile: TileSource, layout: Pick<GridLayout, 'cols' | 'padding' | 'background' | 'scale'>, captions: readonly string[] | null): Geometry {
  const cols = Math.min(layout.cols, Math.max(1, count));
  const rows = Math.max(1, Math.ceil(count / cols));
  const tileWidth = tile.width * layout.scale;
  const tileHeight = tile.height * layout.scale;
  const longest = Math.max(0, ...(captions ?? []).map((c) => c.length));
  // Fit the longest caption to the tile's width (≈0.6 em per character in a sans font), within 7–14 px.
  const fontSize = captions ? Math.max(7, Math.min(14, Math.floor(tileWidth / Math.max(1, 0.6 * longest)))) : 0;
  const captionHeight = captions ? fontSize + 6 : 0;
  const { padding } = layout;
  const width = cols * tileWidth + (cols + 1) * padding;
  const height = rows * (tileHeight + captionHeight) + (rows + 1) * padding;
  const channels = tile.channels === 1 && isGrey(layout.background) ? 1 : 3;
  if (width * height * channels > MAX_CANVAS_BYTES) {
    throw new ExportError(`A ${width}×${height} image is too large to export: use fewer images, less zoom or less padding.`);
  }
  return { rows, cols, tileWidth, tileHeight, captionHeight, fontSize, width, height, padding, channels };
}

/** Top-left corner of tile i (row-major). */
export function tileOrigin(g: Geometry, i: number): { left: number; top: number } {
  return {
    left: g.padding + (i % g.cols) * (g.tileWidth + g.padding),
    top: g.padding + Math.floor(i / g.cols) * (g.tileHeight + g.captionHeight + g.padding),
  };
}

/** The background with the captions drawn in (raw, g.channels per pixel). */
export async function background(g: Geometry, colour: string, captions: readonly string[] | null): Promise<Uint8Array> {
  const [r, gr, b] = rgb(colour);
  if (!captions?.length) {
    const out = new Uint8Array(g.width * g.height * g.channels);
    if (g.channels === 1) return out.fill(r);
    for (let i = 0; i < out.length; i += 3) out.set([r, gr, b], i);
    return out;
  }
  const ink = r * 0.299 + gr * 0.587 + b * 0.114 > 128 ? '#000000' : '#ffffff';
  const texts = captions.map((text, i) => {
    const { left, top } = tileOrigin(g, i);
    const x = left + g.tileWidth / 2;
    const y = top + g.tileHeight + g.fontSize + 1;
    return `<text x="${x}" y="${y}">${escapeXml(text)}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}"><rect width="100%" height="100%" fill="${colour}"/><g fill="${ink}" font-family="DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif" font-size="${g.fontSize}" text-anchor="middle">${texts.join('')}</g></svg>`;
  const { data, info } = await sharp(Buffer.from(svg), { density: 72 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== g.width || info.height !== g.height || info.channels !== 3) {
    throw new Error(`caption layer came out ${info.width}×${info.height}×${info.channels}, expected ${g.width}×${g.height}×3`);
  }
  if (g.channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // Grey ink on grey: every channel is equal, so the first one is the exact grey (no colour conversion).
  const grey = new Uint8Array(g.width * g.height);
  for (let i = 0; i < grey.length; i++) grey[i] = data[i * 3]!;
  return grey;
}

/**
 * Paints `count` tiles from `tiles` (back-to-back h×w×c bytes) into `canvas` starting at tile slot
 * `first`, zoomed by g.tileWidth / w with nearest neighbour. Grey tiles become grey RGB on a colour canvas.
 */
export function paintTiles(canvas: Uint8Array, g: Geometry, tiles: Uint8Array, tile: TileSource, first: number, count: number): void {
  const { width: w, height: h, channels: c } = tile;
  const scale = g.tileWidth / w;
  const oc = g.channels;
  for (let k = 0; k < count; k++) {
    const { left, top } = tileOrigin(g, first + k);
    const base = k * w * h * c;
    for (let y = 0; y < g.tileHeight; y++) {
      const srcRow = base + Math.floor(y / scale) * w * c;
      let dst = ((top + y) * g.width + left) * oc;
      for (let x = 0; x < g.tileWidth; x++) {
        const src = srcRow + Math.floor(x / scale) * c;
        if (oc === c) {
          for (let ch = 0; ch < c; ch++) canvas[dst + ch] = tiles[src + ch]!;
        } else {
          canvas[dst] = canvas[dst + 1] = canvas[dst + 2] = tiles[src]!;
        }
        dst += oc;
      }
    }
  }
}

export function asRaw(canvas: Uint8Array, g: Geometry): RawImage {
  return { data: canvas, width: g.width, height: g.height, channels: g.channels };
}

function rgb(colour: string): [number, number, number] {
  const v = Number.parseInt(colour.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function isGrey(colour: string): boolean {
  const [r, g, b] = rgb(colour);
  return r === g && g === b;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
