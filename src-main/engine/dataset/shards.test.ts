import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEAN_FILE } from './manifest';
import { openDataset, type DatasetBatch } from './shards';
import { decodeShardHeader } from './shard-format';
import { writeSyntheticDataset } from './testing';

const N = 50;
const PER_SHARD = 8;
const imageBytes = 16 * 16;
let dir: string;

/** Image i is filled with the byte i and labelled i % 3, so every batch can be checked. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gs-shards-'));
  await writeSyntheticDataset(dir, N, PER_SHARD);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function epoch(batchSize: number, seed: number, dropRemainder = false): Promise<DatasetBatch[]> {
  const ds = await openDataset(dir);
  const out: DatasetBatch[] = [];
  for await (const batch of ds.batches(batchSize, seed, { dropRemainder })) out.push(batch);
  return out;
}

const ids = (batches: DatasetBatch[]) => batches.flatMap((b) => Array.from({ length: b.labels.length }, (_, k) => b.images[k * imageBytes]!));

describe('shards', () => {
  it('writes shards with the documented header', async () => {
    const bytes = await readFile(join(dir, 'shard-006.bin'));
    expect(decodeShardHeader(bytes, 'shard-006')).toEqual({ count: 2, width: 16, height: 16, channels: 1, pixelsOffset: 32 + 8 });
    expect(bytes.readInt32LE(32)).toBe(48 % 3);
    expect(bytes.length).toBe(32 + 8 + 2 * imageBytes);
  });

  it('streams every image exactly once per epoch, with its label, in a seeded order', async () => {
    const batches = await epoch(7, 1);
    expect(batches.map((b) => b.labels.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
    const seen = ids(batches);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    for (const b of batches) {
      for (let k = 0; k < b.labels.length; k++) {
        const image = b.images.subarray(k * imageBytes, (k + 1) * imageBytes);
        expect(image.every((v) => v === image[0])).toBe(true);
        expect(b.labels[k]).toBe(image[0]! % 3);
      }
    }
    expect(ids(await epoch(7, 1))).toEqual(seen);
    expect(ids(await epoch(7, 2))).not.toEqual(seen);
    expect(seen).not.toEqual([...seen].sort((a, b) => a - b));
    expect((await epoch(7, 1, true)).map((b) => b.labels.length)).toEqual([7, 7, 7, 7, 7, 7, 7]);
  });

  it('reads single images, labels and the mean image', async () => {
    const ds = await openDataset(dir);
    expect(ds.count).toBe(N);
    expect(Array.from(ds.labels.slice(0, 5))).toEqual([0, 1, 2, 0, 1]);
    expect((await ds.readImage(41))[100]).toBe(41);
    await expect(ds.readImage(N)).rejects.toThrow(RangeError);
    const mean = await ds.meanImage();
    expect(mean[0]).toBeCloseTo((N - 1) / 2, 4);
    await rm(join(dir, MEAN_FILE));
    expect((await ds.meanImage())[255]).toBeCloseTo((N - 1) / 2, 4);
  });

  it('refuses a folder without a dataset', async () => {
    await expect(openDataset(join(dir, 'missing'))).rejects.toMatchObject({ code: 'invalid-dataset' });
  });
});
