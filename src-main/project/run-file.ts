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

/** What the images looked like when the run started (absent in runs from before 2026-12-06). */
const runDataSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.number().int().positive(),
  count: z.number().int().nonnegative(),
  classes: z.number().int().nonnegative(),
});
export type RunData = z.infer<typeof runDataSchema>;

const runFileSchema = z.object({ dataset: datasetRefSchema, data: runDataSchema.optional() });

export async function writeRunFile(runDir: string, dataset: DatasetRef, data?: RunData): Promise<void> {
  await writeFileAtomic(runDir, RUN_FILE, [Buffer.from(JSON.stringify({ dataset, ...(data ? { data } : {}) }))]);
}

/** The images a run started on, or null for a run from before they were recorded. */
export async function runStartData(runDir: string): Promise<RunData | null> {
  const raw = await readFile(runFiles(runDir).run, 'utf8').catch(() => null);
  if (raw === null) return null;
  const parsed = runFileSchema.safeParse(JSON.parse(raw));
  return parsed.success ? (parsed.data.data ?? null) : null;
}

/**
 * How the images differ from those the run started on (size, colour, count or classes), in words,
 * or null when they do not. A re-import of the dataset between two sessions of a run does this.
 */
export function dataChange(before: RunData, now: RunData): string | null {
  const describe = (d: RunData) =>
    `${d.width}×${d.height} ${d.channels === 1 ? 'grey' : 'colour'}, ${d.count.toLocaleString('en-US')} images${d.classes ? `, ${d.classes} classes` : ''}`;
  const was = describe(before);
  const is = describe(now);
  return was === is ? null : `The dataset changed since this run started (${was}; now ${is}): it goes on with the new images, at the model's size.`;
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
