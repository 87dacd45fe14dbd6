/**
 * The datasets evaluation compares against — the built-in digits or a project's import — with a
 * key that changes whenever the images do, so cached classifiers and real-set features never
 * outlive the data they were computed from.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../api/rpc';
import { loadMnistDemo, type LabelledImages } from '../dataset/mnist-demo';
import { datasetName, hasDataset, loadDatasetSample } from '../dataset/project-dataset';
import { readManifest } from '../dataset/manifest';
import { openDataset } from '../dataset/shards';
import type { DatasetRef } from '../../api/training';
import { datasetDirOf, projectOfRun } from '../../project/layout';
import { runDataset } from '../../project/run-file';

export interface EvalDataset {
  /** File-name-safe identity, e.g. "demo-mnist" or "project-3fa2…". */
  key: string;
  label: string;
  load(): Promise<LabelledImages>;
  /** Every image's class (−1: none), without reading pixels: a conditional model's class mix. */
  labels(): Promise<Int32Array>;
}

export const DEMO_SOURCE = 'demo:mnist';

/**
 * Real images evaluation holds in memory at most: the classifier trains on them and up to
 * MAX_REAL are featurised. A larger dataset (one that trains as a stream) is sampled.
 */
export const EVAL_MAX_BYTES = 512 * 2 ** 20;

/** `source` is "demo:mnist" or a dataset folder of a project (datasetDirOf). */
export async function evalDataset(source: string): Promise<EvalDataset> {
  if (source === DEMO_SOURCE) return { key: 'demo-mnist', label: 'MNIST digits (demo)', load: async () => loadMnistDemo(), labels: async () => loadMnistDemo().labels };
  if (!(await hasDataset(source))) {
    throw new StudioError({ code: 'invalid-request', message: `The dataset in ${source} is not there (deleted, or never imported): import its folder again, or train on another dataset.` });
  }
  // The manifest changes with every import (it records each file's hash), so its digest names the
  // data. It is read and hashed again only when the file changed (it is replaced atomically).
  const file = join(source, 'manifest.json');
  const { mtimeMs, size, ino } = await stat(file);
  const stamp = `${mtimeMs}/${size}/${ino}`;
  let named = manifestNames.get(source);
  if (named?.stamp !== stamp) {
    const digest = createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 16);
    const manifest = await readManifest(source);
    named = { stamp, key: `project-${digest}`, label: manifest ? datasetName(manifest) : 'the project dataset' };
    manifestNames.set(source, named);
  }
  return { key: named.key, label: named.label, load: () => loadDatasetSample(source, EVAL_MAX_BYTES), labels: () => datasetLabels(source) };
}

async function datasetLabels(source: string): Promise<Int32Array> {
  const reader = await openDataset(source);
  try {
    return reader.labels;
  } finally {
    await reader.close();
  }
}

/** Each dataset folder's key and name, with the manifest's stat they were read from. */
const manifestNames = new Map<string, { stamp: string; key: string; label: string }>();

/** Where a dataset's evaluation source is: "demo:mnist" or the dataset's folder. */
export function evalSourceOf(dataset: DatasetRef, projectDir: string): string {
  return dataset === 'demo:mnist' ? DEMO_SOURCE : datasetDirOf(projectDir, dataset);
}

/** The evaluation source of a run: "demo:mnist" or the folder of the dataset it trained on. */
export async function runEvalSource(runDir: string): Promise<string> {
  return evalSourceOf(await runDataset(runDir), projectOfRun(runDir));
}
