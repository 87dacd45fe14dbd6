/**
 * The project's imported datasets (dataset/ and datasets/<id>/ in the workspace) as the rest of the
 * engine uses them: the list, a summary and mean image for the Data view, and what training samples
 * from — the images in memory when they fit (see training-data.ts for the streamed alternative).
 */
import { basename, join } from 'node:path';
import { DATASETS_DIR, datasetDirOf, runDirOf, runsDirOf } from '../../project/layout';
import { runDataset } from '../../project/run-file';
import { readdir, stat } from 'node:fs/promises';
import type { DatasetRef, ProjectDatasetRef } from '../../api/schemas';
import { readManifest, type Manifest } from './manifest';
import { StudioError } from '../../api/rpc';
import { openDataset, type DatasetReader } from './';
import type { DatasetSummary, PngImage } from '../../api/schemas';
import { tileGrid } from '../image/grid';
import { toPngImage } from '../image/png';
import type { LabelledImages } from './mnist-demo';
import { shuffled } from './shards';
import { Rng } from '../rng';

/** loadIntoMemory refuses more than this; training streams such datasets instead. */
const MAX_IN_MEMORY_BYTES = 2 ** 31;


export async function hasDataset(datasetDir: string): Promise<boolean> {
  return stat(join(datasetDir, 'manifest.json')).then(() => true, () => false);
}

/** The error for a dataset that is not (or no longer) in the project. */
export function noDataset(dataset: ProjectDatasetRef): StudioError {
  return new StudioError({
    code: 'invalid-request',
    message:
      dataset === 'project'
        ? 'This project has no imported dataset yet: import an image folder first.'
        : `The dataset “${dataset.slice('project:'.length)}” is not in this project (was it deleted?): import its folder again, or pick another dataset.`,
  });
}

/** Every dataset of the project that has a manifest: the first one ("project"), then the others by id. */
export async function projectDatasetRefs(projectDir: string): Promise<ProjectDatasetRef[]> {
  const others = await readdir(join(projectDir, DATASETS_DIR), { withFileTypes: true }).catch(() => []);
  const refs: ProjectDatasetRef[] = ['project', ...others.filter((e) => e.isDirectory() && /^[a-z0-9][a-z0-9-]{0,39}$/.test(e.name)).map((e) => `project:${e.name}`)];
  const present = await Promise.all(refs.map((ref) => hasDataset(datasetDirOf(projectDir, ref))));
  return refs.filter((_, i) => present[i]);
}

/**
 * A new dataset's ref: "project" for the project's first, else an id from the name, made unique.
 * A ref a run still names (its dataset was deleted) is never given out again: that run would train,
 * resume or be evaluated on other images without a word.
 */
export async function newDatasetRef(projectDir: string, name: string): Promise<ProjectDatasetRef> {
  const named = await refsNamedByRuns(projectDir);
  if (!(await hasDataset(datasetDirOf(projectDir))) && !named.has('project') && (await projectDatasetRefs(projectDir)).length === 0) return 'project';
  const base = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'dataset';
  const taken = new Set(await readdir(join(projectDir, DATASETS_DIR)).catch(() => []));
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!taken.has(id) && !named.has(`project:${id}`)) return `project:${id}`;
  }
}

/** The datasets the project's runs trained on (their run.json). */
async function refsNamedByRuns(projectDir: string): Promise<Set<string>> {
  const runs = await readdir(runsDirOf(projectDir)).catch(() => [] as string[]);
  const refs = await Promise.all(runs.map((runId) => runDataset(runDirOf(projectDir, runId)).catch(() => null)));
  return new Set(refs.filter((r): r is NonNullable<typeof r> => r !== null));
}

/** The dataset of the project with this name (case-insensitive), or null: where a re-import of the same folder goes. */
export async function datasetNamed(projectDir: string, name: string): Promise<ProjectDatasetRef | null> {
  for (const ref of await projectDatasetRefs(projectDir)) {
    const manifest = await readManifest(datasetDirOf(projectDir, ref));
    if (manifest && datasetName(manifest).toLowerCase() === name.trim().toLowerCase()) return ref;
  }
  return null;
}

/** The name people know a dataset by: the one recorded at import, else (older imports) its folder's. */
export function datasetName(manifest: Pick<Manifest, 'name' | 'sourceDir'>): string {
  if (manifest.name) return manifest.name;
  const folder = basename(manifest.sourceDir);
  // An upload's folder is a random id, not a name anyone chose.
  return /^[a-f0-9]{32}$/.test(folder) ? 'Imported images' : folder;
}

/** How messages about a run's data name it: the demo, or the dataset by the name people know it by. */
export async function datasetTitle(projectDir: string, dataset: DatasetRef): Promise<string> {
  if (dataset === 'demo:mnist') return 'The MNIST demo digits';
  const manifest = await readManifest(datasetDirOf(projectDir, dataset)).catch(() => null);
  return manifest ? `“${datasetName(manifest)}”` : dataset;
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
export async function loadDatasetSample(datasetDir: string, maxBytes: number, seed = 0x5a3e): Promise<LabelledImages> {
  const reader = await openDataset(datasetDir);
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

/** What the pickers list of a dataset: its name, source, size, shape and classes. */
export function datasetFacts(reader: DatasetReader, ref: ProjectDatasetRef): Omit<DatasetSummary, 'preview'> {
  const counts = new Map<number, number>();
  for (const label of reader.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return {
    id: ref,
    name: datasetName(reader.manifest),
    source: reader.manifest.sourceDir,
    count: reader.count,
    width: reader.width,
    height: reader.height,
    channels: reader.channels,
    classes: reader.classNames.map((className, i) => ({ name: className, count: counts.get(i) ?? 0 })),
  };
}

export async function describeDataset(reader: DatasetReader, ref: ProjectDatasetRef): Promise<DatasetSummary> {
  const shown = Math.min(40, reader.count);
  const pixels = reader.width * reader.height * reader.channels;
  const batch = new Uint8Array(shown * pixels);
  (await reader.readImages(Array.from({ length: shown }, (_, i) => i))).forEach((image, i) => batch.set(image, i * pixels));
  const grid = tileGrid(batch, shown, reader.height, reader.width, reader.channels, { rows: Math.ceil(shown / 10), cols: 10, padding: 2, background: 40 });
  return { ...datasetFacts(reader, ref), preview: await toPngImage(grid) };
}

/** The per-pixel mean of every image, as a picture: what the "average" training image looks like. */
export async function meanImagePng(reader: DatasetReader): Promise<PngImage> {
  const mean = await reader.meanImage();
  return toPngImage({ data: Uint8Array.from(mean, (v) => Math.round(v)), width: reader.width, height: reader.height, channels: reader.channels });
}
