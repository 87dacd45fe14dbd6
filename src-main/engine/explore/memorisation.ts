/**
 * The explorer's memorisation check, on the run's own dataset and its domain classifier (the one
 * evaluation trains and caches): a generated image beside its nearest training images, by what it
 * shows (classifier features) and by how it looks (pixels); and a checkpoint's copy rate over many
 * samples with the closest sample/training pairs side by side.
 */
import { evaluationClasses, runClassMix } from '../evaluation/class-mix';
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { exploreEngineRequests } from '../protocol/explore';
import { evaluationDirOf } from '../../project/layout';
import { runDataset } from '../../project/run-file';
import { tileGrid, toBytes } from '../image/grid';
import { toPngImage } from '../image/png';
import { classifierExtractor, classifierFor } from '../evaluation/classifier';
import { evalDataset, evalSourceOf } from '../evaluation/datasets';
import { extractAll, fitImages, type FeatureExtractor } from '../evaluation/extractor';
import { features } from '../evaluation/features';
import { copyCheck, nearestRows, type Neighbour } from '../evaluation/memorisation';
import { realFeatures } from '../evaluation/reference';
import type { LabelledImages } from '../dataset/mnist-demo';
import { composeLatents, latentSpaceOf, latentsForSeeds, type DirectionVectors, type LoadedGenerator } from '../sampling';

type NearestInput = z.output<(typeof exploreEngineRequests)['explore.nearest']['input']>;
type CopiesInput = z.output<(typeof exploreEngineRequests)['explore.copies']['input']>;

const PAIRS_SHOWN = 8;
const GRID = { padding: 2, background: 40 } as const;

interface RunData {
  data: LabelledImages;
  extractor: FeatureExtractor;
  real: Awaited<ReturnType<typeof realFeatures>>;
}

/** The run's dataset, its classifier as a feature extractor, and the real features (cached in the project). */
async function runData(runDir: string, projectDir: string, signal?: AbortSignal): Promise<RunData> {
  const source = evalSourceOf(await runDataset(runDir), projectDir);
  const dataset = await evalDataset(source);
  const data = await dataset.load();
  const extractor = classifierExtractor(await classifierFor(source, { cacheDir: evaluationDirOf(projectDir), ...(signal ? { signal } : {}) }));
  try {
    const real = await realFeatures(dataset, extractor, evaluationDirOf(projectDir), { data: async () => data, ...(signal ? { signal } : {}) });
    return { data, extractor, real };
  } catch (err) {
    extractor.dispose();
    throw err;
  }
}

/** Training images `rows` as [−1, 1] pixels at the generator's shape (resized when the run trained at another size). */
export function trainingImages(data: LabelledImages, rows: readonly number[], shape: readonly [number, number, number]): Float32Array {
  const pixels = data.width * data.height * data.channels;
  const raw = new Float32Array(rows.length * pixels);
  rows.forEach((row, i) => {
    for (let p = 0; p < pixels; p++) raw[i * pixels + p] = data.images[row * pixels + p]! / 127.5 - 1;
  });
  return tf.tidy(() => fitImages(tf.tensor4d(raw, [rows.length, data.height, data.width, data.channels]), shape[0], shape[1], shape[2]).dataSync() as Float32Array);
}

/**
 * The k training images nearest to `image` ([−1, 1] pixels at `shape`) by pixels, as RMS distance
 * per pixel on a 0–1 scale. In chunks at the generator's shape, yielding between them so a cancel
 * (`signal`) or another request gets in.
 */
