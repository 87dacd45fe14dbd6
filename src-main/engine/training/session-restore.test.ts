/**
 * Opening a run and rolling one back when its checkpoints cannot all be used: the newest good one
 * wins, none good is an error that names each file (and changes nothing), none saved yet goes back
 * to the run's initial weights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureGradientsRegistered } from '../ops/gradients';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { memoryBatches } from '../batches/memory-batches';
import { readMetricsLog } from '../../project/metrics-log';
import { CheckpointStore, type CheckpointState } from '../../project/checkpoint';
import { encodeCheckpoint } from '../../project/checkpoint/format';
import { runFiles } from '../../project/layout';
import type { TrainConfig } from '../../api/train-config';
import type { BatchSource } from '../batches/types';
import { TrainingSession, type RunStatus, type SessionListener } from './session';
import { Trainer } from './trainer';
import { tinyConfig } from './testing-config';

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
});

const config = tinyConfig({ model: { architecture: 'mlp', dNorm: 'none' }, steps: 6, sampleEvery: 1000, checkpointEvery: 3, keepCheckpoints: 5 });
const batches = (c: TrainConfig = config) => memoryBatches(loadMnistDemo(), c.model);

function listener(): { listener: SessionListener; last: () => RunStatus | undefined; step: () => number } {
  const statuses: RunStatus[] = [];
  let step = 0;
  return {
    listener: { status: (s) => statuses.push(s), metrics: (_id, points) => (step = points.at(-1)?.step ?? step), samples: () => undefined },
    last: () => statuses.at(-1),
    step: () => step,
  };
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(predicate()).toBe(true);
}

/** A finished run of `c` with checkpoints at every checkpointEvery steps. */
async function finishedRun(c: TrainConfig = config): Promise<string> {
  const rec = listener();
  const session = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), c, batches(c), rec.listener);
  session.start();
  await until(() => rec.last()?.state === 'completed');
  await session.dispose();
  return session.runDir;
}

/** Rewrites a checkpoint in place, changed: the file still verifies. (Not store.save: it prunes newer files.) */
async function rewrite(runDir: string, file: string, change: (state: CheckpointState) => CheckpointState): Promise<void> {
  const dir = runFiles(runDir).checkpoints;
  const state = await new CheckpointStore(dir).load(file);
  await writeFile(join(dir, file), Buffer.concat(encodeCheckpoint(change(state), new Date().toISOString())));
}

const rewriteMeta = (runDir: string, file: string, change: (meta: Record<string, unknown>) => Record<string, unknown>) =>
  rewrite(runDir, file, (state) => ({ ...state, meta: change(state.meta as Record<string, unknown>) }));

const unreadable = (meta: Record<string, unknown>) => ({ ...meta, rngState: 'lost' });

/** A long run paused past step 4 (pausing saves a checkpoint), and its step. */
async function pausedRun(): Promise<{ session: TrainingSession; step: number }> {
  const rec = listener();
  const session = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), { ...config, steps: 1000 }, batches(), rec.listener);
  session.start();
  await until(() => rec.step() >= 4);
  await session.pause();
  return { session, step: session.status().step };
}

/** Rewrites every checkpoint of a run. */
async function rewriteAll(runDir: string, change: (state: CheckpointState) => CheckpointState): Promise<void> {
  for (const file of (await readdir(runFiles(runDir).checkpoints)).filter((f) => f.endsWith('.gsc'))) await rewrite(runDir, file, change);
}

