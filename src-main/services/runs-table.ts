/**
 * The runs table's rows: per run its config, dataset, evaluations (saved and in-training: best and
 * newest KID/FID), speed, training time, notes and tags — read from the run folders. Runs are read
 * in parallel; a run that cannot be read still gets a row that says why.
 */
import type { RunTableRow } from '../api/projects';
import { readMetricsLog } from '../project/metrics-log';
import { readRecords } from '../project/evaluations';
import { runDirOf, runFiles } from '../project/layout';
import { readRunConfig } from '../project/run-config';
import { runDataset } from '../project/run-file';
import { readRunNotes } from '../project/run-notes';
import { listRuns } from './projects';

type Span = NonNullable<RunTableRow['kid']>;

export async function runsTable(projectDir: string): Promise<RunTableRow[]> {
  const runs = await listRuns(projectDir);
  return Promise.all(runs.map((run) => runTableRow(runDirOf(projectDir, run.runId), run)));
}

export async function runTableRow(runDir: string, run: Awaited<ReturnType<typeof listRuns>>[number]): Promise<RunTableRow> {
  const [config, dataset, log, records, notes] = await Promise.all([
    readRunConfig(runDir).catch(() => null),
    runDataset(runDir).catch(() => null),
    readMetricsLog(runFiles(runDir).metrics).catch(() => ({ lines: [] })),
    readRecords(runDir).catch(() => []),
    readRunNotes(runDir),
  ]);
  const stepTimes: number[] = [];
  const speeds: number[] = [];
  let step = 0;
  const points: { metric: string; step: number; value: number }[] = [];
  for (const line of log.lines) {
    if (line.type === 'step') {
      step = Math.max(step, Number(line.step));
      if (typeof line.stepMs === 'number') stepTimes.push(line.stepMs);
      if (typeof line.imagesPerSecond === 'number') speeds.push(line.imagesPerSecond);
    } else if (line.type === 'eval' && typeof line.value === 'number' && typeof line.metric === 'string') {
      points.push({ metric: line.metric, step: line.step, value: line.value });
    }
  }
  for (const record of records) for (const v of record.values) points.push({ metric: v.metric, step: record.checkpoint.step, value: v.value });
  return {
    runId: run.runId,
    name: run.name,
    created: run.created,
    dataset,
    config: config as unknown as Record<string, unknown> | null,
    steps: run.steps,
    step,
    lastCheckpointStep: run.lastCheckpointStep,
    damaged: run.damaged,
    kid: span(points.filter((p) => p.metric === 'kid')),
    fid: span(points.filter((p) => p.metric === 'fid')),
    imagesPerSecond: speeds.length ? median(speeds) : null,
    trainSeconds: stepTimes.reduce((a, b) => a + b, 0) / 1000,
    notes: notes.notes,
    tags: notes.tags,
  };
}

/** The lowest value (KID and FID: lower is better) and the newest, each with its step. */
function span(points: { step: number; value: number }[]): Span | null {
  if (points.length === 0) return null;
  const best = points.reduce((a, b) => (b.value < a.value ? b : a));
  const latest = points.reduce((a, b) => (b.step >= a.step ? b : a));
  return { best: best.value, bestStep: best.step, latest: latest.value, latestStep: latest.step };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
