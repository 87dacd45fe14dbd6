/**
 * Evaluation during training: every N steps a KID lands in metrics.jsonl and as an event, the
 * lowest one's checkpoint becomes the run's best, a pause interrupts an evaluation instead of
 * waiting for it, and a run whose classifier is not ready yet keeps training.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setUpBackends } from '../backend/kernels/testing';
import { CheckpointStore } from '../../project/checkpoint';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { memoryBatches } from '../batches/memory-batches';
import { readMetricsLog } from '../../project/metrics-log';
import { TrainingSession, type RunStatus, type SessionListener } from '../training/session';
import { TrainingController } from '../training/controller';
import { tinyConfig } from '../training/testing-config';
import type { TrainingEvalPoint } from '../../api/evaluation';
import { DomainClassifier } from './classifier';
import { evaluationDirOf } from '../../project/layout';
import { evalStandingAt, TrainingEvaluator } from './in-training';
import { readRunEnd } from '../../project/run-end';
import type { ImageSource } from './extractor';

let project: string;

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
  project = await mkdtemp(join(tmpdir(), 'gan-eval-train-'));
  await mkdir(join(project, 'runs'));
  const classifier = await DomainClassifier.train(loadMnistDemo(), { epochs: 1, maxTrainImages: 2000 });
  await classifier.save(join(evaluationDirOf(project), 'classifier-demo-mnist.gsc'));
  classifier.dispose();
}, 180_000);

function recorder() {
  const statuses: RunStatus[] = [];
  const points: TrainingEvalPoint[] = [];
  const listener: SessionListener = {
    status: (s) => statuses.push(s),
    metrics: () => undefined,
    samples: () => undefined,
    evaluation: (_id, point) => points.push(point),
  };
  const until = async (predicate: () => boolean, what: string) => {
    for (let i = 0; i < 6000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(predicate(), what).toBe(true);
  };
  return { statuses, points, listener, until };
}

const evalConfig = (every: number, samples: number, steps: number, patience = 0) =>
  tinyConfig({ steps, checkpointEvery: 3, keepCheckpoints: 2, sampleEvery: 1000, evaluation: { every, samples, metric: 'kid', patience } });

/**
 * An evaluator that reports `values` in turn instead of measuring (the session's rules are under
 * test); `during` runs inside each evaluation, before it returns.
 */
function scripted(values: number[], config: ReturnType<typeof evalConfig>, during: () => unknown = () => undefined) {
  const evaluator = new (class extends TrainingEvaluator {
    override isReady() {
      return true;
    }
    override async evaluate() {
      during();
      return { value: values.shift() ?? Number.NaN, std: null, baseline: 0 };
    }
  })({ source: 'demo:mnist', projectDir: project, evaluation: config.evaluation, seed: config.seed });
  return evaluator;
}

