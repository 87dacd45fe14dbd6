/** Streaming training data: every image once per epoch, bounded memory, exact resume. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../dataset';
import { writeSyntheticDataset } from '../dataset/testing';
import { ensureGradientsRegistered } from '../ops/gradients';
import { registerTrainingKernels } from '../backend/kernels';
import { Rng } from '../rng';
import { Trainer } from '../training/trainer';
import { type BatchSource } from './types';
import { tinyConfig } from '../training/testing-config';
import { restoreFrom } from '../training/testing-state';
import { datasetDirOf } from '../../project/layout';
import { EpochOrder, ShardStream } from './shard-stream';
import { isStreamed, openDatasetTrainingData, trainingBatches } from './training-data';

const N = 50;
const PER_SHARD = 8;
let root: string;
let project: string;
const model = tinyConfig({ model: { architecture: 'cdcgan', numClasses: 3, dNorm: 'none' } }).model;

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  registerTrainingKernels('cpu');
  root = await mkdtemp(join(tmpdir(), 'gs-stream-'));
  project = join(root, 'project');
  // Image i is 16×16 filled with the byte i, labelled i % 3, in shards of 8 (the last one 2).
  await writeSyntheticDataset(datasetDirOf(project), N, PER_SHARD);
});

afterAll(() => rm(root, { recursive: true, force: true }));

/** The image ids and classes of a batch (solid images survive the resize to 28 px exactly). */
function decode(batch: ReturnType<BatchSource>): { ids: number[]; classes: number[] } {
  const [n] = batch.images.shape;
  const values = batch.images.dataSync();
  const per = values.length / n;
  const ids = Array.from({ length: n }, (_, k) => Math.round((values[k * per]! + 1) * 127.5));
  const classes = Array.from(tf.argMax(batch.labels!, 1).dataSync());
  tf.dispose([batch.images, batch.labels!]);
  return { ids, classes };
}

async function streamSource(bufferImages = 6): Promise<{ source: BatchSource; stream: ShardStream }> {
  const reader = await openDataset(datasetDirOf(project));
  const stream = new ShardStream(reader, model, { bufferImages });
  return { source: stream.source(), stream };
}

describe('EpochOrder', () => {
  it('hands out every index once, from at most the buffer plus the shard being read', () => {
    const counts = [8, 8, 8, 8, 8, 8, 2];
    const order = new EpochOrder(counts, 8, 6, 42);
    const seen: number[] = [];
    const firstShard = order.shardOrder[0]!;
    order.advance({ emit: (_, i) => seen.push(i), load: () => {}, move: () => {} });
    // The first image out comes from the first shard read.
    expect(Math.floor(seen[0]! / 8)).toBe(firstShard);
    while (!order.done) order.advance({ emit: (_, i) => seen.push(i), load: () => {}, move: () => {} });
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const again = new EpochOrder(counts, 8, 6, 42);
    const replay: number[] = [];
    while (!again.done) again.advance({ emit: (_, i) => replay.push(i), load: () => {}, move: () => {} });
    expect(replay).toEqual(seen);
  });
});

describe('ShardStream', () => {
  it('streams every image once per epoch with its label, in an order set by the Rng', async () => {
    const { source } = await streamSource();
    const rng = new Rng(1);
    const drawn = [7, 7, 7, 7, 7, 7, 7, 1].map((n) => decode(source(n, rng)));
    const ids = drawn.flatMap((d) => d.ids);
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(drawn.flatMap((d) => d.classes)).toEqual(ids.map((i) => i % 3));
    // The next epoch is another order of the same images.
    const next = [25, 25].flatMap(() => decode(source(25, rng)).ids);
    expect([...next].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(next).not.toEqual(ids);
    const other = await streamSource();
    expect(decode(other.source(25, new Rng(2))).ids).not.toEqual(ids.slice(0, 25));
  });

  it('holds at most the shuffle buffer and two shards', async () => {
    const { source, stream } = await streamSource(6);
    const rng = new Rng(3);
    const bound = 6 * 256 + 2 * PER_SHARD * 256;
    for (let i = 0; i < 30; i++) {
      decode(source(5, rng));
      await new Promise((resolve) => setImmediate(resolve)); // let prefetches land
      expect(stream.residentBytes()).toBeLessThanOrEqual(bound);
    }
  });

  it.each([0, 3, 7, 10, 13])('resumes exactly from a saved position after %i batches', async (cut) => {
    const straight = await streamSource();
    const rng = new Rng(9);
    const expected: number[][] = [];
    let saved: { position: number[]; rngState: number } | null = cut === 0 ? { position: straight.source.position!.save(), rngState: rng.state } : null;
    for (let b = 0; b < cut + 6; b++) {
      expected.push(decode(straight.source(4, rng)).ids);
      if (b + 1 === cut) saved = { position: straight.source.position!.save(), rngState: rng.state };
    }
    const resumed = await streamSource();
    resumed.source.position!.restore(saved!.position);
    const resumedRng = new Rng(0);
    resumedRng.state = saved!.rngState;
    for (let b = cut; b < cut + 6; b++) expect(decode(resumed.source(4, resumedRng)).ids).toEqual(expected[b]);
  });
});

describe('training from a stream', () => {
  it('is chosen above the size threshold, in memory below it', async () => {
    expect(isStreamed(await openDatasetTrainingData(datasetDirOf(project)))).toBe(false);
    expect(isStreamed(await openDatasetTrainingData(datasetDirOf(project), 50 * 256 - 1))).toBe(true);
  });

  it('resumes a trainer exactly, its checkpoint carrying the stream position, without leaking tensors', async () => {
    const data = await openDatasetTrainingData(datasetDirOf(project), 0);
    const config = tinyConfig({ model, batchSize: 6, augment: { flip: true, diffAugment: ['translation'], adaptive: false } });
    const straight = new Trainer(config, trainingBatches(data, config.model, { bufferImages: 6 }));
    const expected: number[][] = [];
    for (let i = 0; i < 12; i++) {
      const m = await straight.trainStep();
      expected.push([m.dLoss, m.gLoss]);
    }
    straight.dispose();

    const before = tf.memory().numTensors;
    const first = new Trainer(config, trainingBatches(data, config.model, { bufferImages: 6 }));
    for (let i = 0; i < 7; i++) await first.trainStep(); // 42 of 50 images: mid-epoch
    const stale = await first.exportState();
    expect(stale.groups.data?.[0]?.tensor.dtype).toBe('int32');
    const resumed = new Trainer(config, trainingBatches(data, config.model, { bufferImages: 6 }));
    await restoreFrom(first, resumed);
    // Each export frees the tensors the previous one made (position, optimiser step counters).
    expect(stale.groups.data![0]!.tensor.isDisposed).toBe(true);
    first.dispose();
    for (let i = 7; i < 12; i++) {
      const m = await resumed.trainStep();
      expect(m.dLoss).toBeCloseTo(expected[i]![0]!, 5);
      expect(m.gLoss).toBeCloseTo(expected[i]![1]!, 5);
    }
    resumed.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