describe('TrainingSession.open with checkpoints it cannot use', () => {
  it('resumes the newest checkpoint whose training state is valid, and reports the one passed over', async () => {
    const runDir = await finishedRun();
    await rewriteMeta(runDir, 'ckpt-000000006.gsc', unreadable);
    const { session, skipped } = await TrainingSession.open(runDir, () => batches(), listener().listener);
    expect(session.status()).toMatchObject({ state: 'paused', step: 3, lastCheckpointStep: 3 });
    expect(skipped).toEqual([expect.stringMatching(/^ckpt-000000006\.gsc: .*training state is not valid \(rngState/)]);
    await session.dispose();
  });

  it('refuses to open when every checkpoint is passed over, naming each, and leaves the files as they were', async () => {
    const runDir = await finishedRun();
    const dir = runFiles(runDir).checkpoints;
    for (const file of ['ckpt-000000003.gsc', 'ckpt-000000006.gsc']) await rewriteMeta(runDir, file, unreadable);
    const before = await Promise.all((await readdir(dir)).sort().map(async (f) => [f, await readFile(join(dir, f))] as const));
    const tensors = tf.memory().numTensors;
    await expect(TrainingSession.open(runDir, () => batches(), listener().listener)).rejects.toThrow(
      /No checkpoint of run .* can be resumed.*ckpt-000000006\.gsc: .*rngState.*ckpt-000000003\.gsc: .*Restore a good copy/,
    );
    const after = await Promise.all((await readdir(dir)).sort().map(async (f) => [f, await readFile(join(dir, f))] as const));
    expect(after).toEqual(before);
    // The refused session's trainer and fixed noise went with it.
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('drops keys it does not know and takes missing live edits from the config (checkpoints of other builds)', async () => {
    const runDir = await finishedRun();
    await rewriteMeta(runDir, 'ckpt-000000006.gsc', (meta) => ({ ...meta, live: { gLr: 1e-4, fromLater: 1 }, fromLater: true }));
    const { session, skipped } = await TrainingSession.open(runDir, () => batches(), listener().listener);
    expect(skipped).toEqual([]);
    expect(session.status()).toMatchObject({ step: 6, live: { gLr: 1e-4, dLr: config.optimizer.dLr, nCritic: config.nCritic } });
    await session.dispose();
  });

  it('logs that an adaptive run resumed from a checkpoint without the controller starts its strength again', async () => {
    const adaptive = tinyConfig({ model: { dNorm: 'none' }, steps: 2, checkpointEvery: 2, sampleEvery: 1000, augment: { flip: false, diffAugment: ['translation'], adaptive: true } });
    const runDir = await finishedRun(adaptive);
    await rewriteMeta(runDir, 'ckpt-000000002.gsc', ({ adaptive: _dropped, ...meta }) => meta);
    const { session } = await TrainingSession.open(runDir, () => batches(adaptive), listener().listener);
    await session.dispose();
    const events = (await readMetricsLog(runFiles(runDir).metrics)).lines.flatMap((l) => (l.type === 'event' ? [l.message] : []));
    expect(events).toContain('ckpt-000000002.gsc has no adaptive augmentation state: the strength starts again from 0');
  });
});

describe('TrainingSession.rollback', () => {
  it('goes back to the initial weights when no checkpoint is saved yet', async () => {
    const c = { ...config, steps: 1_000_000, checkpointEvery: 1_000_000 };
    const rec = listener();
    const session = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), c, batches(), rec.listener);
    const untrained = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), c, batches(), listener().listener);
    const initial = (await untrained.renderSamples()).values;
    session.start();
    await until(() => rec.step() >= 3);
    await session.rollback(0.5);
    expect(session.status()).toMatchObject({ state: 'paused', step: 0, lastCheckpointStep: null, live: { gLr: c.optimizer.gLr / 2 } });
    expect((await session.renderSamples()).values).toEqual(initial);
    await Promise.all([session.dispose(), untrained.dispose()]);
  });

  it('refuses when every checkpoint is passed over, and keeps the weights it has', async () => {
    const { session, step } = await pausedRun();
    await rewriteAll(session.runDir, (state) => ({ ...state, meta: unreadable(state.meta) }));
    const before = (await session.renderSamples()).values;
    await expect(session.rollback(0.5)).rejects.toThrow(/No checkpoint of run .* can be rolled back to/);
    expect(session.status()).toMatchObject({ state: 'paused', step, live: { gLr: config.optimizer.gLr } });
    expect((await session.renderSamples()).values).toEqual(before);
    await session.dispose();
  });

  it('keeps its weights and step when the checkpoint verifies but does not fit the model', async () => {
    const { session, step } = await pausedRun();
    // Every checkpoint's first generator weight one element short: they verify, their meta is valid.
    await rewriteAll(session.runDir, (state) => {
      const [first, ...rest] = state.groups.generator!;
      return { ...state, groups: { ...state.groups, generator: [{ ...first!, shape: [first!.data.length - 1], data: first!.data.slice(1) }, ...rest] } };
    });
    const before = (await session.renderSamples()).values;
    const tensors = tf.memory().numTensors;
    await expect(session.rollback(0.5)).rejects.toThrow(/ckpt-\d+\.gsc in .*checkpoints could not be restored: generator: /);
    expect(session.status()).toMatchObject({ state: 'paused', step, lastCheckpointStep: step, live: { gLr: config.optimizer.gLr } });
    expect((await session.renderSamples()).values).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    await session.dispose();
  });

  it('refuses a factor that would make the learning rate 0, before halting or restoring anything', async () => {
    const rec = listener();
    const session = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), { ...config, steps: 1_000_000 }, batches(), rec.listener);
    session.start();
    await until(() => rec.step() >= 4);
    await expect(session.rollback(1e-320)).rejects.toThrow(/learning rate .* is not a usable rate/);
    // Still training: nothing was stopped for a refusal.
    const at = rec.step();
    await until(() => rec.step() > at);
    expect(session.status()).toMatchObject({ state: 'running', live: { gLr: config.optimizer.gLr } });
    await session.dispose();
  });

  it('refuses when the checkpoint it saved is gone, and says the run is paused', async () => {
    const rec = listener();
    const session = await TrainingSession.create(await mkdtemp(join(tmpdir(), 'gan-runs-')), { ...config, steps: 1_000_000, checkpointEvery: 1_000_000 }, batches(), rec.listener);
    session.start();
    await until(() => rec.step() >= 3);
    await session.checkpoint();
    const saved = session.status().lastCheckpointStep;
    expect(saved).not.toBeNull();
    await rm(runFiles(session.runDir).checkpoints, { recursive: true });
    await expect(session.rollback(0.5)).rejects.toThrow(new RegExp(`the one saved at step ${saved} is no longer in .*checkpoints`));
    // Halted, not rolled back: the listeners are told, with the reason.
    expect(rec.last()).toMatchObject({ state: 'paused', message: expect.stringMatching(/no longer in/) });
    expect(session.status().step).toBeGreaterThanOrEqual(saved!);
    await session.dispose();
  });
});