export async function nearestByPixels(data: LabelledImages, image: Float32Array, shape: readonly [number, number, number], k: number, signal?: AbortSignal): Promise<Neighbour[]> {
  const CHUNK = 1024;
  let best: Neighbour[] = [];
  for (let start = 0; start < data.count; start += CHUNK) {
    if (signal?.aborted) throw new Error('Cancelled.');
    const rows = Array.from({ length: Math.min(CHUNK, data.count - start) }, (_, i) => start + i);
    const found = nearestRows(image, trainingImages(data, rows, shape), rows.length, image.length, k).map((m) => ({ row: m.row + start, distance: m.distance }));
    best = [...best, ...found].sort((a, b) => a.distance - b.distance).slice(0, k);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return best.map((m) => ({ row: m.row, distance: m.distance / 2 / Math.sqrt(image.length) }));
}

/** n images of the generator's shape side by side in rows of `cols`, as a PNG. */
export function grid(pixels: Float32Array, n: number, shape: readonly [number, number, number], cols: number) {
  return toPngImage(tileGrid(toBytes(pixels), n, shape[0], shape[1], shape[2], { rows: Math.ceil(n / cols), cols, ...GRID }));
}

export async function nearestTraining(g: LoadedGenerator, input: NearestInput) {
  const vectors: DirectionVectors = new Map(input.directions.map(({ id, vector }) => [id, Float32Array.from(vector)]));
  const { z, classes } = composeLatents(input.spec, latentSpaceOf(g), vectors);
  const sample = await g.generate(z, classes);
  const shape = g.imageShape;
  const { data, extractor, real } = await runData(input.runDir, input.projectDir);
  try {
    const queryFeatures = (await extractAll(extractor, { n: 1, shape, read: async () => sample })).features;
    const byFeatures = nearestRows(queryFeatures.data, real.features.data, real.features.n, real.features.dim, input.k).map((m) => ({ ...m, row: real.rows[m.row]! }));
    const size = sample.length;
    const byPixels = await nearestByPixels(data, sample, shape, input.k);
    const rows = [...byFeatures, ...byPixels].map((m) => m.row);
    const neighbours = trainingImages(data, rows, shape);
    const cols = input.k + 1;
    const tiles = new Float32Array(2 * cols * size);
    for (let r = 0; r < 2; r++) {
      tiles.set(sample, r * cols * size);
      tiles.set(neighbours.subarray(r * input.k * size, (r + 1) * input.k * size), (r * cols + 1) * size);
    }
    const name = (row: number) => imageName(data, row);
    return {
      checkpoint: checkpointOf(g),
      image: await grid(tiles, 2 * cols, shape, cols),
      byFeatures: byFeatures.map((m) => ({ ...m, name: name(m.row) })),
      byPixels: byPixels.map((m) => ({ ...m, name: name(m.row) })),
      extractor: extractor.label,
    };
  } finally {
    extractor.dispose();
  }
}

export async function copiesOfTraining(g: LoadedGenerator, input: CopiesInput) {
  const { data, extractor, real } = await runData(input.runDir, input.projectDir);
  try {
    const seeds = Array.from({ length: input.samples }, (_, i) => input.seed + i);
    // Clusters and dataset classes in the data's own mix, as the Evaluate view draws them.
    const mix = await runClassMix(input.runDir, g.config.model, async () => data.labels);
    const picks = evaluationClasses(g.numClasses, seeds.length, mix);
    const classes = picks ? Array.from(picks) : undefined;
    const source = {
      n: seeds.length,
      shape: g.imageShape,
      read: (start: number, count: number) =>
        g.generate(latentsForSeeds(seeds.slice(start, start + count), g.zDim, g.config.model.zDistribution), classes?.slice(start, start + count)),
    };
    const fake = (await extractAll(extractor, source)).features;
    const check = await copyCheck(fake, features(real.features.data, real.features.n, real.features.dim));
    const closest = check.nearest
      .map((m, i) => ({ i, row: real.rows[m.row]!, distance: m.distance }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, PAIRS_SHOWN);
    const size = g.imageShape[0] * g.imageShape[1] * g.imageShape[2];
    const samples = await Promise.all(closest.map((c) => source.read(c.i, 1)));
    const tiles = new Float32Array(2 * closest.length * size);
    samples.forEach((pixels, k) => tiles.set(pixels, k * size));
    tiles.set(trainingImages(data, closest.map((c) => c.row), g.imageShape), closest.length * size);
    return {
      checkpoint: checkpointOf(g),
      samples: input.samples,
      rate: check.rate,
      realRate: check.realRate,
      threshold: check.threshold,
      image: closest.length ? await grid(tiles, 2 * closest.length, g.imageShape, closest.length) : null,
      pairs: closest.map((c) => ({ seed: seeds[c.i]!, row: c.row, name: imageName(data, c.row), distance: c.distance, copy: c.distance < check.threshold })),
      extractor: extractor.label,
    };
  } finally {
    extractor.dispose();
  }
}

/** "training image 812 (class 7)": how a view names a training image. */
export function imageName(data: LabelledImages, row: number): string {
  const label = data.labels[row] ?? -1;
  return `training image ${(row + 1).toLocaleString('en-US')}${label >= 0 && data.classNames[label] ? ` (class ${data.classNames[label]})` : ''}`;
}

export function checkpointOf(g: LoadedGenerator): { runId: string; file: string; step: number } {
  return { runId: g.identity.runId, file: g.identity.file, step: g.identity.step };
}
