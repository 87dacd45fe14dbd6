/**
 * Reading an imported dataset. Training streams it one shard at a time (plus one prefetched), so
 * memory stays at about two shards (≤ 128 MB) however large the dataset is. Images were written
 * in a random order at import, so a shard is a random sample rather than one class folder, and
 * shuffling the shard order plus the images within a shard mixes classes in every batch.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '../rng';
import { writeFileAtomic } from '../../project/atomic';
import { MEAN_FILE, readManifest, type Manifest } from './manifest';
import { readFully, readShard, SHARD_HEADER_BYTES } from './shard-format';
import { locateDataset } from './staging';
import { DatasetError } from './types';

export interface DatasetBatch {
  /** n × height × width × channels bytes. */
  images: Uint8Array;
  labels: Int32Array;
}

export interface BatchOptions {
  /** Leave out the last, smaller batch of the epoch. */
  dropRemainder?: boolean;
}

export interface DatasetReader {
  readonly dir: string;
  readonly manifest: Manifest;
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly classNames: readonly string[];
  /** Class index per image in storage order; -1 where unlabelled. */
  readonly labels: Int32Array;
  /** Per-pixel mean (0..255, HWC): mean.f32, written at import, else computed from the shards once. */
  meanImage(): Promise<Float32Array>;
  /** One epoch in a seeded random order. */
  batches(batchSize: number, rngSeed: number, options?: BatchOptions): AsyncGenerator<DatasetBatch>;
  /** One image by storage index, for thumbnails. */
  readImage(index: number): Promise<Uint8Array>;
  /** Several images by storage index, in the order asked, opening each shard once. */
  readImages(indices: readonly number[]): Promise<Uint8Array[]>;
  /** Where image `index` lies: its shard file and the byte offset of its pixels there. */
  locate(index: number): { path: string; offset: number };
  close(): Promise<void>;
}

export async function openDataset(datasetDir: string): Promise<DatasetReader> {
  const dir = await locateDataset(datasetDir);
  const manifest = dir ? await readManifest(dir) : null;
  if (!dir || !manifest) {
    throw new DatasetError('invalid-dataset', 'No imported dataset here yet, or its manifest is unreadable. Import the images again.');
  }
  const stored = manifest.shards.reduce((n, s) => n + s.count, 0);
  if (stored !== manifest.count) {
    throw new DatasetError('invalid-dataset', `The dataset is inconsistent (${stored} images in shards, ${manifest.count} in the manifest). Import the images again.`);
  }
  return new ShardedDataset(dir, manifest);
}

/** Whether every shard the manifest lists is on disk with the size its count implies. */
export async function shardsIntact(dir: string, manifest: Manifest): Promise<boolean> {
  const imageBytes = manifest.width * manifest.height * manifest.channels;
  const sizes = await Promise.all(
    manifest.shards.map((s) => stat(join(dir, s.file)).then((st) => st.size, () => -1)),
  );
  return manifest.shards.every((s, i) => sizes[i] === SHARD_HEADER_BYTES + 4 * s.count + s.count * imageBytes);
}