describe('live edits', () => {
  it('keep a value the edit leaves undefined, and refuse a set that is not valid as a whole', async () => {
    const runDir = await finishedRun();
    const { session } = await TrainingSession.open(runDir, () => batches(), listener().listener);
    expect(session.updateLive({ gLr: undefined, dLr: 1e-3 })).toMatchObject({ gLr: config.optimizer.gLr, dLr: 1e-3 });
    expect(() => session.updateLive({ nCritic: 0 })).toThrow(/Live edit refused: nCritic/);
    expect(session.status().live).toMatchObject({ nCritic: config.nCritic, dLr: 1e-3 });
    await session.dispose();
  });
});

describe('Trainer with adaptive augmentation', () => {
  it('leaves the controller alone on a step whose losses are not finite', async () => {
    const adaptive = tinyConfig({ model: { dNorm: 'none' }, batchSize: 8, augment: { flip: false, diffAugment: ['translation', 'color'], adaptive: true } });
    const healthy = batches(adaptive);
    let poison = false;
    const source: BatchSource = (n, rng) => {
      const batch = healthy(n, rng);
      if (!poison) return batch;
      const images = tf.mul(batch.images, Number.NaN) as tf.Tensor4D;
      batch.images.dispose();
      return { images, labels: batch.labels };
    };
    const trainer = new Trainer(adaptive, source);
    await trainer.trainStep();
    await trainer.trainStep();
    const before = (await trainer.exportState()).adaptive;
    expect(before?.steps).toBe(2);
    poison = true;
    const diverged = await trainer.trainStep();
    expect(Number.isFinite(diverged.dLoss)).toBe(false);
    expect((await trainer.exportState()).adaptive).toEqual(before);
    trainer.dispose();
  });
});
