/**
 * The runs table's rows: per run its config, dataset, evaluations (saved and in-training: best and
 * newest KID/FID), speed, training time, notes and tags — read from the run folders. Runs are read
 * in parallel; a run that cannot be read still gets a row that says why.
 */
import { stat } from 'node:fs/promises';
import type { RunTableRow } from '../api/projects';
import { evalPointsOf, readMetricsLog } from '../project/metrics-log';
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
    metricsSummary(runFiles(runDir).metrics),
    readRecords(runDir).catch(() => []),
    readRunNotes(runDir),
  ]);
  const { step, trainSeconds, imagesPerSecond } = log;
  const points = [...log.points];
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
    endedStep: run.endedStep,
    damaged: run.damaged,
    kid: span(points.filter((p) => p.metric === 'kid')),
    fid: span(points.filter((p) => p.metric === 'fid')),
    imagesPerSecond,
    trainSeconds,
    notes: notes.notes,
    tags: notes.tags,
  };
}

interface MetricsSummary {
  step: number;
  trainSeconds: number;
  imagesPerSecond: number | null;
  points: readonly { metric: string; step: number; value: number }[];
}

/**
 * What the table needs from a run's metrics.jsonl, cached by the file's size and modification
 * time: a project of 200 finished runs is parsed once, and a training run only when it grows.
 */
const summaries = new Map<string, { size: number; mtimeMs: number; summary: MetricsSummary }>();
const SUMMARIES_KEPT = 2000;

export async function metricsSummary(file: string): Promise<MetricsSummary> {
  const info = await stat(file).catch(() => null);
  const cached = summaries.get(file);
  if (info && cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached.summary;
  const log = await readMetricsLog(file).catch(() => ({ lines: [] }));
  const stepTimes: number[] = [];
  const speeds: number[] = [];
  let step = 0;
  for (const line of log.lines) {
    if (line.type === 'step') {
      step = Math.max(step, Number(line.step));
      if (typeof line.stepMs === 'number') stepTimes.push(line.stepMs);
      if (typeof line.imagesPerSecond === 'number') speeds.push(line.imagesPerSecond);
    }
  }
  // The current timeline's evaluations: a rollback abandons the ones past its step.
  const points = evalPointsOf(log.lines);
  const summary = { step, trainSeconds: stepTimes.reduce((a, b) => a + b, 0) / 1000, imagesPerSecond: speeds.length ? median(speeds) : null, points };
  if (info) {
    summaries.delete(file);
    summaries.set(file, { size: info.size, mtimeMs: info.mtimeMs, summary });
    if (summaries.size > SUMMARIES_KEPT) summaries.delete(summaries.keys().next().value!);
  }
  return summary;
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
