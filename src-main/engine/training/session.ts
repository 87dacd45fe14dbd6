/**
 * A training run in the engine process: the step loop, its on-disk record (config.json,
 * metrics.jsonl, samples/, checkpoints/) and the controls the app sends (pause, resume, stop,
 * checkpoint now, live hyperparameters, roll back after divergence). Between steps the loop yields
 * to the event loop so control messages are handled within one step.
 */
import { readRunClusters, writeRunClusters, type SavedClusters } from '../../project/run-clusters';
import * as tf from '@tensorflow/tfjs-core';
import { mkdir } from 'node:fs/promises';
import { readRunConfig } from '../../project/run-config';
import { readRunEnd, removeRunEnd, writeRunEnd } from '../../project/run-end';
import { BestEvaluation } from './early-stopping';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TrainConfig } from '../../api/train-config';
import { CheckpointStore, checkpointFileName, type NamedArray } from '../../project/checkpoint';
import { tensorsToArrays } from '../checkpoint/tensors';
import { writeFileAtomic } from '../../project/atomic';
import { MetricsLog } from '../../project/metrics-log';
import type { TrainingEvalPoint } from '../../api/evaluation';
import { evalStandingAt, evaluationImages, type EvalStanding, type TrainingEvaluator } from '../evaluation/in-training';
import { Coach, sampleDiversity, type CoachWarning } from './coach';
import { Rng } from '../rng';
import { Trainer, type LiveParams, type StepMetrics } from './trainer';
import { SAMPLE_GRID, SampleGrids, type RenderedGrid } from './sample-grids';
import { restoreNewest } from './restore';
import { type BatchSource } from '../batches/types';
import { CONFIG_FILE, runFiles, runIdOf, sampleFileName } from '../../project/layout';
import { isSampleStep } from '../../shared/sample-schedule';
import { engineThread, shareWindowMs } from '../thread-share';

export type RunState = 'running' | 'paused' | 'stopped' | 'completed' | 'failed';

export interface RunStatus {
  runId: string;
  state: RunState;
  step: number;
  steps: number;
  live: LiveParams;
  /** Why the run is paused, failed or completed early, in words (divergence, error, early stopping…). */
  message: string | null;
  lastCheckpointStep: number | null;
}

/** A step's metrics as the session reports them; epoch is null when the data source does not know its size. */
export type SessionPoint = StepMetrics & { imagesPerSecond: number; epoch: number | null };

export interface SessionListener {
  status(status: RunStatus): void;
  metrics(runId: string, points: SessionPoint[]): void;
  samples(runId: string, step: number, png: Buffer, width: number, height: number): void;
  /** The coach's plain-words warnings (discriminator winning, mode collapse…). */
  coach?(runId: string, warning: CoachWarning): void;
  /** An evaluation during training (config.evaluation.every > 0). */
  evaluation?(runId: string, point: TrainingEvalPoint): void;
}

/** Makes the run's trainers (its first, and each restore's): a plain Trainer, or the lead of data-parallel replicas. */
export type TrainerFactory = (config: TrainConfig, batches: BatchSource) => Trainer;

const plainTrainer: TrainerFactory = (config, batches) => new Trainer(config, batches);

export interface SessionOptions {
  /** Scores the generator every config.evaluation.every steps and marks the best checkpoint by it. */
  evaluator?: TrainingEvaluator | null;
  makeTrainer?: TrainerFactory;
}

const METRICS_INTERVAL_MS = 250;

export class TrainingSession {
  private state: RunState = 'paused';
  private message: string | null = null;
  private loop: Promise<void> | null = null;
  private lastCheckpointStep: number | null = null;
  private pending: SessionPoint[] = [];
  private lastEmit = 0;
  private readonly grids: SampleGrids;
  private readonly coach: Coach;
  /** The best in-training evaluation and early stopping's count; the loop (or a pause or stop that lands meanwhile) ends the run when it is exhausted. */
  private readonly evaluations: BestEvaluation;
  /** A pause is waiting for the loop and saving its checkpoint. */
  private settling = false;
  /** Aborts an evaluation in progress when the run is paused, stopped or rolled back. */
  private evalAbort: AbortController | null = null;

  private constructor(
    readonly runId: string,
    readonly runDir: string,
    readonly config: TrainConfig,
    private trainer: Trainer,
    private readonly batches: BatchSource,
    private readonly checkpoints: CheckpointStore,
    private readonly log: MetricsLog,
    private readonly listener: SessionListener,
    private readonly evaluator: TrainingEvaluator | null,
    realVariety: number,
    private readonly makeTrainer: TrainerFactory,
  ) {
    this.grids = new SampleGrids(trainer, config);
    this.coach = new Coach(config.loss.kind, realVariety);
    this.evaluations = new BestEvaluation(config);
  }

