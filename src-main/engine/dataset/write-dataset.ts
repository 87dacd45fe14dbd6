/**
 * The write side of an import: shards, mean.f32 and manifest.json into the staging folder. Images
 * go in a seeded random order, so any shard is a random sample of the whole set (see shards.ts).
 * When the set of images is exactly the previous one, the previous shards are hard-linked instead.
 */
import { copyFile, link } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '../rng';
import { MANIFEST_VERSION, MEAN_FILE, writeManifest, type Manifest } from './manifest';
import { bytesPerImage, type ImportOptions } from './options';
import type { Assembly } from './plan';
import { ProgressMeter } from './progress';
import { openDataset, shuffled } from './shards';
import { readFully } from './shard-format';
import { ShardWriter } from './shard-writer';
import { throwIfCancelled, type ImportProgress } from './types';
import { DECODE_RULES } from './decode';

// Images read ahead from their sources while writing shards: enough to hide pread latency, capped
// in bytes so 512-px images do not hold hundreds of MB.
const READ_AHEAD_IMAGES = 256;
const READ_AHEAD_BYTES = 16 * 1024 * 1024;

export interface WriteTarget {
  dir: string;
  /** The import folder, resolved through symlinks. */
  sourceDir: string;
  /** The dataset's name as people see it. */
  name?: string | undefined;
  options: ImportOptions;
  assembly: Assembly;
}

export interface PreviousDataset {
  dir: string;
  manifest: Manifest;
}

export interface PixelSource {
  read(hash: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Pixels by content hash: decoded in this run (the temp file), else from the previous dataset. */
export async function pixelSource(
  options: ImportOptions,
  newPixels: FileHandle,
  offsets: ReadonlyMap<string, number>,
  previous: PreviousDataset | null,
): Promise<PixelSource> {
  const oldIndex = new Map<string, number>();
  for (const row of previous?.manifest.files ?? []) {
    if (row.status === 'ok' && row.hash && row.index !== undefined) oldIndex.set(row.hash, row.index);
  }
  const oldReader = previous && oldIndex.size > 0 ? await openDataset(previous.dir) : null;
  return {
    async read(hash) {
      const offset = offsets.get(hash);
      if (offset !== undefined) {
        const image = new Uint8Array(bytesPerImage(options));
        await readFully(newPixels, image, offset);
        return image;
      }
      const index = oldIndex.get(hash);
      if (index === undefined || !oldReader) throw new Error(`pixels for ${hash} are in neither the new nor the old dataset`);
      return oldReader.readImage(index);
    },
    close: async () => oldReader?.close(),
  };
}

/** Writes every kept image. */
export async function writeDataset(
  target: WriteTarget,
  readPixels: (hash: string) => Promise<Uint8Array>,
  control: { signal?: AbortSignal; onProgress?: (p: ImportProgress) => void },
): Promise<void> {
  const { kept, classNames } = target.assembly;
  const writer = new ShardWriter(target.dir, target.options, kept.length);
  const order = shuffled(kept.length, new Rng(0x5eed ^ kept.length));
  const classIndex = new Map(classNames.map((name, i) => [name, i]));
  const meter = new ProgressMeter('write', order.length, control.onProgress);
  const ahead = Math.max(1, Math.min(READ_AHEAD_IMAGES, Math.floor(READ_AHEAD_BYTES / bytesPerImage(target.options))));
  for (let start = 0; start < order.length; start += ahead) {
    throwIfCancelled(control.signal);
    const rows = Array.from(order.subarray(start, start + ahead), (k) => kept[k]!);
    const images = await Promise.all(rows.map((row) => readPixels(row.hash!)));
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      row.index = start + i;
      await writer.add(images[i]!, row.label === null ? -1 : (classIndex.get(row.label) ?? -1));
    }
    meter.tick(rows.length);
  }
  const written = await writer.finish();
  meter.finish();
  await writeManifest(target.dir, manifestFor(target, written));
}

/**
 * The fast path of a re-import that changed nothing in the dataset itself (same images under the
 * same labels; only skipped entries or timestamps differ): the shards would come out byte for
 * byte the same, so they are linked, not rewritten. Returns false when that does not apply.
 */
export async function linkUnchanged(target: WriteTarget, { dir: previousDir, manifest: previous }: PreviousDataset): Promise<boolean> {
  const { kept, classNames } = target.assembly;
  const before = previous.files.filter((r) => r.status === 'ok');
  const same =
    before.length === kept.length &&
    classNames.join('\0') === previous.classNames.join('\0') &&
    before.every((r, i) => r.path === kept[i]!.path && r.hash === kept[i]!.hash && r.label === kept[i]!.label);
  if (!same) return false;
  // Hard links share the bytes (files here are only ever replaced, never written in place); the
  // old folder is deleted after the swap and the links survive it.
  const share = (file: string) => link(join(previousDir, file), join(target.dir, file)).catch(() => copyFile(join(previousDir, file), join(target.dir, file)));
  for (const shard of previous.shards) await share(shard.file);
  await share(MEAN_FILE).catch(() => {}); // optional: meanImage() recomputes it when absent
  kept.forEach((row, i) => (row.index = before[i]!.index));
  await writeManifest(target.dir, manifestFor(target, { shards: previous.shards, imagesPerShard: previous.imagesPerShard }));
  return true;
}

function manifestFor(target: WriteTarget, layout: Pick<Manifest, 'shards' | 'imagesPerShard'>): Manifest {
  const { options, assembly } = target;
  return {
    format: 'gan-studio-dataset',
    version: MANIFEST_VERSION,
    createdAt: new Date().toISOString(),
    sourceDir: target.sourceDir,
    ...(target.name ? { name: target.name } : {}),
    options,
    decodeRules: DECODE_RULES,
    width: options.width,
    height: options.height,
    channels: options.channels,
    count: assembly.kept.length,
    imagesPerShard: layout.imagesPerShard,
    classNames: assembly.classNames,
    shards: layout.shards,
    files: assembly.rows,
  };
}
