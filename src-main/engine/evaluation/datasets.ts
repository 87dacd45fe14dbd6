/**
 * The datasets evaluation compares against — the built-in digits or a project's import — with a
 * key that changes whenever the images do, so cached classifiers and real-set features never
 * outlive the data they were computed from.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../api/rpc';
import { loadMnistDemo, type LabelledImages } from '../dataset/mnist-demo';
import { hasProjectDataset, loadProjectSample } from '../dataset/project-dataset';
import { datasetDirOf } from '../../project/layout';
import { runDataset } from '../../project/run-file';
import { projectOfRun } from '../../project/layout';

export interface EvalDataset {
  /** File-name-safe identity, e.g. "demo-mnist" or "project-3fa2…". */
  key: string;
  label: string;
  load(): Promise<LabelledImages>;
}

export const DEMO_SOURCE = 'demo:mnist';

/**
 * Real images evaluation holds in memory at most: the classifier trains on them and up to
 * MAX_REAL are featurised. A larger dataset (one that trains as a stream) is sampled.
 */
export const EVAL_MAX_BYTES = 512 * 2 ** 20;

/** `source` is "demo:mnist" or a project folder (its imported dataset). */
export async function evalDataset(source: string): Promise<EvalDataset> {
  if (source === DEMO_SOURCE) return { key: 'demo-mnist', label: 'MNIST digits (demo)', load: async () => loadMnistDemo() };
  if (!(await hasProjectDataset(source))) {
    throw new StudioError({ code: 'invalid-request', message: 'This project has no imported dataset yet: import an image folder first.' });
  }
  // The manifest changes with every import (it records each file's hash), so its digest names the data.
  const manifest = await readFile(join(datasetDirOf(source), 'manifest.json'));
  const digest = createHash('sha256').update(manifest).digest('hex').slice(0, 16);
  return { key: `project-${digest}`, label: 'the project dataset', load: () => loadProjectSample(source, EVAL_MAX_BYTES) };
}

/** The evaluation source of a run: "demo:mnist" or its project's folder. */
export async function runEvalSource(runDir: string): Promise<string> {
  return (await runDataset(runDir)) === 'project' ? projectOfRun(runDir) : DEMO_SOURCE;
}
