/**
 * A run on a streamed dataset through the real session and checkpoint files: stopped mid-epoch and
 * reopened from disk, it continues the very loss curve of a run that never stopped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeSyntheticDataset } from '../dataset/testing';
import { ensureGradientsRegistered } from '../ops/gradients';
import { readMetricsLog } from '../../project/metrics-log';
import { TrainingSession, type SessionListener } from '../training/session';
import { tinyConfig } from '../training/testing-config';
import { datasetDirOf } from '../../project/layout';
import { openDatasetTrainingData, trainingBatches, type TrainingData } from './training-data';
import { TrainingController } from '../training/controller';

let root: string;
let data: TrainingData;
const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, batchSize: 8, steps: 60, checkpointEvery: 100, sampleEvery: 100 });

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'gs-stream-session-'));
  await writeSyntheticDataset(datasetDirOf(join(root, 'project')), 50, 8, false);
  data = await openDatasetTrainingData(datasetDirOf(join(root, 'project')), 0);
});

afterAll(() => rm(root, { recursive: true, force: true }));

const batches = () => trainingBatches(data, config.model, { bufferImages: 10 });

function watcher() {
  let state = '';
  const listener: SessionListener = {
    status: (s) => {
      state = s.state;
    },
    metrics: () => {},
    samples: () => {},
  };
  const until = async (predicate: () => boolean) => {
    for (let i = 0; i < 3000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(predicate()).toBe(true);
  };
  return { listener, until, state: () => state };
}

async function losses(runDir: string): Promise<Map<number, number[]>> {
  const log = await readMetricsLog(join(runDir, 'metrics.jsonl'));
  return new Map(log.lines.flatMap((l) => (l.type === 'step' ? [[l.step, [l.dLoss, l.gLoss]] as [number, number[]]] : [])));
}

it('resumes a streamed run from its checkpoint on disk exactly', async () => {
  const straightWatch = watcher();
  const straight = await TrainingSession.create(join(root, 'runs-a'), config, batches(), straightWatch.listener);
  straight.start();
  await straightWatch.until(() => straightWatch.state() === 'completed');
  await straight.dispose();
  const expected = await losses(straight.runDir);

  const firstWatch = watcher();
  const first = await TrainingSession.create(join(root, 'runs-b'), config, batches(), firstWatch.listener);
  first.start();
  await firstWatch.until(() => first.status().step >= 4);
  await first.stop(); // checkpoints wherever it is: 50 images an epoch, 8 a step, so likely mid-epoch
  const stoppedAt = first.status().step;
  await first.dispose();
  expect(stoppedAt).toBeLessThan(config.steps);

  const reopenedWatch = watcher();
  const { session } = await TrainingSession.open(first.runDir, () => batches(), reopenedWatch.listener);
  expect(session.status().step).toBe(stoppedAt);
  session.start();
  await reopenedWatch.until(() => reopenedWatch.state() === 'completed');
  await session.dispose();
  const resumed = await losses(first.runDir);
  for (let step = 1; step <= config.steps; step++) {
    expect(resumed.get(step)![0]).toBeCloseTo(expected.get(step)![0]!, 5);
    expect(resumed.get(step)![1]).toBeCloseTo(expected.get(step)![1]!, 5);
  }
});

it('tells the import that a live run streams the project dataset, and stops saying so once it stops', async () => {
  const project = join(root, 'project');
  const controller = new TrainingController(() => undefined, { streamAboveBytes: 0 });
  await controller.start(join(project, 'runs'), { ...config, steps: 100_000 }, 'project');
  expect(controller.streamsDataset(datasetDirOf(project))).toBe(true);
  expect(controller.streamsDataset(datasetDirOf(join(root, 'another project')))).toBe(false);
  await controller.control({ action: 'stop' });
  expect(controller.streamsDataset(datasetDirOf(project))).toBe(false);
  await controller.shutdown();

  // The same data loaded into memory does not tie the files down.
  const inMemory = new TrainingController(() => undefined);
  await inMemory.start(join(project, 'runs'), { ...config, steps: 100_000 }, 'project');
  expect(inMemory.streamsDataset(datasetDirOf(project))).toBe(false);
  await inMemory.control({ action: 'stop' });
  await inMemory.shutdown();
});
