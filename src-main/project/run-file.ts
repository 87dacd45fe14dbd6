/**
 * runs/<id>/run.json: which data a run trains on, written when it starts, so reopening, exploring
 * and evaluating the run later find the same images.
 */
import { readFile } from 'node:fs/promises';
import { RUN_FILE, runFiles } from './layout';
import { z } from 'zod';
import { StudioError } from '../api/rpc';
import { datasetRefSchema, type DatasetRef } from '../api/training';
import { writeFileAtomic } from './atomic';

const runFileSchema = z.object({ dataset: datasetRefSchema });

export async function writeRunFile(runDir: string, dataset: DatasetRef): Promise<void> {
  await writeFileAtomic(runDir, RUN_FILE, [Buffer.from(JSON.stringify({ dataset }))]);
}

/** Runs from before run.json existed trained on the demo digits. */
export async function runDataset(runDir: string): Promise<DatasetRef> {
  const raw = await readFile(runFiles(runDir).run, 'utf8').catch(() => null);
  if (raw === null) return 'demo:mnist';
  try {
    return runFileSchema.parse(JSON.parse(raw)).dataset;
  } catch {
    throw new StudioError({ code: 'invalid-request', message: `${runFiles(runDir).run} is damaged: cannot tell which dataset the run trained on.` });
  }
}