class ShardedDataset implements DatasetReader {
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly classNames: readonly string[];
  readonly labels: Int32Array;
  readonly #imageBytes: number;

  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
  ) {
    this.count = manifest.count;
    this.width = manifest.width;
    this.height = manifest.height;
    this.channels = manifest.channels;
    this.classNames = manifest.classNames;
    this.#imageBytes = this.width * this.height * this.channels;
    const classIndex = new Map(manifest.classNames.map((name, i) => [name, i]));
    this.labels = new Int32Array(this.count).fill(-1);
    for (const row of manifest.files) {
      if (row.status === 'ok' && row.index !== undefined && row.label !== null) {
        this.labels[row.index] = classIndex.get(row.label) ?? -1;
      }
    }
  }

  async meanImage(): Promise<Float32Array> {
    try {
      const bytes = await readFile(join(this.dir, MEAN_FILE));
      if (bytes.length === 4 * this.#imageBytes) {
        const mean = new Float32Array(this.#imageBytes);
        for (let i = 0; i < mean.length; i++) mean[i] = bytes.readFloatLE(4 * i);
        return mean;
      }
    } catch {
      // Recomputed below from the shards.
    }
    const sum = new Float64Array(this.#imageBytes);
    for (const shard of this.manifest.shards) {
      const { pixels, header } = await readShard(join(this.dir, shard.file));
      for (let i = 0; i < header.count; i++) {
        const image = pixels.subarray(i * this.#imageBytes, (i + 1) * this.#imageBytes);
        for (let p = 0; p < image.length; p++) sum[p]! += image[p]!;
      }
    }
    const mean = Float32Array.from(sum, (s) => (this.count > 0 ? s / this.count : 0));
    // Cached for next time; a dataset folder that cannot be written to still has its mean.
    const bytes = Buffer.alloc(4 * mean.length);
    mean.forEach((v, i) => bytes.writeFloatLE(v, 4 * i));
    await writeFileAtomic(this.dir, MEAN_FILE, [bytes]).catch(() => undefined);
    return mean;
  }

  async *batches(batchSize: number, rngSeed: number, options: BatchOptions = {}): AsyncGenerator<DatasetBatch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    const rng = new Rng(rngSeed);
    const order = shuffled(this.manifest.shards.length, rng);
    const load = (k: number) => readShard(join(this.dir, this.manifest.shards[order[k]!]!.file));
    const bytes = this.#imageBytes;
    let images = new Uint8Array(batchSize * bytes);
    let labels = new Int32Array(batchSize);
    let filled = 0;
    let next = order.length > 0 ? load(0) : null;
    for (let k = 0; k < order.length; k++) {
      const shard = await next!;
      // Read the next shard while this one is consumed: at most two in memory.
      next = k + 1 < order.length ? load(k + 1) : null;
      next?.catch(() => {}); // surfaced when awaited; avoids an unhandled rejection if we stop early
      for (const i of shuffled(shard.header.count, rng)) {
        images.set(shard.pixels.subarray(i * bytes, (i + 1) * bytes), filled * bytes);
        labels[filled] = shard.labels[i]!;
        if (++filled === batchSize) {
          yield { images, labels };
          images = new Uint8Array(batchSize * bytes);
          labels = new Int32Array(batchSize);
          filled = 0;
        }
      }
    }
    if (filled > 0 && !options.dropRemainder) {
      yield { images: images.slice(0, filled * bytes), labels: labels.slice(0, filled) };
    }
  }

  async readImage(index: number): Promise<Uint8Array> {
    return (await this.readImages([index]))[0]!;
  }

  async readImages(indices: readonly number[]): Promise<Uint8Array[]> {
    const places = indices.map((index) => this.locate(index));
    const out: Uint8Array[] = new Array<Uint8Array>(indices.length);
    const byShard = new Map<string, number[]>();
    places.forEach((place, k) => {
      let ks = byShard.get(place.path);
      if (!ks) byShard.set(place.path, (ks = []));
      ks.push(k);
    });
    // A handle per call (not kept between calls) keeps concurrent reads simple and never pins a
    // replaced dataset; the offsets follow from the manifest, so each image is one pread.
    for (const [path, ks] of byShard) {
      const fh = await open(path, 'r');
      try {
        for (const k of ks) {
          const image = new Uint8Array(this.#imageBytes);
          await readFully(fh, image, places[k]!.offset);
          out[k] = image;
        }
      } finally {
        await fh.close();
      }
    }
    return out;
  }

  locate(index: number): { path: string; offset: number } {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`image index ${index} out of range 0..${this.count - 1}`);
    }
    const shardIndex = Math.floor(index / this.manifest.imagesPerShard);
    const shard = this.manifest.shards[shardIndex];
    if (!shard) throw new Error(`shard ${shardIndex} missing from the manifest`);
    const within = index - shardIndex * this.manifest.imagesPerShard;
    return { path: join(this.dir, shard.file), offset: SHARD_HEADER_BYTES + 4 * shard.count + within * this.#imageBytes };
  }

  async close(): Promise<void> {
    // Nothing is held between calls today; kept so callers need not change if that does.
  }
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function shuffled(n: number, rng: Rng): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
