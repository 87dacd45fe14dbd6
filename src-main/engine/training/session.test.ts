import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureGradientsRegistered } from '../ops/gradients';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { memoryBatches } from '../batches/memory-batches';
import { readMetricsLog } from '../../project/metrics-log';
import { TrainingSession, type RunStatus, type SessionListener } from './session';
import { tinyConfig } from './testing-config';
import { preset } from '../../api/training';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../backend/kernels';
import type { BatchSource } from '../batches/types';
import { trainingBatches } from '../batches/training-data';
import { readRunClusters, type SavedClusters } from '../../project/run-clusters';
import { CLUSTERS_FILE } from '../../project/layout';

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
});

function recorder() {
  const statuses: RunStatus[] = [];
  const metricSteps: number[] = [];
  const sampleSteps: number[] = [];
  const listener: SessionListener = {
    status: (s) => statuses.push(s),
    metrics: (_id, points) => metricSteps.push(...points.map((p) => p.step)),
    samples: (_id, step) => sampleSteps.push(step),
  };
  const until = async (predicate: () => boolean) => {
    for (let i = 0; i < 2000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(predicate()).toBe(true);
  };
  return { statuses, metricSteps, sampleSteps, listener, until };
}

const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, steps: 6, sampleEvery: 2, checkpointEvery: 3, keepCheckpoints: 5 });
const batches = () => memoryBatches(loadMnistDemo(), config.model);

describe('TrainingSession', () => {
  it('runs to completion and leaves a complete run folder', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'gan-runs-'));
    const rec = recorder();
    const session = await TrainingSession.create(runsDir, config, batches(), rec.listener);
    session.start();
    await rec.until(() => rec.statuses.at(-1)?.state === 'completed');
    expect(rec.metricSteps).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rec.sampleSteps).toEqual([1, 2, 4, 6]);
    const files = await readdir(session.runDir);
    expect(files.sort()).toEqual(['checkpoints', 'config.json', 'metrics.jsonl', 'samples']);
    expect(JSON.parse(await readFile(join(session.runDir, 'config.json'), 'utf8'))).toEqual(config);
    expect((await readdir(join(session.runDir, 'samples'))).length).toBe(4);
    const log = await readMetricsLog(join(session.runDir, 'metrics.jsonl'));
    expect(log.lines.filter((l) => l.type === 'step').map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6]);
    // Each critic step draws one real batch from the 10,000 digits.
    const epoch = log.lines.find((l) => l.type === 'step' && l.step === 6)?.epoch;
    expect(epoch).toBeCloseTo((6 * config.nCritic * config.batchSize) / loadMnistDemo().count, 10);
    expect(session.status()).toMatchObject({ state: 'completed', step: 6, lastCheckpointStep: 6 });
    await session.dispose();
  });

  it('pauses with a checkpoint, takes live edits, and reopens where it stopped', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'gan-runs-'));
    const rec = recorder();
    const session = await TrainingSession.create(runsDir, { ...config, steps: 1000 }, batches(), rec.listener);
    session.start();
    await rec.until(() => rec.metricSteps.length >= 2);
    await session.pause();
    const paused = session.status();
    expect(paused.state).toBe('paused');
    expect(paused.lastCheckpointStep).toBe(paused.step);
    expect(session.updateLive({ gLr: 1e-3 }).gLr).toBe(1e-3);
    await session.stop();
    await session.dispose();

    const reopened = await TrainingSession.open(session.runDir, () => batches(), recorder().listener);
    expect(reopened.skipped).toEqual([]);
    expect(reopened.session.status()).toMatchObject({ state: 'paused', step: paused.step });
    await reopened.session.dispose();
  });

  it('saves the clusters a run starts on, and reopens on them even after the dataset changed', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'gan-runs-'));
    const all = loadMnistDemo();
    const digits = (n: number) => ({ ...all, count: n, images: all.images.slice(0, n * 784), labels: all.labels.slice(0, n) });
    const clustered = tinyConfig({ steps: 2, checkpointEvery: 2, model: { architecture: 'cdcgan', dNorm: 'none', numClasses: 6, labels: 'clusters' } });
    const first = trainingBatches(digits(600), clustered.model);
    const session = await TrainingSession.create(runsDir, clustered, first, recorder().listener);
    await session.stop();
    await session.dispose();
    expect(await readRunClusters(session.runDir)).toEqual({ version: 1, ...first.clusters });
    let given: SavedClusters | undefined;
    const reopened = await TrainingSession.open(session.runDir, (c, saved) => ((given = saved), trainingBatches(digits(700), c.model, {}, saved)), recorder().listener);
    expect(given?.centres).toEqual(first.clusters!.centres);
    await reopened.session.dispose();
    // Reopening on the grown dataset left the run's clusters as they were.
    expect(await readRunClusters(session.runDir)).toEqual({ version: 1, ...first.clusters });
    // Without its clusters.json the run finds them again on open, and saves them for the next time.
    await rm(join(session.runDir, CLUSTERS_FILE));
    const again = await TrainingSession.open(session.runDir, (c, saved) => trainingBatches(digits(600), c.model, {}, saved), recorder().listener);
    await again.session.dispose();
    expect(await readRunClusters(session.runDir)).toEqual({ version: 1, ...first.clusters });
  });

  it('pauses itself when the losses stop being finite, and rolls back with a lower learning rate', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'gan-runs-'));
    const rec = recorder();
    const healthy = batches();
    // One batch for the coach's reference, then one per step (n_critic 1): from the fifth step on,
    // the data is poisoned.
    let calls = 0;
    let poison = true;
    const source: BatchSource = (n, rng) => {
      const batch = healthy(n, rng);
      if (!poison || ++calls < 6) return batch;
      const images = tf.mul(batch.images, Number.NaN) as tf.Tensor4D;
      batch.images.dispose();
      return { images, labels: batch.labels };
    };
    const session = await TrainingSession.create(runsDir, { ...config, steps: 100 }, source, rec.listener);
    session.start();
    await rec.until(() => session.status().state === 'paused');
    expect(session.status()).toMatchObject({ step: 5, lastCheckpointStep: 3 });
    expect(session.status().message).toMatch(/non-finite at step 5/);
    poison = false;
    await session.rollback(0.5);
    expect(session.status()).toMatchObject({ state: 'paused', step: 3, live: { gLr: 1e-4, dLr: 1e-4 } });
    await session.dispose();
  });
});

