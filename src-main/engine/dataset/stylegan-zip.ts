/**
 * Export in the layout of StyleGAN2-ADA's dataset_tool.py: `00000/img00000000.png`, … (1000 per
 * folder) plus `dataset.json` = {"labels": [["00000/img00000000.png", 3], …]}, or
 * {"labels": null} unless every image has a class (what dataset_tool writes too).
 *
 * Entries go to an ArchiveSink: zipSink() (zip-sink.ts) for the dataset.zip StyleGAN2-ADA's
 * dataset_tool.py makes, or folderSink() for the same layout as a folder, which its
 * ImageFolderDataset reads too.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { syncDir } from '../../project/atomic';
import { openDataset } from './shards';
import { compare } from './scan';
import { DatasetError } from './types';

export interface ArchiveSink {
  /** Called in order, one entry at a time. */
  add(name: string, data: Uint8Array): Promise<void>;
  /** Makes the archive visible at its final place. */
  close(): Promise<void>;
  /** Leaves nothing behind. */
  abort(): Promise<void>;
}

export interface StyleGanExportResult {
  images: number;
  labelled: boolean;
  /** Things StyleGAN2-ADA's training will object to, worth telling the user before they upload. */
  warnings: string[];
}

export interface ExportControl {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

// PNG encodes in flight at once; sharp runs them on libuv's thread pool.
const ENCODE_AHEAD = 8;

export function styleGanImageName(i: number): string {
  return `${String(Math.floor(i / 1000)).padStart(5, '0')}/img${String(i).padStart(8, '0')}.png`;
}

export async function exportStyleGan(datasetDir: string, sink: ArchiveSink, control: ExportControl = {}): Promise<StyleGanExportResult> {
  const reader = await openDataset(datasetDir);
  try {
    // Source path order, so img00000000 is the first file of the folder as the user sees it.
    const rows = reader.manifest.files
      .filter((r) => r.status === 'ok' && r.index !== undefined)
      .sort((a, b) => compare(a.path, b.path));
    const labels = rows.map((r) => (r.index === undefined ? -1 : reader.labels[r.index]!));
    const labelled = reader.classNames.length > 0 && labels.every((l) => l >= 0);
    const { width, height, channels } = reader;
    const encode = async (index: number) => {
      const image = sharp(await reader.readImage(index), { raw: { width, height, channels } });
      // sharp writes single-channel raw input as RGB unless told; StyleGAN2-ADA takes its channel
      // count from the PNGs, so a grey dataset must stay grey ('L' in PIL).
      return (channels === 1 ? image.toColourspace('b-w') : image).png({ compressionLevel: 6 }).toBuffer();
    };
    const entries: [string, number][] = [];
    for (let start = 0; start < rows.length; start += ENCODE_AHEAD) {
      if (control.signal?.aborted) throw new DatasetError('cancelled', 'Export cancelled.');
      const chunk = rows.slice(start, start + ENCODE_AHEAD);
      const pngs = await Promise.all(chunk.map((r) => encode(r.index!)));
      for (let k = 0; k < chunk.length; k++) {
        const name = styleGanImageName(start + k);
        await sink.add(name, pngs[k]!);
        entries.push([name, labels[start + k]!]);
      }
      control.onProgress?.(Math.min(start + ENCODE_AHEAD, rows.length), rows.length);
    }
    const json = { labels: labelled ? entries : null };
    await sink.add('dataset.json', Buffer.from(JSON.stringify(json)));
    await sink.close();
    return { images: rows.length, labelled, warnings: styleGanWarnings(width, height, reader.classNames.length > 0 && !labelled) };
  } catch (err) {
    await sink.abort().catch(() => {});
    throw err;
  } finally {
    await reader.close();
  }
}

export function styleGanWarnings(width: number, height: number, partlyLabelled: boolean): string[] {
  const warnings: string[] = [];
  const pow2 = (n: number) => (n & (n - 1)) === 0;
  if (width !== height || !pow2(width)) {
    warnings.push(`StyleGAN2-ADA trains on square power-of-two images; these are ${width}×${height}.`);
  }
  if (partlyLabelled) warnings.push('Some images have no class (they sit at the top level of the folder), so labels were left out.');
  return warnings;
}

/** Writes the export as a folder, built beside `target` and renamed into place when complete. */
export function folderSink(target: string): ArchiveSink {
  const partial = join(dirname(target), `.${basename(target)}.partial-${randomBytes(4).toString('hex')}`);
  const made = new Set<string>();
  return {
    async add(name, data) {
      const path = join(partial, name);
      const dir = dirname(path);
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        made.add(dir);
      }
      await writeFile(path, data);
    },
    async close() {
      await mkdir(partial, { recursive: true });
      await syncDir(partial);
      const exists = await stat(target).then(() => true, () => false);
      if (exists) throw new Error(`${target} already exists`);
      await rename(partial, target);
      await syncDir(dirname(target));
    },
    async abort() {
      await rm(partial, { recursive: true, force: true });
    },
  };
}
