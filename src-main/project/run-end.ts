/**
 * runs/<id>/ended.json: a run that ended before its configured last step by its own rule (early
 * stopping) says so here, with the step and why, so the runs list calls it completed, and
 * reopening it shows it finished instead of offering to train on. Written atomically; a missing or
 * damaged file reads as "did not end early" (the run then shows as stopped, as any other).
 */
import { readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import { ENDED_FILE, runFiles } from './layout';
import { writeFileAtomic } from './atomic';

const runEndSchema = z.object({ step: z.number().int().nonnegative(), message: z.string().max(2000) });
export type RunEnd = z.infer<typeof runEndSchema>;

/** Why a run stopped early; ended.json, metrics.jsonl, the Train view and the CLI say it in these words. */
export function earlyStopMessage(step: number, patience: number, metric: 'kid' | 'fid', bestStep: number | null): string {
  const times = patience === 1 ? 'the last evaluation' : `${patience} evaluations in a row`;
  const best = bestStep === null ? '' : ` Its best checkpoint, step ${bestStep.toLocaleString('en-US')}, is kept and marked best.`;
  return `Stopped early at step ${step.toLocaleString('en-US')}: ${metric.toUpperCase()} has not improved in ${times} (early stopping).${best}`;
}

export async function readRunEnd(runDir: string): Promise<RunEnd | null> {
  try {
    const parsed = runEndSchema.safeParse(JSON.parse(await readFile(runFiles(runDir).ended, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Forgets an end that no longer holds (the run trains again); nothing to do when there is none. */
export async function removeRunEnd(runDir: string): Promise<void> {
  await rm(runFiles(runDir).ended, { force: true });
}

export async function writeRunEnd(runDir: string, end: RunEnd): Promise<void> {
  await writeFileAtomic(runDir, ENDED_FILE, [Buffer.from(JSON.stringify(end))]);
}
