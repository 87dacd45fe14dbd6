import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSyntheticDataset } from './testing';
import { loadDatasetSample } from './project-dataset';
import { datasetDirOf } from '../../project/layout';

describe('loadDatasetSample', () => {
  // Image i is 16×16 filled with the byte i and labelled i % 3: each sampled image names its own label.
  const project = async (n: number) => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-sample-'));
    await writeSyntheticDataset(datasetDirOf(dir), n, 16);
    return dir;
  };

  it('loads every image when the dataset fits', async () => {
    const data = await loadDatasetSample(datasetDirOf(await project(40)), 40 * 256);
    expect(data.count).toBe(40);
    expect(new Set(Array.from({ length: 40 }, (_, i) => data.images[i * 256])).size).toBe(40);
  });

  it('samples distinct images, with their own labels, the same ones every time, within the budget', async () => {
    const dir = await project(100);
    const data = await loadDatasetSample(datasetDirOf(dir), 30 * 256 + 100);
    expect(data.count).toBe(30);
    expect(data.images.length).toBe(30 * 256);
    const values = Array.from({ length: 30 }, (_, i) => data.images[i * 256]!);
    expect(new Set(values).size).toBe(30);
    values.forEach((v, i) => {
      expect(data.images.subarray(i * 256, (i + 1) * 256).every((p) => p === v)).toBe(true);
      expect(data.labels[i]).toBe(v % 3);
    });
    const again = await loadDatasetSample(datasetDirOf(dir), 30 * 256 + 100);
    expect(again.images).toEqual(data.images);
    expect(data.classNames).toEqual(['c0', 'c1', 'c2']);
  });
});
