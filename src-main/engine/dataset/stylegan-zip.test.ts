import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStyleGan, folderSink, styleGanImageName } from './stylegan-zip';
import { writeSyntheticDataset } from './testing';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gs-export-'));
  await writeSyntheticDataset(join(dir, 'labelled'), 12, 5);
  await writeSyntheticDataset(join(dir, 'plain'), 3, 5, false);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('exportStyleGan', () => {
  it('names images as dataset_tool.py does', () => {
    expect(styleGanImageName(0)).toBe('00000/img00000000.png');
    expect(styleGanImageName(1234)).toBe('00001/img00001234.png');
  });

  it('writes PNGs in source path order and dataset.json with class labels', async () => {
    const out = join(dir, 'stylegan-labelled');
    const result = await exportStyleGan(join(dir, 'labelled'), folderSink(out));
    expect(result).toMatchObject({ images: 12, labelled: true });
    expect(result.warnings).toEqual([]); // 16×16 is square and a power of two
    expect((await readdir(out)).sort()).toEqual(['00000', 'dataset.json']);
    expect((await readdir(join(out, '00000'))).length).toBe(12);
    const json = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8')) as { labels: [string, number][] };
    // Path order is c0/000, c0/003, …, c1/001, …: image k of the export is source image ids[k].
    const ids = [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11];
    expect(json.labels).toEqual(ids.map((id, k) => [styleGanImageName(k), id % 3]));
    const png = sharp(join(out, styleGanImageName(5)));
    const meta = await png.metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([16, 16, 1]); // greyscale stays 'L' for PIL
    const data = await png.extractChannel(0).raw().toBuffer();
    expect(data.every((v) => v === 4)).toBe(true);
  });

  it('writes null labels for an unlabelled dataset and leaves nothing behind on cancel', async () => {
    const out = join(dir, 'stylegan-plain');
    await exportStyleGan(join(dir, 'plain'), folderSink(out));
    expect(JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8'))).toEqual({ labels: null });
    const cancelled = join(dir, 'stylegan-cancelled');
    const before = (await readdir(dir)).sort();
    await expect(exportStyleGan(join(dir, 'plain'), folderSink(cancelled), { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect((await readdir(dir)).sort()).toEqual(before);
  });
});
