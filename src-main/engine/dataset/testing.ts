/**
 * Image fixtures built at test time (nothing binary in the repository): MNIST digits as PNGs, the
 * awkward-but-valid images an import must handle, and the broken files it must survive.
 */
import { createRequire } from 'node:module';
import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { MANIFEST_VERSION, writeManifest, type FileRow } from './manifest';
import { parseImportOptions } from './options';
import { ShardWriter } from './shard-writer';

const requireJson = createRequire(import.meta.url);
const digitCache = new Map<number, number[]>();

/** The k-th MNIST image of `digit` as 784 bytes (white on black). */
export function mnistDigit(digit: number, k: number): Uint8Array {
  let data = digitCache.get(digit);
  if (!data) {
    data = (requireJson(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    digitCache.set(digit, data);
  }
  const count = Math.floor(data.length / 784);
  const start = (k % count) * 784;
  return Uint8Array.from(data.slice(start, start + 784), (v) => Math.round(v * 255));
}

export function mnistPng(digit: number, k: number): Promise<Buffer> {
  return sharp(mnistDigit(digit, k), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
}

/** Solid RGB fill, `width`×`height`. */
export function solid(width: number, height: number, rgb: [number, number, number]): Buffer {
  const out = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) out.set(rgb, 3 * i);
  return out;
}

/** 32×32: left half opaque red, right half fully transparent (red underneath, to catch leaks). */
export function rgbaPng(): Promise<Buffer> {
  const px = Buffer.alloc(32 * 32 * 4);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) px.set([255, 0, 0, x < 16 ? 255 : 0], 4 * (y * 32 + x));
  }
  return sharp(px, { raw: { width: 32, height: 32, channels: 4 } }).png().toBuffer();
}

/** 16 bits per channel, mid grey-blue (0x8080, 0x8080, 0xffff). */
export function png16(): Promise<Buffer> {
  return sharp(solid(32, 32, [128, 128, 255]), { raw: { width: 32, height: 32, channels: 3 } })
    .toColourspace('rgb16')
    .png()
    .toBuffer();
}

export function cmykJpeg(): Promise<Buffer> {
  return sharp(solid(32, 32, [255, 0, 0]), { raw: { width: 32, height: 32, channels: 3 } })
    .toColourspace('cmyk')
    .jpeg({ quality: 95 })
    .toBuffer();
}

/**
 * Stored 32 wide × 16 high, left half red and right half blue, with EXIF orientation 6 (rotate
 * 90° clockwise to display): upright it is 16×32, red on top and blue below.
 */
