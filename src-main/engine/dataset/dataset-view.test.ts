/** The Data view's engine reads: thumbnail pages, the mean image, the project summary, the import preview. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset, openDataset, parseImportOptions } from './';
import { MEAN_FILE } from './manifest';
import { mnistPng, writeSyntheticDataset } from './testing';
import type { PngImage } from '../../api/schemas';
import { ImportController } from './import-controller';
import { previewImport } from './import-preview';
import { datasetDirOf } from '../../project/layout';
import { thumbnailPage, thumbnailSize } from './thumbnails';

let root: string;
/** 50 synthetic 16×16 images: image i is filled with the byte i, labelled c(i % 3), path c{i%3}/{iii}.png. */
let synthetic: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-dataview-'));
  synthetic = join(root, 'synthetic');
  await writeSyntheticDataset(datasetDirOf(synthetic), 50, 8);
});

afterAll(() => rm(root, { recursive: true, force: true }));

async function pixelsOf(image: PngImage): Promise<{ data: Buffer; channels: number; width: number; height: number }> {
  const { data, info } = await sharp(Buffer.from(image.pngBase64, 'base64')).raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([image.width, image.height]);
  return { data, channels: info.channels, width: info.width, height: info.height };
}

async function digitsFolder(dir: string, perDigit: number): Promise<void> {
  for (const digit of [1, 4]) {
    await mkdir(join(dir, String(digit)), { recursive: true });
    for (let k = 0; k < perDigit; k++) await writeFile(join(dir, String(digit), `d${k}.png`), await mnistPng(digit, k));
  }
}

