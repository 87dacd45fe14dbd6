/** Test support: a real, tiny run on disk (config.json, checkpoints/) to load generators from. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { TrainConfig } from '../../api/train-config';
import { ensureGradientsRegistered } from '../ops/gradients';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { trainingBatches } from '../batches/training-data';
import { TrainingSession } from '../training/session';
import { tinyConfig } from '../training/testing-config';

export interface TinyRun {
  runsDir: string;
  runDir: string;
  runId: string;
  config: TrainConfig;
}

/** Trains `config` (default: a tiny DCGAN) to completion on the demo digits; needs a tf backend set. */
export async function trainTinyRun(config: TrainConfig = tinyConfig({ steps: 4, checkpointEvery: 2, sampleEvery: 2 })): Promise<TinyRun> {
  // A project folder of its own: the CLI locks a run's project (the folder above runs/), and two
  // test files locking the system's temporary folder at once would refuse each other.
  const runsDir = join(await mkdtemp(join(tmpdir(), 'gan-tiny-run-')), 'runs');
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const session = await TrainingSession.create(runsDir, config, trainingBatches(loadMnistDemo(), config.model), {
    status: (s) => {
      if (s.state === 'completed' || s.state === 'failed') done();
    },
    metrics: () => undefined,
    samples: () => undefined,
  });
  session.start();
  await finished;
  const status = session.status();
  await session.dispose();
  if (status.state !== 'completed') throw new Error(`tiny run failed: ${status.message}`);
  return { runsDir, runDir: session.runDir, runId: session.runId, config };
}

/** trainTinyRun on the cpu backend, with the engine's gradients registered (a test file's beforeAll). */
export async function trainTinyRunOnCpu(config?: TrainConfig): Promise<TinyRun> {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  return trainTinyRun(config);
}