describe('in-training evaluation', () => {
  it('logs and emits KID every N steps and marks the lowest one’s checkpoint best', async () => {
    const config = evalConfig(2, 60, 8);
    const evaluator = new TrainingEvaluator({ source: 'demo:mnist', projectDir: project, evaluation: config.evaluation, seed: config.seed });
    await evaluator.prepare();
    const rec = recorder();
    const session = await TrainingSession.create(join(project, 'runs'), config, memoryBatches(loadMnistDemo(), config.model), rec.listener, { evaluator });
    session.start();
    await rec.until(() => rec.statuses.at(-1)?.state === 'completed', 'run completes');
    await session.dispose();

    expect(rec.points.map((p) => p.step)).toEqual([2, 4, 6, 8]);
    for (const p of rec.points) {
      expect(p.metric).toBe('kid');
      expect(Number.isFinite(p.value)).toBe(true);
      expect(p.baseline).toBe(rec.points[0]!.baseline);
    }
    // Best flags follow the running minimum.
    let min = Infinity;
    for (const p of rec.points) {
      expect(p.best).toBe(p.value < min);
      min = Math.min(min, p.value);
    }
    const { lines } = await readMetricsLog(join(session.runDir, 'metrics.jsonl'));
    const logged = lines.filter((l) => (l.type as string) === 'eval');
    expect(logged.map((l) => l.step)).toEqual([2, 4, 6, 8]);
    const bestStep = rec.points.filter((p) => p.best).at(-1)!.step;
    const checkpoints = await new CheckpointStore(join(session.runDir, 'checkpoints')).list();
    expect(checkpoints.filter((c) => c.best).map((c) => c.step)).toEqual([bestStep]);
    const standing = await evalStandingAt(join(session.runDir, 'metrics.jsonl'), 8);
    expect(standing).toEqual({ best: min, bestStep, sinceBest: rec.points.filter((p) => p.step > bestStep).length });
  });

  it('stops early after `patience` evaluations without a new best, keeps the best checkpoint, and stays finished when reopened', async () => {
    // Evaluations at steps 2, 4, 6, 8…: best at 4, then two without a new best (a tie is not one).
    const config = evalConfig(2, 50, 40, 2);
    const rec = recorder();
    const session = await TrainingSession.create(join(project, 'runs'), config, memoryBatches(loadMnistDemo(), config.model), rec.listener, {
      evaluator: scripted([0.5, 0.3, 0.4, 0.3, 0.1], config),
    });
    session.start();
    await rec.until(() => rec.statuses.at(-1)?.state === 'completed', 'run completes');
    const final = session.status();
    await session.dispose();

    expect(rec.points.map((p) => [p.step, p.best])).toEqual([[2, true], [4, true], [6, false], [8, false]]);
    expect(final).toMatchObject({ state: 'completed', step: 8, steps: 40 });
    expect(final.message).toBe('Stopped early at step 8: KID has not improved in 2 evaluations in a row (early stopping). Its best checkpoint, step 4, is kept and marked best.');
    const checkpoints = await new CheckpointStore(join(session.runDir, 'checkpoints')).list();
    expect(checkpoints[0]!.step).toBe(8);
    expect(checkpoints.find((c) => c.best)?.step).toBe(4);
    const { lines } = await readMetricsLog(join(session.runDir, 'metrics.jsonl'));
    expect(Math.max(...lines.filter((l) => l.type === 'step').map((l) => Number(l.step)))).toBe(8);
    expect(lines.some((l) => l.type === 'event' && /^Stopped early at step 8/.test(String(l.message)))).toBe(true);
    expect(await readRunEnd(session.runDir)).toEqual({ step: 8, message: final.message });

    // Reopened, it is finished: completed with the same message, and start() does not train on.
    const reopened = recorder();
    const { session: again } = await TrainingSession.open(session.runDir, (c) => memoryBatches(loadMnistDemo(), c.model), reopened.listener);
    expect(again.status()).toMatchObject({ state: 'completed', step: 8, message: final.message });
    again.start();
    expect(again.status().state).toBe('completed');
    await again.dispose();
  });

  it.each(['pause', 'stop'] as const)('a %s that lands while the evaluation that runs out the patience finishes ends the run early, not with the decision pending', async (control) => {
    const config = evalConfig(2, 50, 40, 1);
    const rec = recorder();
    let session!: TrainingSession;
    let pausing: Promise<void> | null = null;
    // The second evaluation (no new best: patience 1 runs out) returns after the pause or stop has begun.
    let calls = 0;
    const evaluator = scripted([0.5, 0.6], config, () => (++calls === 2 ? (pausing = session[control]()) : undefined));
    session = await TrainingSession.create(join(project, 'runs'), config, memoryBatches(loadMnistDemo(), config.model), rec.listener, { evaluator });
    session.start();
    await rec.until(() => pausing !== null, `${control} requested`);
    await pausing;
    expect(session.status()).toMatchObject({ state: 'completed', step: 4 });
    expect(session.status().message).toMatch(/^Stopped early at step 4: .* Its best checkpoint, step 2, is kept/);
    expect(await readRunEnd(session.runDir)).toMatchObject({ step: 4 });
    expect((await new CheckpointStore(join(session.runDir, 'checkpoints')).list())[0]!.step).toBe(4);
    // A Stop afterwards leaves it completed.
    await session.stop();
    expect(session.status().state).toBe('completed');
    await session.dispose();
  });

  it('the patience count survives a reopen: evaluations without a new best before it still count', async () => {
    const config = evalConfig(2, 50, 40, 3);
    const rec = recorder();
    let session!: TrainingSession;
    let calls = 0;
    // Best at step 2, then two without a new best; the user stops during the third evaluation's step.
    const evaluator = scripted([0.5, 0.6, 0.7], config, () => (++calls === 3 ? void session.stop() : undefined));
    session = await TrainingSession.create(join(project, 'runs'), config, memoryBatches(loadMnistDemo(), config.model), rec.listener, { evaluator });
    session.start();
    await rec.until(() => rec.statuses.at(-1)?.state === 'stopped', 'run stopped');
    await session.dispose();
    expect(rec.points.map((p) => p.best)).toEqual([true, false, false]);
    expect(await readRunEnd(session.runDir)).toBeNull();

    // Reopened: two evaluations without a new best are already behind it, so one more ends it.
    const again = recorder();
    const { session: reopened } = await TrainingSession.open(
      session.runDir,
      (c) => memoryBatches(loadMnistDemo(), c.model),
      again.listener,
      (c) => scripted([0.65], c),
    );
    expect(reopened.status()).toMatchObject({ state: 'paused', step: 6 });
    reopened.start();
    await again.until(() => again.statuses.at(-1)?.state === 'completed', 'run completes');
    expect(reopened.status()).toMatchObject({ state: 'completed', step: 8 });
    expect(reopened.status().message).toMatch(/^Stopped early at step 8: KID has not improved in 3 evaluations in a row .* step 2, is kept/);
    await reopened.dispose();
  });

  it('runs out of patience at the last step without calling it an early stop', async () => {
    const config = evalConfig(2, 50, 8, 2);
    const rec = recorder();
    const session = await TrainingSession.create(join(project, 'runs'), config, memoryBatches(loadMnistDemo(), config.model), rec.listener, {
      evaluator: scripted([0.5, 0.4, 0.6, 0.7], config),
    });
    session.start();
    await rec.until(() => rec.statuses.at(-1)?.state === 'completed', 'run completes');
    expect(session.status()).toMatchObject({ state: 'completed', step: 8, message: null });
    await session.dispose();
    expect(await readRunEnd(session.runDir)).toBeNull();
  });

  it('without patience, or with evaluations that keep improving, a run trains all its steps', async () => {
    for (const [patience, values] of [[0, [0.5, 0.6, 0.7, 0.8]], [2, [0.5, 0.4, 0.6, 0.3]]] as const) {
      const config = evalConfig(2, 50, 8, patience);
      const rec = recorder();
      const session = await TrainingSession.create(join(project, 'runs'), config, memoryBatches(loadMnistDemo(), config.model), rec.listener, { evaluator: scripted([...values], config) });
      session.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'completed', 'run completes');
      expect(session.status(), `patience ${patience}`).toMatchObject({ state: 'completed', step: 8, message: null });
      await session.dispose();
      expect(await readRunEnd(session.runDir)).toBeNull();
    }
  });

  it('a pause interrupts an evaluation in progress instead of waiting for it', async () => {
    const config = evalConfig(2, 2000, 50);
    let started!: () => void;
    const evaluating = new Promise<void>((resolve) => (started = resolve));
    class Watched extends TrainingEvaluator {
      override evaluate(images: ImageSource, signal?: AbortSignal) {
        started();
        return super.evaluate(images, signal);
      }
    }
    const evaluator = new Watched({ source: 'demo:mnist', projectDir: project, evaluation: config.evaluation, seed: config.seed });
    await evaluator.prepare();
    const rec = recorder();
    const session = await TrainingSession.create(join(project, 'runs'), config, memoryBatches(loadMnistDemo(), config.model), rec.listener, { evaluator });
    session.start();
    await evaluating;
    await session.pause();
    expect(session.status()).toMatchObject({ state: 'paused', step: 2 });
    await session.dispose();
    const { lines } = await readMetricsLog(join(session.runDir, 'metrics.jsonl'));
    expect(lines.some((l) => l.type === 'event' && /Evaluation at step 2 interrupted/.test(String(l.message)))).toBe(true);
    expect(rec.points).toEqual([]);
  });

  it('keeps training while the classifier is still being prepared, and says it skipped', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'gan-eval-unprepared-'));
    const config = evalConfig(1, 50, 3);
    const evaluator = new TrainingEvaluator({ source: 'demo:mnist', projectDir: fresh, evaluation: config.evaluation, seed: config.seed });
    const rec = recorder();
    const session = await TrainingSession.create(join(fresh, 'runs'), config, memoryBatches(loadMnistDemo(), config.model), rec.listener, { evaluator });
    session.start();
    await rec.until(() => rec.statuses.at(-1)?.state === 'completed', 'run completes');
    await session.dispose(); // also abandons the classifier training
    const { lines } = await readMetricsLog(join(session.runDir, 'metrics.jsonl'));
    expect(lines.filter((l) => l.type === 'event' && /skipped: the evaluation classifier is still being prepared/.test(String(l.message))).length).toBeGreaterThan(0);
    // Nothing chose a best, so the final checkpoint is the best as before.
    const checkpoints = await new CheckpointStore(join(session.runDir, 'checkpoints')).list();
    expect(checkpoints.find((c) => c.best)?.step).toBe(3);
  });

  it('the controller wires it up: a run started with evaluation.every emits eval.training events', async () => {
    const events: { event: string; payload: unknown }[] = [];
    const controller = new TrainingController((event, payload) => events.push({ event, payload }));
    // Caches were filled by the tests above, so preparation is quick; 400 tiny steps outlast it.
    await controller.start(join(project, 'runs'), evalConfig(100, 50, 400), 'demo:mnist');
    const until = recorder().until;
    await until(() => events.some((e) => e.event === 'train.status' && (e.payload as RunStatus).state === 'completed'), 'run completes');
    await controller.shutdown();
    const evals = events.filter((e) => e.event === 'eval.training').map((e) => e.payload as { runId: string; point: TrainingEvalPoint });
    expect(evals.length).toBeGreaterThan(0);
    expect(evals.every((e) => e.point.step % 100 === 0)).toBe(true);
  });
});