describe('thumbnail pages', () => {
  it('come in path order, tiled into one sprite, each tile the stored image', async () => {
    const page = await thumbnailPage(datasetDirOf(synthetic), { offset: 2, count: 20 });
    expect(page.total).toBe(50);
    expect(page.offset).toBe(2);
    expect(page.tile).toEqual({ width: 16, height: 16 });
    expect(page.items.map((i) => i.path)).toEqual(
      Array.from({ length: 50 }, (_, i) => `c${i % 3}/${String(i).padStart(3, '0')}.png`).sort().slice(2, 22),
    );
    const sprite = await pixelsOf(page.sprite!);
    expect(sprite.width).toBe(page.columns * 16);
    expect(sprite.height).toBe(Math.ceil(20 / page.columns) * 16);
    page.items.forEach((item, k) => {
      const stored = Number(item.path.slice(3, 6));
      const x = (k % page.columns) * 16 + 5;
      const y = Math.floor(k / page.columns) * 16 + 5;
      expect(sprite.data[(y * sprite.width + x) * sprite.channels]).toBe(stored);
      expect(item.label).toBe(stored % 3);
    });
  });

  it('filter by class, and run out at the end', async () => {
    const ones = await thumbnailPage(datasetDirOf(synthetic), { offset: 0, count: 100, label: 1 });
    expect(ones.total).toBe(17);
    expect(ones.items.every((i) => i.label === 1 && i.path.startsWith('c1/'))).toBe(true);
    const past = await thumbnailPage(datasetDirOf(synthetic), { offset: 60, count: 10 });
    expect(past).toMatchObject({ total: 50, sprite: null, items: [] });
    const none = await thumbnailPage(datasetDirOf(synthetic), { offset: 0, count: 10, label: -1 });
    expect(none.total).toBe(0);
  });

  it('shrink large images to at most 64 px, keeping the aspect ratio', async () => {
    expect(thumbnailSize(28, 28)).toEqual({ width: 28, height: 28 });
    expect(thumbnailSize(128, 96)).toEqual({ width: 64, height: 48 });
    const project = join(root, 'large');
    await digitsFolder(join(root, 'large-src'), 2);
    await importDataset(join(root, 'large-src'), datasetDirOf(project), { width: 128, height: 96, channels: 3 }, { pool: { size: 1 } });
    const page = await thumbnailPage(datasetDirOf(project), { offset: 0, count: 4 });
    expect(page.tile).toEqual({ width: 64, height: 48 });
    const sprite = await pixelsOf(page.sprite!);
    expect(sprite.height).toBe(48);
    // A digit is white on black: the middle of each tile is bright somewhere, the corners dark.
    expect(sprite.data[0]).toBeLessThan(20);
    expect(Math.max(...sprite.data.subarray(0, 64 * 48 * 3))).toBeGreaterThan(200);

    // 96 → 64 is no whole-number factor: resampled by sharp, one channel kept.
    const grey = join(root, 'large-grey');
    await importDataset(join(root, 'large-src'), datasetDirOf(grey), { width: 96, height: 96, channels: 1 }, { pool: { size: 1 } });
    const greyPage = await thumbnailPage(datasetDirOf(grey), { offset: 0, count: 4 });
    expect(greyPage.tile).toEqual({ width: 64, height: 64 });
    const greySprite = await pixelsOf(greyPage.sprite!);
    expect(greySprite.height).toBe(64);
    expect(greySprite.data.reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(200);
  });
});

describe('the project dataset as the Data view gets it', () => {
  it('has the mean image and a version that changes with each import', async () => {
    const controller = new ImportController(() => {});
    const first = (await controller.current(synthetic, 'project'))!;
    expect(first.summary.count).toBe(50);
    const mean = await pixelsOf(first.mean);
    expect([mean.width, mean.height]).toEqual([16, 16]);
    expect(mean.data[0]).toBe(Math.round(49 / 2)); // mean of 0…49

    const project = join(root, 'reimported');
    await digitsFolder(join(root, 'reimport-src'), 2);
    await importDataset(join(root, 'reimport-src'), datasetDirOf(project), { width: 28, height: 28, channels: 1 }, { pool: { size: 1 } });
    const before = (await controller.current(project, 'project'))!;
    await writeFile(join(root, 'reimport-src', '1', 'extra.png'), await mnistPng(1, 9));
    await writeFile(join(root, 'reimport-src', '1', 'extra-copy.png'), await mnistPng(1, 9));
    await writeFile(join(root, 'reimport-src', 'notes.txt'), 'not an image');
    await importDataset(join(root, 'reimport-src'), datasetDirOf(project), { width: 28, height: 28, channels: 1 }, { pool: { size: 1 } });
    const after = (await controller.current(project, 'project'))!;
    expect(after.version).not.toBe(before.version);
    // Every file left out, counted per code: the Data view's summary and heading both read these.
    expect(after.skippedCounts).toEqual({ duplicate: 1, 'not-image': 1 });
    expect(after.skipped.map((s) => s.code).sort()).toEqual(['duplicate', 'not-image']);
    expect((await thumbnailPage(datasetDirOf(project), { offset: 0, count: 10 })).total).toBe(5);
  });

  it('recomputes a missing mean from the shards once, and keeps it', async () => {
    const dir = datasetDirOf(synthetic);
    await rm(join(dir, MEAN_FILE));
    const reader = await openDataset(dir);
    expect((await reader.meanImage())[7]).toBeCloseTo(24.5, 5);
    const cached = await readFile(join(dir, MEAN_FILE));
    expect(cached.length).toBe(4 * 16 * 16);
    expect(cached.readFloatLE(4 * 7)).toBeCloseTo(24.5, 5);
  });
});

describe('import preview', () => {
  it('decodes a few sample files exactly as the import will store them, and says why others fail', async () => {
    const dir = join(root, 'preview-src');
    await digitsFolder(dir, 2);
    await writeFile(join(dir, '4', 'broken.png'), 'not a png');
    const options = parseImportOptions({ width: 32, height: 32, channels: 3, fit: 'pad', background: '#ff0000' });
    const preview = await previewImport(dir, datasetDirOf(root), options);
    expect(preview.message).toBeNull();
    expect(preview.samples.map((s) => [s.path, s.ok])).toEqual([
      ['1/d0.png', true],
      ['1/d1.png', true],
      ['4/broken.png', false],
      ['4/d0.png', true],
      ['4/d1.png', true],
    ]);
    expect(preview.samples[2]!.reason).toMatch(/not a recognised image format/);
    const strip = await pixelsOf(preview.image!);
    expect([strip.width, strip.height]).toEqual([4 * 32 + 5 * 2, 32 + 4]);
    expect(strip.channels).toBe(3);
  });

  it('uses the project dataset’s own sources while they exist', async () => {
    const project = join(root, 'desktop');
    const source = join(root, 'desktop-src');
    await digitsFolder(source, 3);
    await importDataset(source, datasetDirOf(project), { width: 28, height: 28, channels: 1 }, { pool: { size: 1 } });
    const options = parseImportOptions({ width: 28, height: 28, channels: 1, fit: 'stretch' });
    const preview = await previewImport(null, datasetDirOf(project), options);
    expect(preview.samples).toHaveLength(6);
    expect(preview.image!.width).toBe(6 * 28 + 7 * 2);
    await rm(source, { recursive: true });
    const gone = await previewImport(null, datasetDirOf(project), options);
    expect(gone.image).toBeNull();
    expect(gone.message).toMatch(/no longer on disk/);
    expect((await previewImport(null, datasetDirOf(join(root, 'empty-project')), options)).message).toMatch(/Choose a folder/);
  });
});