export function exifRotatedJpeg(): Promise<Buffer> {
  const px = Buffer.alloc(32 * 16 * 3);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 32; x++) px.set(x < 16 ? [255, 0, 0] : [0, 0, 255], 3 * (y * 32 + x));
  }
  return sharp(px, { raw: { width: 32, height: 16, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
}

/** Two 16×16 frames, red then blue. */
export function animatedGif(): Promise<Buffer> {
  const px = Buffer.concat([solid(16, 16, [255, 0, 0]), solid(16, 16, [0, 0, 255])]);
  return sharp(px, { raw: { width: 16, height: 32, channels: 3, pageHeight: 16 } }).gif().toBuffer();
}

/**
 * A valid greyscale PNG of width×height black pixels, deflated by hand (sharp takes seconds to
 * encode 10k×10k): about 100 kB on disk, width×height bytes once decoded.
 */
export function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  const raw = Buffer.alloc((width + 1) * height); // filter byte 0 + zero pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface FixtureLayout {
  /** Files that must end up in the dataset, by relative path. */
  good: string[];
  /** Relative path → expected skip code. */
  bad: Record<string, string>;
  /** chmod 000 file; unreadable only when the tests do not run as root. */
  locked: string;
}

/**
 * root/threes/3-{0..4}.png, root/sevens/7-{0..4}.png, root/top.png (no class), root/colour/*
 * (alpha, 16-bit, CMYK, EXIF-rotated, animated), a duplicate, and every kind of bad entry.
 */
export async function buildFixtureFolder(root: string): Promise<FixtureLayout> {
  const good: string[] = [];
  for (const [folder, digit] of [['threes', 3], ['sevens', 7]] as const) {
    await mkdir(join(root, folder), { recursive: true });
    for (let k = 0; k < 5; k++) {
      await writeFile(join(root, folder, `${digit}-${k}.png`), await mnistPng(digit, k));
      good.push(`${folder}/${digit}-${k}.png`);
    }
  }
  await writeFile(join(root, 'top.png'), await mnistPng(1, 0));
  good.push('top.png');
  await mkdir(join(root, 'colour'));
  const colour: [string, Buffer][] = [
    ['alpha.png', await rgbaPng()],
    ['deep16.png', await png16()],
    ['cmyk.jpg', await cmykJpeg()],
    ['exif6.jpg', await exifRotatedJpeg()],
    ['anim.gif', await animatedGif()],
  ];
  for (const [name, bytes] of colour) {
    await writeFile(join(root, 'colour', name), bytes);
    good.push(`colour/${name}`);
  }
  // Named to sort after its original: the first file of a content hash in path order is kept.
  await copyFile(join(root, 'threes', '3-0.png'), join(root, 'threes', 'z-copy.png'));

  const bad = join(root, 'bad');
  await mkdir(bad);
  await writeFile(join(bad, 'empty.png'), Buffer.alloc(0));
  // Noise, so the PNG is long enough that half of it ends inside the image data.
  const noise = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 251));
  const whole = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
  await writeFile(join(bad, 'truncated.png'), whole.subarray(0, whole.length >> 1));
  await writeFile(join(bad, 'notes.txt'), 'not an image');
  await writeFile(join(bad, 'fake.png'), 'this is text pretending to be a PNG');
  await writeFile(join(bad, 'bomb.png'), bombPng(10_000, 10_000));
  await writeFile(join(bad, 'locked.png'), await mnistPng(5, 0));
  await chmod(join(bad, 'locked.png'), 0o000);
  await symlink(join(bad, 'missing.png'), join(bad, 'broken.png'));
  await symlink(join(bad, 'self.png'), join(bad, 'self.png'));
  await symlink(root, join(bad, 'loop')); // a folder link back to the root
  await writeFile(join(root, '.DS_Store'), 'junk');
  await writeFile(join(root, 'threes', '._3-0.png'), 'AppleDouble');
  return {
    good,
    bad: {
      'bad/empty.png': 'empty',
      'bad/truncated.png': 'corrupt',
      'bad/notes.txt': 'not-image',
      'bad/fake.png': 'unsupported',
      'bad/bomb.png': 'too-many-pixels',
      'bad/broken.png': 'broken-symlink',
      'bad/self.png': 'symlink-loop',
      'bad/loop': 'symlink-loop',
      'threes/._3-0.png': 'hidden',
      'threes/z-copy.png': 'duplicate',
    },
    locked: 'bad/locked.png',
  };
}

/**
 * A dataset written directly (no decoding): image i is 16×16 grey filled with the byte i, from
 * source path `c<i%3>/<i>.png`, labelled i % 3 unless `labelled` is false.
 */
export async function writeSyntheticDataset(dir: string, n: number, perShard: number, labelled = true, size = 16): Promise<void> {
  const options = parseImportOptions({ width: size, height: size, channels: 1, labelsFromFolders: labelled });
  await mkdir(dir, { recursive: true });
  const writer = new ShardWriter(dir, options, n, perShard);
  const files: FileRow[] = [];
  for (let i = 0; i < n; i++) {
    await writer.add(new Uint8Array(size * size).fill(i), labelled ? i % 3 : -1);
    const path = `c${i % 3}/${String(i).padStart(3, '0')}.png`;
    files.push({ path, size: 1, mtimeMs: 1, hash: String(i), label: labelled ? `c${i % 3}` : null, status: 'ok', index: i });
  }
  const written = await writer.finish();
  await writeManifest(dir, {
    format: 'gan-studio-dataset',
    version: MANIFEST_VERSION,
    createdAt: new Date().toISOString(),
    sourceDir: '/nowhere',
    options,
    width: size,
    height: size,
    channels: 1,
    count: n,
    imagesPerShard: written.imagesPerShard,
    classNames: labelled ? ['c0', 'c1', 'c2'] : [],
    shards: written.shards,
    files,
  });
}