  /** Creates runs/<id>/ and a fresh trainer. */
  static async create(runsDir: string, config: TrainConfig, batches: BatchSource, listener: SessionListener, options: SessionOptions = {}): Promise<TrainingSession> {
    const runId = newRunId(config);
    const runDir = join(runsDir, runId);
    await mkdir(runFiles(runDir).samples, { recursive: true });
    await mkdir(runFiles(runDir).checkpoints, { recursive: true });
    await writeFileAtomic(runDir, CONFIG_FILE, [Buffer.from(JSON.stringify(config, null, 2))]);
    if (batches.clusters) await writeRunClusters(runDir, batches.clusters);
    const session = new TrainingSession(
      runId,
      runDir,
      config,
      (options.makeTrainer ?? plainTrainer)(config, batches),
      batches,
      new CheckpointStore(runFiles(runDir).checkpoints, { keepLast: config.keepCheckpoints }),
      new MetricsLog(runFiles(runDir).metrics),
      listener,
      options.evaluator ?? null,
      await realDiversity(batches, config),
      options.makeTrainer ?? plainTrainer,
    );
    return session;
  }

  /** Reopens an existing run at its newest valid checkpoint, paused (completed when it ended early there). */
  static async open(
    runDir: string,
    makeBatches: (config: TrainConfig, clusters: SavedClusters | undefined) => BatchSource,
    listener: SessionListener,
    makeEvaluator: (config: TrainConfig) => TrainingEvaluator | null = () => null,
    makeTrainer: TrainerFactory = plainTrainer,
  ): Promise<{ session: TrainingSession; skipped: string[] }> {
    const config = await readRunConfig(runDir);
    // A run on clusters resumes on the clusters it started with; one whose clusters.json is gone
    // finds them again and saves them, so evaluation and resuming agree from then on.
    const clusters = config.model.labels === 'clusters' ? ((await readRunClusters(runDir)) ?? undefined) : undefined;
    let batches: BatchSource;
    try {
      batches = makeBatches(config, clusters);
    } catch (err) {
      // The data no longer fits the run (its clusters, its classes): say which run.
      throw new Error(`${runDir}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const runId = runIdOf(runDir);
    const checkpoints = new CheckpointStore(runFiles(runDir).checkpoints, { keepLast: config.keepCheckpoints });
    const log = new MetricsLog(runFiles(runDir).metrics);
    const variety = await realDiversity(batches, config);
    const session = new TrainingSession(runId, runDir, config, makeTrainer(config, batches), batches, checkpoints, log, listener, makeEvaluator(config), variety, makeTrainer);
    try {
      const skipped = await session.restoreLatest('open');
      await session.applyRunEnd();
      if (!clusters && batches.clusters) await writeRunClusters(runDir, batches.clusters);
      return { session, skipped };
    } catch (err) {
      // Nothing of this session outlives the refusal: its trainer's tensors, its log.
      await session.dispose();
      throw err;
    }
  }

  /** A run that ended early (ended.json) at the step it reopens at is finished: it does not train on. */
  private async applyRunEnd(): Promise<void> {
    const end = await readRunEnd(this.runDir);
    if (end && end.step === this.trainer.step && this.trainer.step > 0) {
      this.state = 'completed';
      this.message = end.message;
    }
  }

  status(): RunStatus {
    return {
      runId: this.runId,
      state: this.state,
      step: this.trainer.step,
      steps: this.config.steps,
      live: this.trainer.liveParams(),
      message: this.message,
      lastCheckpointStep: this.lastCheckpointStep,
    };
  }

  /** Passes over the dataset so far, fractional. */
  private epoch(): number | null {
    return this.batches.size ? this.trainer.realImages / this.batches.size : null;
  }

  start(): void {
    // Not while a pause is still saving (another window's Resume): a second loop would train beside it.
    if (this.settling || this.state === 'running' || this.state === 'stopped' || this.state === 'completed') return;
    this.setState('running', null);
    // Classifier and real features get ready in the background of the first steps.
    if (this.evaluator && this.config.evaluation.every > 0) void this.evaluator.prepare().catch(() => undefined);
    this.loop = this.run().catch((err: unknown) => this.fail(err));
  }

  async pause(message: string | null = null): Promise<void> {
    if (this.state !== 'running') return;
    this.setState('paused', message);
    this.interruptLoop();
    this.settling = true;
    try {
      await this.loop;
      // An evaluation that finished as the pause landed may have run out the patience: the run ends
      // as it would have a moment later, rather than pausing with the decision pending.
      if (this.evaluations.exhausted) return await this.endEarly();
      await this.checkpoint();
    } finally {
      this.settling = false;
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'completed') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    this.interruptLoop();
    if (wasRunning) await this.loop;
    // The loop finished the run meanwhile (its last step, or early stopping): it stays completed;
    // an evaluation that ran out the patience as the stop landed ends it early, as a pause does.
    if ((this.state as RunState) === 'completed') return;
    if (this.evaluations.exhausted) return await this.endEarly();
    await this.checkpoint();
    this.setState('stopped', null);
  }

  async checkpoint(best = false): Promise<void> {
    if (this.trainer.step === 0) return;
    if (this.lastCheckpointStep === this.trainer.step) {
      // Already saved at this step: only the best pointer may need to move to it.
      if (best) await this.checkpoints.markBest(checkpointFileName(this.trainer.step));
      return;
    }
    const state = await this.trainer.exportState();
    const groups: Record<string, NamedArray[]> = {};
    for (const [name, list] of Object.entries(state.groups)) groups[name] = await tensorsToArrays(list);
    await this.checkpoints.save(
      { step: state.step, meta: { rngState: state.rngState, realImages: state.realImages, live: state.live, ...(state.adaptive ? { adaptive: state.adaptive } : {}), config: this.config }, groups },
      { best },
    );
    this.lastCheckpointStep = state.step;
    await this.log.flush();
    this.emitStatus();
  }

  /** Writes a message into the run's log at the current step (what the user was told on reopening). */
  note(message: string): void {
    this.log.append({ type: 'event', step: this.trainer.step, message });
  }

  /** Makes metrics.jsonl complete up to now (readers of the run's history need it). */
  flushLog(): Promise<void> {
    return this.log.flush();
  }

  updateLive(next: Partial<LiveParams>): LiveParams {
    const live = this.trainer.setLiveParams(next);
    this.log.append({ type: 'params', step: this.trainer.step, ...live });
    this.emitStatus();
    return live;
  }

  /** After divergence: back to the newest good checkpoint with the learning rates scaled down. */
  async rollback(lrFactor: number): Promise<void> {
    const live = this.trainer.liveParams();
    const scaled = { gLr: live.gLr * lrFactor, dLr: live.dLr * lrFactor };
    // Checked before anything stops or is restored: a rate this small underflows to 0, which no step can use.
    if (!(lrFactor > 0 && scaled.gLr > 0)) throw new Error(`Rollback refused: G's learning rate ${live.gLr} × ${lrFactor} is not a usable rate. Use a factor in (0, 1].`);
    if (this.state === 'running') {
      // Halt without the checkpoint pause() would write: that would save the very weights being
      // rolled back from, and the restore below would find them.
      this.state = 'paused';
      this.interruptLoop();
      await this.loop;
    }
    try {
      await this.restoreLatest('rollback');
    } catch (err) {
      // Halted but not rolled back: say so, so no view keeps showing a run that no longer moves.
      this.setState('paused', err instanceof Error ? err.message : String(err));
      throw err;
    }
    this.updateLive(scaled);
    this.log.append({ type: 'event', step: this.trainer.step, message: `rolled back to step ${this.trainer.step}, learning rates ×${lrFactor}` });
    this.setState('paused', null);
  }

  /** A grid from the current generator (the EMA one when enabled): the run's fixed noise by default, or `count` fresh latents from `seed`. */
  renderSamples(options: { count?: number; seed?: number } = {}): Promise<RenderedGrid> {
    return this.grids.render(this.trainer, options);
  }

  async dispose(): Promise<void> {
    try {
      if (this.state === 'running') await this.stop();
      await this.log.flush();
    } catch (err) {
      // A log or checkpoint that cannot be written must not keep the run (and its tensors) alive.
      if (this.state !== 'failed') this.fail(err);
    }
    this.trainer.dispose();
    this.evaluator?.dispose();
    this.grids.dispose();
  }

  private async run(): Promise<void> {
    const { config } = this;
    // Training again (a reopen at an older checkpoint than the one it ended at): that end no longer
    // holds. A file that cannot be removed only costs the runs list's word for it, not the run.
    await removeRunEnd(this.runDir).catch((err: Error) =>
      this.log.append({ type: 'event', step: this.trainer.step, message: `${err.message}: remove it, or the runs list may call this run finished early` }),
    );
    while (this.state === 'running') {
      if (this.trainer.step >= config.steps) {
        this.flushMetrics();
        // The final checkpoint is the best one unless evaluation has been choosing.
        await this.checkpoint(this.evaluations.best === null);
        this.setState('completed', null);
        return;
      }
      if (this.log.failure) throw this.log.failure;
      const metrics = await this.trainer.trainStep();
      const point = { ...metrics, imagesPerSecond: config.batchSize / (metrics.stepMs / 1000), epoch: this.epoch() };
      this.log.append({ type: 'step', ...point });
      this.pending.push(point);
      this.advise(this.coach.observe(point));
      if (![metrics.dLoss, metrics.gLoss].every(Number.isFinite)) {
        this.flushMetrics();
        await this.log.flush();
        this.setState('paused', `The losses became non-finite at step ${metrics.step} (the run diverged). Roll back to the last good checkpoint with a lower learning rate.`);
        return;
      }
      if (isSampleStep(metrics.step, config.sampleEvery)) await this.saveSamples(metrics.step);
      if (metrics.step % config.checkpointEvery === 0) await this.checkpoint();
      if (this.evaluator && config.evaluation.every > 0 && metrics.step % config.evaluation.every === 0) await this.evaluate(metrics.step);
      if (this.evaluations.exhausted && this.state === 'running') return await this.endEarly();
      if (performance.now() - this.lastEmit > METRICS_INTERVAL_MS) this.flushMetrics();
      // Let pause/stop/update messages in between steps, and other views' requests finish.
      await engineThread.yieldTurn(shareWindowMs(metrics.stepMs));
    }
    this.flushMetrics();
  }

  /**
   * Scores the current generator (the EMA one when enabled) on the run's fixed evaluation latents,
   * logs and emits the value, and makes this step's checkpoint the best when it is the lowest so
   * far. Skipped, not awaited, while the classifier is still being prepared; aborted by pause/stop.
   */
  private async evaluate(step: number): Promise<void> {
    const evaluator = this.evaluator!;
    if (!evaluator.isReady()) {
      const why = evaluator.failure ? `the evaluation could not be prepared (${evaluator.failure})` : 'the evaluation classifier is still being prepared';
      this.log.append({ type: 'event', step, message: `Evaluation at step ${step} skipped: ${why}` });
      return;
    }
    const abort = new AbortController();
    this.evalAbort = abort;
    try {
      const images = evaluationImages(this.trainer, this.config, this.trainer.emaGenerator ?? this.trainer.generator, this.batches.clusters?.sizes ?? this.batches.classSizes);
      const { value, std, baseline } = await evaluator.evaluate(images, abort.signal);
      if (!Number.isFinite(value)) {
        this.log.append({ type: 'event', step, message: `Evaluation at step ${step} gave a non-finite ${evaluator.metric}` });
        return;
      }
      const best = this.evaluations.observe(step, value);
      if (best) await this.checkpoint(true);
      const point: TrainingEvalPoint = { step, metric: evaluator.metric, value, std, baseline, best };
      this.log.append({ type: 'eval', ...point });
      this.listener.evaluation?.(this.runId, point);
    } catch (err) {
      const message = abort.signal.aborted ? 'interrupted' : `failed: ${err instanceof Error ? err.message : String(err)}`;
      this.log.append({ type: 'event', step, message: `Evaluation at step ${step} ${message}` });
    } finally {
      this.evalAbort = null;
    }
  }

  private async saveSamples(step: number): Promise<void> {
    const { png, width, height, values, count } = await this.renderSamples();
    // The coach judges the generator being trained: an EMA one lags it (at 0.999, by about a
    // thousand steps) and early on still shows the initial samples, which all look alike.
    const trained = this.trainer.emaGenerator ? await this.grids.fixedNoiseValues(this.trainer, this.trainer.generator) : values;
    this.advise(this.coach.observeSamples(step, trained, count));
    await writeFileAtomic(runFiles(this.runDir).samples, sampleFileName(step), [png]);
    this.listener.samples(this.runId, step, png, width, height);
  }

  private advise(warnings: CoachWarning[]): void {
    for (const warning of warnings) {
      this.log.append({ type: 'event', step: warning.step, message: warning.message, coach: warning.kind, since: warning.since, suggestion: warning.suggestion });
      this.listener.coach?.(this.runId, warning);
    }
  }

  /**
   * Loads the newest checkpoint this build can resume into a fresh trainer. With none saved yet, a
   * run opens at step 0 and a rollback goes back to the run's initial weights (same seed). When
   * every checkpoint is passed over it throws, naming each file and why, and changes nothing.
   */
  private async restoreLatest(purpose: 'open' | 'rollback'): Promise<string[]> {
    const restored = await restoreNewest(this.checkpoints, this.config, this.batches, { runId: this.runId, purpose, makeTrainer: this.makeTrainer });
    if (!restored) {
      if (purpose === 'open') return [];
      // This session saved one, and now none is there: gone from the disk, not "none yet".
      if (this.lastCheckpointStep !== null) {
        throw new Error(
          `No checkpoint of run ${this.runId} to roll back to: the one saved at step ${this.lastCheckpointStep} is no longer in ${runFiles(this.runDir).checkpoints}. ` +
            'Restore it there, or stop this run and start a new one from its config.',
        );
      }
      await this.log.flush();
      const standing = await evalStandingAt(this.log.path, 0);
      this.replaceTrainer();
      this.evaluations.restore(standing);
      this.log.append({ type: 'event', step: 0, message: 'no checkpoint saved yet: back to the initial weights', restoredTo: 0 });
      return [];
    }
    const { trainer, step, file } = restored;
    let standing: EvalStanding;
    try {
      await this.log.flush();
      standing = await evalStandingAt(this.log.path, step);
    } catch (err) {
      trainer.dispose();
      throw err;
    }
    // Nothing that can fail after the swap.
    this.replaceTrainer(trainer);
    this.lastCheckpointStep = step;
    this.evaluations.restore(standing);
    this.log.append({ type: 'event', step, message: `resumed from checkpoint at step ${step}`, restoredTo: step });
    if (restored.adaptiveMissing) {
      this.log.append({ type: 'event', step, message: `${file} has no adaptive augmentation state: the strength starts again from 0` });
    }
    return restored.skipped;
  }

  /**
   * Early stopping's end of a run, at the current step: a checkpoint, ended.json (so the runs list
   * and a reopen know it finished) and the reason in the status and the log.
   */
  private async endEarly(): Promise<void> {
    this.evaluations.exhausted = false;
    this.flushMetrics();
    await this.checkpoint();
    const message = this.evaluations.endMessage(this.trainer.step);
    await writeRunEnd(this.runDir, { step: this.trainer.step, message });
    this.setState('completed', message);
  }

  /**
   * Swaps in `next`, by default a fresh trainer at the run's initial weights (optimisers cannot take
   * new slots over old ones without leaking them, so a restore never reuses the current one).
   */
  private replaceTrainer(next: Trainer = this.makeTrainer(this.config, this.batches)): void {
    this.trainer.dispose();
    this.trainer = next;
    this.lastCheckpointStep = null;
  }

  private flushMetrics(): void {
    this.lastEmit = performance.now();
    if (this.pending.length === 0) return;
    this.listener.metrics(this.runId, this.pending);
    this.pending = [];
    void this.log.flush();
  }

  private fail(err: unknown): void {
    this.setState('failed', err instanceof Error ? err.message : String(err));
  }

  /** After the state left 'running': the loop stops now, not after an evaluation or a wait on other requests. */
  private interruptLoop(): void {
    this.evalAbort?.abort();
    engineThread.wake();
  }

  private setState(state: RunState, message: string | null): void {
    this.state = state;
    this.message = message;
    if (message) this.log.append({ type: 'event', step: this.trainer.step, message });
    this.emitStatus();
  }

  private emitStatus(): void {
    this.listener.status(this.status());
  }
}

/** The variety of one batch of real images, drawn with its own RNG so the run's draws are untouched. */
async function realDiversity(batches: BatchSource, config: TrainConfig): Promise<number> {
  const batch = batches(SAMPLE_GRID.rows * SAMPLE_GRID.cols, new Rng(config.seed ^ 0x7f4a7c15));
  // Read asynchronously: WebGPU in Node has no synchronous read-back.
  const values = (await batch.images.data()) as Float32Array;
  const diversity = sampleDiversity(values, batch.images.shape[0]);
  tf.dispose([batch.images, ...(batch.labels ? [batch.labels] : [])]);
  return diversity;
}

function newRunId(config: TrainConfig): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  // The random tail keeps two runs started in the same second apart.
  return `${stamp}-${config.model.architecture}-${config.loss.kind}-${randomBytes(2).toString('hex')}`;
}
