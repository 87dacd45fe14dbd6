/**
 * The imported images in the order people know them (source path order) with their classes, for
 * the Data view's thumbnail grid. Built once per import: a 50,000-image manifest takes a while to
 * parse, and the grid asks for a page at every scroll.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openDataset, type DatasetReader } from './';
import { MANIFEST_FILE } from './manifest';
import { compare } from './scan';

export interface DatasetCatalog {
  readonly reader: DatasetReader;
  /** Changes with every import. */
  readonly version: string;
  /** Per image in path order: its source path, storage index and class (-1: unlabelled). */
  readonly paths: readonly string[];
  readonly storageIndex: Int32Array;
  readonly labels: Int32Array;
  /** Positions (into the arrays above) of the images of one class, or of all when label is undefined. */
  select(label: number | undefined): Int32Array;
}

interface Cached {
  key: string;
  catalog: Promise<DatasetCatalog>;
}

const cache = new Map<string, Cached>();

/** A dataset folder's catalog, rebuilt only when its manifest file changes (a new import). */
export async function datasetCatalog(dir: string): Promise<DatasetCatalog> {
  const info = await stat(join(dir, MANIFEST_FILE));
  const key = `${info.mtimeMs}:${info.size}:${info.ino}`;
  const hit = cache.get(dir);
  if (hit?.key === key) return hit.catalog;
  const catalog = buildCatalog(dir);
  cache.set(dir, { key, catalog });
  catalog.catch(() => cache.delete(dir));
  return catalog;
}

/** Closes and drops a folder's cached catalog (its open shard files), before the folder is deleted. */
export async function forgetCatalog(dir: string): Promise<void> {
  const hit = cache.get(dir);
  cache.delete(dir);
  await hit?.catalog.then((c) => c.reader.close(), () => undefined);
}

async function buildCatalog(dir: string): Promise<DatasetCatalog> {
  const reader = await openDataset(dir);
  const rows = reader.manifest.files
    .filter((row) => row.status === 'ok' && row.index !== undefined)
    .sort((a, b) => compare(a.path, b.path));
  const storageIndex = Int32Array.from(rows, (row) => row.index!);
  const labels = Int32Array.from(storageIndex, (index) => reader.labels[index]!);
  const selections = new Map<number | undefined, Int32Array>();
  return {
    reader,
    version: datasetVersion(reader),
    paths: rows.map((row) => row.path),
    storageIndex,
    labels,
    select(label) {
      let chosen = selections.get(label);
      if (!chosen) {
        chosen = label === undefined ? Int32Array.from(rows, (_, i) => i) : Int32Array.from(positionsOf(labels, label));
        selections.set(label, chosen);
      }
      return chosen;
    },
  };
}

/** Identifies one import of a dataset (the manifest is rewritten by every import). */
export function datasetVersion(reader: DatasetReader): string {
  return `${reader.manifest.createdAt}/${reader.count}`;
}

function* positionsOf(labels: Int32Array, label: number): Generator<number> {
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) yield i;
}