describe('TrainingSession with adaptive augmentation', () => {
  it('keeps the controller in its checkpoints: a reopened run adapts as the unbroken run did', async () => {
    // The trainer test's DCGAN and seed: its D scores enough reals as real for p to rise by step 8.
    const adaptive = tinyConfig({
      model: { dNorm: 'none' },
      batchSize: 8,
      steps: 14,
      sampleEvery: 7,
      checkpointEvery: 1000,
      augment: { flip: true, diffAugment: ['translation', 'color'], adaptive: true },
    });
    const logged = async (runDir: string) =>
      (await readMetricsLog(join(runDir, 'metrics.jsonl'))).lines.flatMap((l) => (l.type === 'step' ? [[l.step, Number(l.dLoss), l.augmentStrength] as const] : []));
    const whole = recorder();
    const straight = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), adaptive, batches(), whole.listener);
    straight.start();
    await whole.until(() => whole.statuses.at(-1)?.state === 'completed');
    const expected = await logged(straight.runDir);
    await straight.dispose();
    // The unbroken run's p moves within these steps, so a lost controller would show.
    expect(new Set(expected.map((e) => e[2])).size).toBeGreaterThan(1);

    const rec = recorder();
    // Paused from the step-7 sample grid's callback, inside the loop: always at step 7, mid-interval
    // (ADA adjusts every 4 steps), however fast the machine is.
    let paused: Promise<void> | undefined;
    const broken: TrainingSession = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), adaptive, batches(), {
      ...rec.listener,
      samples: (_id, step) => {
        if (step === 7) paused = broken.pause();
      },
    });
    broken.start();
    await rec.until(() => paused !== undefined);
    await paused;
    const pausedAt = broken.status().step;
    expect(pausedAt).toBe(7);
    await broken.stop();
    await broken.dispose();
    const after = recorder();
    const reopened = await TrainingSession.open(broken.runDir, () => batches(), after.listener);
    expect(reopened.session.status().step).toBe(pausedAt);
    reopened.session.start();
    await after.until(() => after.statuses.at(-1)?.state === 'completed');
    await reopened.session.dispose();
    const resumed = await logged(broken.runDir);
    expect(resumed.map((r) => r[0])).toEqual(expected.map((e) => e[0]));
    resumed.forEach((r, i) => {
      expect(r[2]).toBe(expected[i]![2]);
      expect(r[1]).toBeCloseTo(expected[i]![1]!, 5);
    });
  });
});

