/** GIF frames with at most 256 colours come back pixel for pixel; richer ones are still encoded. */
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Rng } from '../rng';
import { encodeAnimation, framesFitPalette } from './encode';

const gif = { format: 'gif', delayMs: 80, loop: true } as const;

async function decode(buffer: Buffer, channels: number): Promise<Uint8Array> {
  const image = sharp(buffer, { pages: -1 }).removeAlpha();
  const { data } = await (channels === 1 ? image.extractChannel(0) : image).raw().toBuffer({ resolveWithObject: true });
  return data;
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('GIF palette', () => {
  it('keeps every grey level of every frame exactly', async () => {
    const [w, h, count] = [36, 28, 6];
    const rng = new Rng(5);
    // Smooth gradients plus noise: all 256 levels appear, as in generated digits.
    const frames = Uint8Array.from({ length: w * h * count }, (_, i) => Math.min(255, Math.floor(((i % (w * h)) / (w * h)) * 256 + rng.next() * 3)));
    const back = await decode(await encodeAnimation(frames, w, h, 1, count, gif), 1);
    expect(maxDiff(back, frames)).toBe(0);
  });

  it('keeps RGB frames of up to 256 colours exactly, each frame its own palette', async () => {
    const [w, h, count] = [40, 30, 4];
    const rng = new Rng(9);
    const frames = new Uint8Array(w * h * 3 * count);
    for (let f = 0; f < count; f++) {
      const palette = Array.from({ length: 256 }, () => [rng.int(256), rng.int(256), rng.int(256)]);
      for (let p = 0; p < w * h; p++) frames.set(palette[rng.int(256)]!, (f * w * h + p) * 3);
    }
    expect(framesFitPalette(frames, w * h, 3, count)).toBe(true);
    const back = await decode(await encodeAnimation(frames, w, h, 3, count, gif), 3);
    expect(maxDiff(back, frames)).toBe(0);
  });

  it('tells frames with more than 256 colours apart', () => {
    // Pixel p has colour (p mod k, ⌊p / 256⌋, 0): k distinct colours per 256 pixels.
    const frame = (pixels: number, k: number) => Uint8Array.from({ length: pixels * 3 }, (_, i) => (i % 3 === 0 ? Math.floor(i / 3) % k : i % 3 === 1 ? Math.floor(i / 768) : 0));
    expect(framesFitPalette(frame(256, 256), 256, 3, 1)).toBe(true);
    expect(framesFitPalette(frame(512, 128), 512, 3, 1)).toBe(true);
    expect(framesFitPalette(frame(257 + 255, 256), 512, 3, 1)).toBe(false);
  });
});
