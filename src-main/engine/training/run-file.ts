/**
 * runs/<id>/run.json: which data a run trains on, written when it starts, so reopening, exploring
 * and evaluating the run later find the same images.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../api/rpc';
import { datasetRefSchema, type DatasetRef } from '../../api/training';
import { writeFileAtomic } from '../checkpoint/atomic';

/** A run lives at <project>/runs/<id>. */
export function projectOfRun(runDir: string): string {
  return dirname(dirname(runDir));
}

const runFileSchema = z.object({ dataset: datasetRefSchema });

export async function writeRunFile(runDir: string, dataset: DatasetRef): Promise<void> {
  await writeFileAtomic(runDir, 'run.json', [Buffer.from(JSON.stringify({ dataset }))]);
}

/** Runs from before run.json existed trained on the demo digits. */
export async function runDataset(runDir: string): Promise<DatasetRef> {
  const raw = await readFile(join(runDir, 'run.json'), 'utf8').catch(() => null);
  if (raw === null) return 'demo:mnist';
  try {
    return runFileSchema.parse(JSON.parse(raw)).dataset;
  } catch {
    throw new StudioError({ code: 'invalid-request', message: `${join(runDir, 'run.json')} is damaged: cannot tell which dataset the run trained on.` });
  }
}
