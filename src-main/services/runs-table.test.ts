/** The runs table's rows, read from real run folders (a tiny run trained here), and notes/tags kept beside them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { appendFile, mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTinyRunOnCpu } from '../engine/sampling/testing';
import { tinyConfig } from '../engine/training/testing-config';
import { runDirOf, runFiles, runsDirOf } from '../project/layout';
import { appendRecord } from '../project/evaluations';
import { writeRunFile } from '../project/run-file';
import { readRunNotes, writeRunNotes } from '../project/run-notes';
import type { EvaluationRecord } from '../api/evaluation';
import { evaluationRecord } from '../test-support/evaluation-record';
import { runsTable } from './runs-table';

let project: string;
let runId: string;

beforeAll(async () => {
  const run = await trainTinyRunOnCpu(tinyConfig({ steps: 4, checkpointEvery: 2, sampleEvery: 2 }));
  project = await mkdtemp(join(tmpdir(), 'gan-runs-table-'));
  await mkdir(runsDirOf(project));
  runId = run.runId;
  await rename(run.runDir, runDirOf(project, runId));
  await writeRunFile(runDirOf(project, runId), 'demo:mnist');
  // A run folder that cannot be read still gets a row.
  await mkdir(runDirOf(project, 'broken-run'));
  await writeFile(runFiles(runDirOf(project, 'broken-run')).config, '{ not json');
}, 120_000);

const record = (step: number, kid: number): EvaluationRecord =>
  evaluationRecord({
    id: `e${step}`,
    runId,
    checkpoint: { file: `ckpt-${String(step).padStart(9, '0')}.gsc`, step, sha256: '', ema: false },
    values: [{ metric: 'kid', value: kid, std: null, ci: null, baseline: null, baselineStd: null, better: 'lower' }],
  });

describe('runs table', () => {
  it('has a row per run with its config, dataset, step, speed, training time and KID span', async () => {
    await appendRecord(runDirOf(project, runId), record(2, 0.3));
    await appendRecord(runDirOf(project, runId), record(4, 0.5));
    const rows = await runsTable(project);
    const row = rows.find((r) => r.runId === runId)!;
    expect(row).toMatchObject({ dataset: 'demo:mnist', steps: 4, step: 4, lastCheckpointStep: 4, notes: '', tags: [], damaged: null });
    expect((row.config as { model: { architecture: string } }).model.architecture).toBe('dcgan');
    // Best is the lowest, latest the newest step's.
    expect(row.kid).toEqual({ best: 0.3, bestStep: 2, latest: 0.5, latestStep: 4 });
    expect(row.fid).toBeNull();
    expect(row.imagesPerSecond).toBeGreaterThan(0);
    expect(row.trainSeconds).toBeGreaterThan(0);
    const broken = rows.find((r) => r.runId === 'broken-run')!;
    expect(broken.damaged).not.toBeNull();
    expect(broken.config).toBeNull();
  });

  it('keeps notes and tags beside the run, tags once each', async () => {
    await writeRunNotes(runDirOf(project, runId), { notes: 'lr too high?', tags: ['baseline', ' digits ', 'baseline'] });
    expect(await readRunNotes(runDirOf(project, runId))).toEqual({ notes: 'lr too high?', tags: ['baseline', 'digits'] });
    const row = (await runsTable(project)).find((r) => r.runId === runId)!;
    expect(row).toMatchObject({ notes: 'lr too high?', tags: ['baseline', 'digits'] });
  });

  it('reads a run\'s metrics again when the file grows, not before', async () => {
    const metrics = runFiles(runDirOf(project, runId)).metrics;
    const before = (await runsTable(project)).find((r) => r.runId === runId)!;
    expect(before.fid).toBeNull();
    await appendFile(metrics, `${JSON.stringify({ type: 'eval', step: 4, metric: 'fid', value: 12.5, std: null, baseline: 0.5, best: true })}\n`);
    const after = (await runsTable(project)).find((r) => r.runId === runId)!;
    expect(after.fid).toEqual({ best: 12.5, bestStep: 4, latest: 12.5, latestStep: 4 });
    expect(after.trainSeconds).toBe(before.trainSeconds);
  });
});
