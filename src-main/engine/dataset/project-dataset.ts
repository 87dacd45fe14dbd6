/**
 * The project's imported dataset (dataset/ in the workspace) as the rest of the engine uses it: a
 * summary and mean image for the Data view, and what training samples from — the images in memory
 * when they fit (see training-data.ts for the streamed alternative).
 */
import { join } from 'node:path';
import { datasetDirOf } from '../../project/layout';
import { stat } from 'node:fs/promises';
import { openDataset, type DatasetReader } from './';
import type { DatasetSummary, PngImage } from '../../api/schemas';
import { tileGrid } from '../image/grid';
import { toPngImage } from '../image/png';
import type { LabelledImages } from './mnist-demo';
import { shuffled } from './shards';
import { Rng } from '../rng';

/** loadIntoMemory refuses more than this; training streams such datasets instead. */
const MAX_IN_MEMORY_BYTES = 2 ** 31;


export async function hasProjectDataset(projectDir: string): Promise<boolean> {
  return stat(join(datasetDirOf(projectDir), 'manifest.json')).then(() => true, () => false);
}

export const imageBytesOf = (reader: DatasetReader) => reader.width * reader.height * reader.channels;

export async function loadIntoMemory(reader: DatasetReader): Promise<LabelledImages> {
  const pixels = imageBytesOf(reader);
  if (reader.count * pixels > MAX_IN_MEMORY_BYTES) {
    throw new Error(`The dataset is ${(reader.count * pixels / 2 ** 30).toFixed(1)} GiB at this resolution; at most 2 GiB are loaded into memory. Import at a lower resolution.`);
  }
  const images = new Uint8Array(reader.count * pixels);
  const labels = new Int32Array(reader.count);
  let offset = 0;
  for await (const batch of reader.batches(1024, 1)) {
    images.set(batch.images, offset * pixels);
    labels.set(batch.labels, offset);
    offset += batch.labels.length;
  }
  return { images, labels, count: reader.count, width: reader.width, height: reader.height, channels: reader.channels, classNames: [...reader.classNames] };
}

/**
 * The whole dataset when it fits in `maxBytes`, else a seeded random sample that does (the same
 * images every time for the same dataset): what evaluation needs, which never uses more than a few
 * thousand real images, without loading a dataset that only trains as a stream.
 */
export async function loadProjectSample(projectDir: string, maxBytes: number, seed = 0x5a3e): Promise<LabelledImages> {
  const reader = await openDataset(datasetDirOf(projectDir));
  try {
    const pixels = imageBytesOf(reader);
    const keep = Math.max(1, Math.floor(maxBytes / pixels));
    if (reader.count <= keep) return await loadIntoMemory(reader);
    const picked = Array.from(shuffled(reader.count, new Rng(seed)).subarray(0, keep)).sort((a, b) => a - b);
    const images = new Uint8Array(keep * pixels);
    const labels = new Int32Array(keep);
    for (let from = 0; from < keep; from += SAMPLE_READ_CHUNK) {
      const indices = picked.slice(from, from + SAMPLE_READ_CHUNK);
      const read = await reader.readImages(indices);
      read.forEach((image, k) => {
        images.set(image, (from + k) * pixels);
        labels[from + k] = reader.labels[indices[k]!]!;
      });
    }
    return { images, labels, count: keep, width: reader.width, height: reader.height, channels: reader.channels, classNames: [...reader.classNames] };
  } finally {
    await reader.close();
  }
}

/** Images read per call while sampling: one pass over the shards in storage order, in bounded steps. */
const SAMPLE_READ_CHUNK = 4096;

export async function describeDataset(reader: DatasetReader, name: string): Promise<DatasetSummary> {
  const counts = new Map<number, number>();
  for (const label of reader.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const shown = Math.min(40, reader.count);
  const pixels = reader.width * reader.height * reader.channels;
  const batch = new Uint8Array(shown * pixels);
  (await reader.readImages(Array.from({ length: shown }, (_, i) => i))).forEach((image, i) => batch.set(image, i * pixels));
  const grid = tileGrid(batch, shown, reader.height, reader.width, reader.channels, { rows: Math.ceil(shown / 10), cols: 10, padding: 2, background: 40 });
  return {
    id: 'project',
    name,
    source: reader.manifest.sourceDir,
    count: reader.count,
    width: reader.width,
    height: reader.height,
    channels: reader.channels,
    classes: reader.classNames.map((className, i) => ({ name: className, count: counts.get(i) ?? 0 })),
    preview: await toPngImage(grid),
  };
}

/** The per-pixel mean of every image, as a picture: what the "average" training image looks like. */
export async function meanImagePng(reader: DatasetReader): Promise<PngImage> {
  const mean = await reader.meanImage();
  return toPngImage({ data: Uint8Array.from(mean, (v) => Math.round(v)), width: reader.width, height: reader.height, channels: reader.channels });
}
