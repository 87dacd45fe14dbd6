/**
 * Runs on data-parallel replicas through the TrainingController, as the app's training thread runs
 * them: the loss curve of a single trainer, checkpoints that reopen and roll back, live edits, a
 * streamed dataset, and the group kept from run to run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeSyntheticDataset } from '../../dataset/testing';
import { ensureGradientsRegistered } from '../../ops/gradients';
import { registerTrainingKernels } from '../../backend/kernels';
import { datasetDirOf } from '../../../project/layout';
import { tinyConfig } from '../testing-config';
import { TrainingController, type TrainingControllerOptions } from '../controller';
import type { RunStatusShape } from '../../../api/training';

let project: string;
const config = tinyConfig({ batchSize: 8, steps: 12, checkpointEvery: 6, sampleEvery: 100, model: { dNorm: 'batch' } });

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  registerTrainingKernels('cpu');
  project = join(await mkdtemp(join(tmpdir(), 'gs-replicas-')), 'project');
  await writeSyntheticDataset(datasetDirOf(project), 40, 8, false);
});
afterAll(() => rm(project, { recursive: true, force: true }));

function controller(options: TrainingControllerOptions = {}) {
  const c = new TrainingController(() => undefined, options);
  const until = async (predicate: () => boolean) => {
    for (let i = 0; i < 3000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(predicate()).toBe(true);
  };
  return { c, until };
}

const replicas = { replicas: { size: 2, backend: 'cpu' as const } };

async function losses(runDir: string): Promise<number[][]> {
  const lines = (await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; step: number; dLoss: number; gLoss: number });
  const byStep = new Map(lines.filter((l) => l.type === 'step').map((l) => [l.step, [l.dLoss, l.gLoss]]));
  return [...byStep.keys()].sort((a, b) => a - b).map((step) => byStep.get(step)!);
}

async function train(runsDir: string, options: TrainingControllerOptions, streamAboveBytes?: number): Promise<{ runDir: string; status: RunStatusShape }> {
  const { c, until } = controller({ ...options, ...(streamAboveBytes ? { streamAboveBytes } : {}) });
  const started = await c.start(runsDir, config, 'project');
  await until(() => c.status()?.state === 'completed');
  const status = c.status()!;
  await c.shutdown();
  return { runDir: join(runsDir, started.runId), status };
}

it('trains the curve a single trainer trains, in memory and streamed', async () => {
  const single = await losses((await train(join(project, 'runs-single'), {})).runDir);
  const parallel = await losses((await train(join(project, 'runs-replicas'), replicas)).runDir);
  expect(parallel).toHaveLength(config.steps);
  // Float sums in another order drift apart as training goes on (a GAN amplifies them): close for
  // the first steps.
  parallel.slice(0, 4).forEach(([d, g], i) => {
    expect(d, `D loss at step ${i + 1}`).toBeCloseTo(single[i]![0]!, 3);
    expect(g, `G loss at step ${i + 1}`).toBeCloseTo(single[i]![1]!, 3);
  });
  // Streamed shard by shard: each replica reads the dataset's folder itself, in the same order.
  const streamedSingle = await losses((await train(join(project, 'runs-stream-single'), {}, 1)).runDir);
  const streamed = await losses((await train(join(project, 'runs-stream'), replicas, 1)).runDir);
  expect(streamed).toHaveLength(config.steps);
  streamed.slice(0, 4).forEach(([d, g], i) => {
    expect(d, `D loss at step ${i + 1}`).toBeCloseTo(streamedSingle[i]![0]!, 3);
    expect(g, `G loss at step ${i + 1}`).toBeCloseTo(streamedSingle[i]![1]!, 3);
  });
}, 120_000);

it('reopens, rolls back, takes live edits and starts the next run on the same replicas', async () => {
  const runsDir = join(project, 'runs-reopen');
  const { c, until } = controller(replicas);
  const first = await c.start(runsDir, { ...config, steps: 400 }, 'project');
  await until(() => (c.status()?.step ?? 0) >= 3);
  // Pausing saves a checkpoint; a rollback restores it (a new lead takes the replicas over) with halved rates.
  await c.control({ action: 'pause' });
  const paused = c.status()!.step;
  await c.control({ action: 'rollback', lrFactor: 0.5 });
  expect(c.status()).toMatchObject({ state: 'paused', step: paused });
  c.update({ nCritic: 2 });
  await c.control({ action: 'resume' });
  await until(() => c.status()?.state === 'completed');
  expect(c.status()?.live).toMatchObject({ nCritic: 2, gLr: config.optimizer.gLr * 0.5 });
  // The next run on the same group.
  const second = await c.start(runsDir, { ...config, seed: 11 }, 'project');
  await until(() => c.status()?.state === 'completed');
  expect(second.runId).not.toBe(first.runId);
  await c.shutdown();
  // Reopened later by another controller: paused at its last checkpoint.
  const again = controller(replicas);
  const { status } = await again.c.open(join(runsDir, first.runId));
  expect(status).toMatchObject({ step: 400 });
  await again.c.shutdown();
}, 120_000);
