import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { decodeFile, decodeImage, endsEarly } from './decode';
import { parseImportOptions, type ImportOptionsInput } from './options';
import { animatedGif, bombPng, cmykJpeg, exifRotatedJpeg, mnistDigit, mnistPng, png16, rgbaPng, solid } from './testing';

async function decode(bytes: Uint8Array, options: ImportOptionsInput) {
  const outcome = await decodeImage(bytes, parseImportOptions(options));
  if (!outcome.ok) throw new Error(`expected an image, got ${outcome.code}: ${outcome.reason}`);
  return outcome.pixels;
}

const rgbAt = (px: Uint8Array, width: number, x: number, y: number) => Array.from(px.subarray(3 * (y * width + x), 3 * (y * width + x) + 3));
const near = (actual: number[], expected: number[], tolerance = 8) =>
  expect(actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance), `${actual} ≈ ${expected}`).toBe(true);

describe('decodeImage', () => {
  it('keeps a greyscale image at its own size byte for byte', async () => {
    const px = await decode(await mnistPng(3, 0), { width: 28, height: 28, channels: 1 });
    expect(Array.from(px)).toEqual(Array.from(mnistDigit(3, 0)));
  });

  it('applies EXIF orientation before cropping', async () => {
    // Upright the image is 16×32, red above blue; cover-scaled to 28×56 and centre-cropped to 28×28.
    const px = await decode(await exifRotatedJpeg(), { width: 28, height: 28, fit: 'crop' });
    near(rgbAt(px, 28, 14, 3), [255, 0, 0], 12);
    near(rgbAt(px, 28, 14, 24), [0, 0, 255], 12);
    near(rgbAt(px, 28, 3, 3), [255, 0, 0], 12); // unrotated, the left column would be all red
    near(rgbAt(px, 28, 3, 24), [0, 0, 255], 12);
  });

  it('composites alpha on the background colour', async () => {
    const px = await decode(await rgbaPng(), { width: 32, height: 32, background: '#00FF00' });
    near(rgbAt(px, 32, 4, 16), [255, 0, 0], 0);
    near(rgbAt(px, 32, 28, 16), [0, 255, 0], 0);
  });

  it('letterboxes with pad, on the background colour', async () => {
    const wide = await sharp(solid(64, 32, [255, 255, 255]), { raw: { width: 64, height: 32, channels: 3 } }).png().toBuffer();
    const px = await decode(wide, { width: 32, height: 32, fit: 'pad', background: '#0000ff' });
    near(rgbAt(px, 32, 16, 2), [0, 0, 255], 0); // band above
    near(rgbAt(px, 32, 16, 16), [255, 255, 255], 0);
    const stretched = await decode(wide, { width: 32, height: 32, fit: 'stretch' });
    near(rgbAt(stretched, 32, 16, 2), [255, 255, 255], 0);
  });

  it('converts 16-bit and CMYK input to 8-bit sRGB', async () => {
    near(rgbAt(await decode(await png16(), { width: 16, height: 16 }), 16, 8, 8), [128, 128, 255], 1);
    near(rgbAt(await decode(await cmykJpeg(), { width: 16, height: 16 }), 16, 8, 8), [255, 0, 0], 40);
  });

  it('takes the first frame of an animation', async () => {
    near(rgbAt(await decode(await animatedGif(), { width: 16, height: 16 }), 16, 8, 8), [255, 0, 0], 4);
  });

  it('outputs one channel in greyscale mode and non-square sizes', async () => {
    const px = await decode(await rgbaPng(), { width: 48, height: 16, channels: 1 });
    expect(px.length).toBe(48 * 16);
  });

  it('gives a reason instead of throwing for bad input', async () => {
    const options = parseImportOptions({});
    const good = await mnistPng(3, 1);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'empty'],
      [good.subarray(0, good.length >> 1), 'corrupt'],
      [Buffer.from('plain text, not a png'), 'unsupported'],
      [bombPng(9000, 9000), 'too-many-pixels'],
    ];
    for (const [bytes, code] of cases) {
      const outcome = await decodeImage(bytes, options);
      expect(outcome.ok ? 'ok' : outcome.code).toBe(code);
    }
    // The same image passes under a higher cap, so the verdict came from maxPixels.
    const small = await decodeImage(bombPng(300, 300), parseImportOptions({ maxPixels: 300 * 300 }));
    expect(small.ok).toBe(true);
    const over = await decodeImage(bombPng(300, 300), parseImportOptions({ maxPixels: 300 * 300 - 1 }));
    expect(over.ok ? 'ok' : over.code).toBe('too-many-pixels');
  });

  it('skips images too small or too long and thin to train on, and takes the smallest and longest it allows', async () => {
    const options = parseImportOptions({});
    const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#336699' } }).png().toBuffer();
    const verdict = async (width: number, height: number) => {
      const outcome = await decodeImage(await png(width, height), options);
      return outcome.ok ? 'ok' : `${outcome.code}: ${outcome.reason}`;
    };
    expect(await verdict(1, 1)).toBe('too-small: too small (1×1; images need at least 8 px on each side)');
    expect(await verdict(7, 64)).toMatch(/^too-small/);
    expect(await verdict(8, 8)).toBe('ok');
    expect(await verdict(8, 80)).toBe('ok');
    expect(await verdict(440, 40)).toBe('extreme-aspect: 440×40 is too wide for this dataset\'s shape: cropped to 64×64, less than a tenth of it would remain; crop it to the part you want to train on');
    expect(await verdict(40, 440)).toMatch(/^extreme-aspect: 40×440 is too tall for this dataset's shape: cropped to 64×64/);
    // Measured against the dataset's own shape, whatever the fit: a strip suits a strip-shaped dataset.
    const strips = parseImportOptions({ width: 512, height: 32, fit: 'pad' });
    expect((await decodeImage(await png(440, 40), strips)).ok).toBe(true);
    const square = await decodeImage(await png(40, 440), strips);
    expect(square.ok ? 'ok' : square.reason).toMatch(/too tall for this dataset's shape: padded to 512×32, it would fill less than a tenth of it/);
  });

  it('calls a cut-off PNG, JPEG, GIF or WebP truncated, with the same reason wherever the cut falls', async () => {
    const options = parseImportOptions({});
    const image = sharp({ create: { width: 48, height: 48, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } });
    for (const format of ['png', 'jpeg', 'gif', 'webp'] as const) {
      const whole = await image.clone().toFormat(format).toBuffer();
      expect((await decodeImage(whole, options)).ok, format).toBe(true);
      const reasons = new Set<string>();
      for (const share of [0.2, 0.5, 0.8, 0.97]) {
        const cut = whole.subarray(0, Math.floor(whole.length * share));
        const outcome = await decodeImage(cut, options);
        reasons.add(outcome.ok ? 'decoded' : outcome.reason.replace(/[\d.]+ (B|KiB|MiB)/, 'N'));
      }
      expect([...reasons], format).toEqual(['truncated image (the file ends before its image does: N; an interrupted copy or download?)']);
    }
    // A camera JPEG: an EXIF segment holding a thumbnail, with an end marker of its own, before the image.
    const main = await image.clone().jpeg().toBuffer();
    const thumb = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#ff0000' } }).jpeg().toBuffer();
    const length = thumb.length + 8;
    const exif = Buffer.concat([Buffer.from([0xff, 0xe1, length >> 8, length & 0xff]), Buffer.from('Exif\0\0'), thumb]);
    const camera = Buffer.concat([main.subarray(0, 2), exif, main.subarray(2)]);
    expect((await decodeImage(camera, options)).ok).toBe(true);
    const cut = await decodeImage(camera.subarray(0, camera.length - 200), options);
    expect(cut.ok ? 'decoded' : cut.reason).toMatch(/^truncated image \(the file ends before its image does/);
    // A whole GIF with padding after its trailer is not called cut off.
    expect(endsEarly(Buffer.concat([await image.clone().gif().toBuffer(), Buffer.alloc(16)]))).toBe(false);
  });

  it('names the format when the build has no decoder for it, and hashes what it read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-decode-'));
    try {
      // A valid 2×2 24-bit BMP: prebuilt libvips has no BMP loader (it needs ImageMagick).
      const bmp = Buffer.alloc(54 + 16);
      bmp.write('BM');
      bmp.writeUInt32LE(bmp.length, 2);
      bmp.writeUInt32LE(54, 10);
      bmp.writeUInt32LE(40, 14);
      bmp.writeInt32LE(2, 18);
      bmp.writeInt32LE(2, 22);
      bmp.writeUInt16LE(1, 26);
      bmp.writeUInt16LE(24, 28);
      await writeFile(join(dir, 'a.bmp'), bmp);
      const outcome = await decodeFile(join(dir, 'a.bmp'), parseImportOptions({}));
      expect(outcome.hash).toMatch(/^[0-9a-f]{64}$/);
      if (!outcome.ok) expect(outcome.reason).toMatch(/^BMP images cannot be decoded by this build/);
      const missing = await decodeFile(join(dir, 'gone.png'), parseImportOptions({}));
      expect(missing).toMatchObject({ ok: false, code: 'unreadable', hash: null });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
