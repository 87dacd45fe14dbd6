/** Tiles a batch of uint8 images into one grid image, the layout every sample view uses. */

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export interface GridLayout {
  rows: number;
  cols: number;
  /** Pixels between tiles and around the border. */
  padding: number;
  /** Fill value of the padding, 0–255, applied to every channel. */
  background: number;
}

/** `batch` holds n images of h×w×c, row-major HWC, back to back. */
export function tileGrid(batch: Uint8Array, n: number, h: number, w: number, c: number, layout: GridLayout): RawImage {
  const { rows, cols, padding, background } = layout;
  if (n > rows * cols) throw new Error(`${n} images do not fit a ${rows}×${cols} grid`);
  if (batch.length !== n * h * w * c) throw new Error(`batch has ${batch.length} bytes, expected ${n * h * w * c}`);
  const width = cols * w + (cols + 1) * padding;
  const height = rows * h + (rows + 1) * padding;
  const data = new Uint8Array(width * height * c).fill(background);
  const rowBytes = w * c;
  for (let i = 0; i < n; i++) {
    const top = padding + Math.floor(i / cols) * (h + padding);
    const left = padding + (i % cols) * (w + padding);
    for (let y = 0; y < h; y++) {
      const src = (i * h + y) * rowBytes;
      data.set(batch.subarray(src, src + rowBytes), ((top + y) * width + left) * c);
    }
  }
  return { data, width, height, channels: c };
}

/** Maps generator output in [-1, 1] to bytes; NaN (a diverged model) shows as mid-grey. */
export function toBytes(values: Float32Array | Int32Array | Uint8Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = Number.isFinite(v) ? Math.round(Math.min(1, Math.max(-1, v)) * 127.5 + 127.5) : 128;
  }
  return out;
}
