/**
 * TrainingController under races and write failures: two train.start at once make one run (not two
 * sessions sharing one id and folder), and a metrics.jsonl that cannot be written fails that run
 * with the reason without blocking the next one.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeSyntheticDataset } from '../dataset/testing';
import { ensureGradientsRegistered } from '../ops/gradients';
import { datasetDirOf } from '../../project/layout';
import { tinyConfig } from './testing-config';
import { TrainingController } from './controller';
import type { RunStatusShape } from '../../api/training';

let project: string;
const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, batchSize: 8, steps: 40, checkpointEvery: 10, sampleEvery: 100 });

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  project = join(await mkdtemp(join(tmpdir(), 'gs-controller-')), 'project');
  await writeSyntheticDataset(datasetDirOf(project), 40, 8, false);
});
afterAll(() => rm(project, { recursive: true, force: true }));

function controller() {
  const statuses: RunStatusShape[] = [];
  const c = new TrainingController((event, payload) => event === 'train.status' && statuses.push(payload as RunStatusShape));
  const until = async (predicate: () => boolean) => {
    for (let i = 0; i < 3000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(predicate()).toBe(true);
  };
  return { c, statuses, until };
}

it('two train.start at once: one run starts, the other is refused, nothing leaks', async () => {
  const runsDir = join(project, 'runs-race');
  const { c, until } = controller();
  const before = tf.memory().numTensors;
  const results = await Promise.allSettled([c.start(runsDir, config, 'project'), c.start(runsDir, config, 'project')]);
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect(String(refused.reason.message)).toMatch(/is running: stop it before starting another/);
  expect(await readdir(runsDir)).toHaveLength(1);
  await until(() => c.status()?.state === 'completed');
  await c.shutdown();
  expect(tf.memory().numTensors).toBe(before);
});

it('a metrics.jsonl that cannot be written fails the run with the reason, and the next run starts', async () => {
  const runsDir = join(project, 'runs-unwritable');
  const { c, until } = controller();
  const first = await c.start(runsDir, config, 'project');
  // A folder where the log file goes: every append fails (EISDIR), as on a full or read-only disk.
  mkdirSync(join(runsDir, first.runId, 'metrics.jsonl'));
  await until(() => c.status()?.state === 'failed');
  expect(c.status()?.message).toMatch(/Could not write .*metrics\.jsonl \(EISDIR\)/);
  const second = await c.start(join(project, 'runs-next'), config, 'project');
  expect(second.state).toBe('running');
  await until(() => c.status()?.state === 'completed');
  await c.shutdown();
});

it('refuses what the config asks of this dataset before making a run: 40 images are too few for 3 clusters', async () => {
  const runsDir = join(project, 'runs-clusters');
  const { c } = controller();
  const clusters = tinyConfig({ model: { architecture: 'cdcgan', numClasses: 3, labels: 'clusters' }, batchSize: 8, steps: 4 });
  await expect(c.start(runsDir, clusters, 'project')).rejects.toMatchObject({ issues: [expect.stringMatching(/40 images are too few for 3 clusters/)] });
  await expect(readdir(runsDir)).rejects.toThrow(/ENOENT/);
  await c.shutdown();
});

it('says when a run reopens on a dataset re-imported since it started, and writes it in the run’s log', async () => {
  const own = join(await mkdtemp(join(tmpdir(), 'gs-controller-changed-')), 'project');
  await writeSyntheticDataset(datasetDirOf(own), 40, 8, false);
  const runsDir = join(own, 'runs');
  const { c, until } = controller();
  const started = await c.start(runsDir, config, 'project');
  await until(() => c.status()?.state === 'completed');
  await c.shutdown();
  const runDir = join(runsDir, started.runId);
  expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'))).toEqual({ dataset: 'project', data: { width: 16, height: 16, channels: 1, count: 40, classes: 0 } });

  // Reopened on the same images: nothing to say.
  const same = controller();
  expect((await same.c.open(runDir)).warnings).toEqual([]);
  await same.c.shutdown();

  // Re-imported at another size and count.
  await rm(datasetDirOf(own), { recursive: true });
  await writeSyntheticDataset(datasetDirOf(own), 48, 8, false, 24);
  const changed = controller();
  const { warnings } = await changed.c.open(runDir);
  expect(warnings).toEqual(["The dataset changed since this run started (16×16 grey, 40 images; now 24×24 grey, 48 images): it goes on with the new images, at the model's size."]);
  await changed.c.shutdown();
  expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')).toContain('The dataset changed since this run started (16×16 grey, 40 images; now 24×24 grey, 48 images)');
  await rm(own, { recursive: true, force: true });
});