describe('TrainingSession rollback while running', () => {
  it('goes back to the last checkpoint, not to the step it was at', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'gan-runs-'));
    const rec = recorder();
    const session = await TrainingSession.create(runsDir, { ...config, steps: 1000, checkpointEvery: 3 }, batches(), rec.listener);
    session.start();
    await rec.until(() => rec.metricSteps.some((s) => s >= 4 && s % 3 !== 0));
    await session.rollback(0.5);
    const status = session.status();
    expect(status.state).toBe('paused');
    expect(status.step % 3).toBe(0);
    expect(status.step).toBe(status.lastCheckpointStep);
    await session.dispose();
  });
});

describe('TrainingSession samples', () => {
  it('renders the fixed-noise grid or n fresh samples from a seed, deterministically', async () => {
    const session = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), config, batches(), recorder().listener);
    const fixed = await session.renderSamples();
    expect([fixed.width, fixed.height]).toEqual([8 * 28 + 9 * 2, 8 * 28 + 9 * 2]);
    const ten = await session.renderSamples({ count: 10, seed: 5 });
    expect([ten.width, ten.height]).toEqual([4 * 28 + 5 * 2, 3 * 28 + 4 * 2]);
    expect((await session.renderSamples({ count: 10, seed: 5 })).png.equals(ten.png)).toBe(true);
    expect((await session.renderSamples({ count: 10, seed: 6 })).png.equals(ten.png)).toBe(false);
    await session.dispose();
  });
});

describe('TrainingSession coach', () => {
  it('warns about a deliberately broken run (learning rate 0.5)', async () => {
    const rec = recorder();
    const warnings: string[] = [];
    const listener: SessionListener = { ...rec.listener, coach: (_id, warning) => warnings.push(warning.kind) };
    // The MLP GAN preset with its learning rate 250× too high: it collapses onto one image.
    const mlp = preset('mlp');
    const broken = { ...mlp, optimizer: { ...mlp.optimizer, gLr: 0.5, dLr: 0.5 }, batchSize: 32, steps: 110, sampleEvery: 20, checkpointEvery: 1000 };
    await tf.setBackend('wasm');
    registerTrainingKernels('wasm');
    const session = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), broken, memoryBatches(loadMnistDemo(), broken.model), listener);
    session.start();
    await rec.until(() => ['completed', 'paused'].includes(rec.statuses.at(-1)?.state ?? ''));
    expect(warnings).toContain('mode-collapse');
    await session.dispose();
    await tf.setBackend('cpu');
  });

  it('calls no mode collapse while the samples are still the initial noise (EMA 0.999)', async () => {
    const rec = recorder();
    const warnings: string[] = [];
    const listener: SessionListener = { ...rec.listener, coach: (_id, warning) => warnings.push(warning.kind) };
    // A DCGAN's first samples look alike (grey, about 2 % of the digits' variety); learning rates
    // this small keep them there past the coach's warm-up. That is a generator that has not
    // started, not one that collapsed: the coach once said "mode collapse" at step 100.
    const stuck = tinyConfig({ steps: 101, sampleEvery: 50, checkpointEvery: 1000, emaDecay: 0.999, optimizer: { ...config.optimizer, gLr: 1e-9, dLr: 1e-9 } });
    await tf.setBackend('wasm');
    registerTrainingKernels('wasm');
    const session = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), stuck, memoryBatches(loadMnistDemo(), stuck.model), listener);
    session.start();
    await rec.until(() => rec.statuses.at(-1)?.state === 'completed');
    expect(rec.sampleSteps).toEqual([1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(warnings).not.toContain('mode-collapse');
    await session.dispose();
    await tf.setBackend('cpu');
  });
});
