/**
 * The engine's one active training run: requests from the host start, steer and reopen runs;
 * session callbacks become engine events. One run at a time, because one run already keeps every
 * core of a CPU backend busy.
 */
import { StudioError } from '../../api/rpc';
import type { TrainConfig } from '../../api/train-config';
import type { DatasetRef, LiveParamsShape, RunHistoryShape, RunStatusShape, trainControlSchema } from '../../api/training';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { datasetTitle, hasDataset, noDataset } from '../dataset/project-dataset';
import { isStreamed, openDatasetTrainingData, runDataOf, trainingBatches, trainingDataShape, type TrainingData } from '../batches/training-data';
import { assertTrainable } from '../../shared/model-design/review';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { trainingEvaluatorFor } from '../evaluation/in-training';
import { dataChange, runDataset, runStartData, writeRunFile } from '../../project/run-file';
import { datasetDirOf, projectOfRun } from '../../project/layout';
import { TrainingSession, type SessionListener, type TrainerFactory } from './session';
import { ReplicaGroup } from './parallel/replicas';
import { replicaTraining } from './parallel/lead';
import type { BackendName } from '../../api/schemas';
import { readRunHistory } from '../../project/run-history';
import { toStepPoint } from '../../project/step-point';

import type { EmitEvent } from '../protocol';

/** The engine's one training run, wherever it runs: on the engine thread (TrainingController) or in
 *  a thread of its own (thread.ts). */
export interface TrainingHost {
  streamsDataset(datasetDir: string): boolean;
  status(): RunStatusShape | null;
  history(): Promise<RunHistoryShape | null>;
  start(runsDir: string, config: TrainConfig, dataset: DatasetRef): Promise<RunStatusShape>;
  /** `warnings`: what the user should know before resuming (the dataset changed since the run started). */
  open(runDir: string): Promise<{ status: RunStatusShape; skipped: string[]; warnings: string[] }>;
  control(command: z.infer<typeof trainControlSchema>): Promise<RunStatusShape>;
  update(params: Partial<LiveParamsShape>): RunStatusShape | Promise<RunStatusShape>;
  shutdown(): Promise<void>;
}

export interface TrainingControllerOptions {
  /** Datasets with more pixel bytes than this train as a shard stream (tests lower it). */
  streamAboveBytes?: number;
  /** Train each run on data-parallel replicas (engine/training/parallel), this many, on this backend. */
  replicas?: { size: number; backend: BackendName } | undefined;
}

export class TrainingController implements TrainingHost {
  private session: TrainingSession | null = null;
  /** The project whose dataset the open run streams from its shards, if it does. */
  private streamingFrom: string | null = null;
  /** start/open/shutdown run one at a time: two at once made one run id, one folder, two sessions. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The other replicas of data-parallel runs, kept from run to run (started with the first). */
  private group: ReplicaGroup | null = null;

  constructor(
    private readonly emit: EmitEvent,
    private readonly options: TrainingControllerOptions = {},
  ) {}

  /**
   * True while a live run reads this dataset folder shard by shard: re-importing or deleting would
   * pull the files from under it. (A run that loaded its images into memory is unaffected.)
   */
  streamsDataset(datasetDir: string): boolean {
    return this.streamingFolder() === resolve(datasetDir);
  }

  /** The dataset folder a live run (running or paused) reads shard by shard, if one does. */
  streamingFolder(): string | null {
    const state = this.session?.status().state;
    return state === 'running' || state === 'paused' ? this.streamingFrom : null;
  }

  status(): RunStatusShape | null {
    return this.session?.status() ?? null;
  }

  async history(): Promise<RunHistoryShape | null> {
    if (!this.session) return null;
    await this.session.flushLog();
    return { runId: this.session.runId, config: this.session.config, ...(await readRunHistory(this.session.runDir)) };
  }

  start(runsDir: string, config: TrainConfig, dataset: DatasetRef): Promise<RunStatusShape> {
    return this.exclusive(() => this.startNow(runsDir, config, dataset));
  }

  private async startNow(runsDir: string, config: TrainConfig, dataset: DatasetRef): Promise<RunStatusShape> {
    this.assertIdle();
    const projectDir = dirname(runsDir);
    const loaded = await this.load(dataset, projectDir);
    // The handler reviewed the config alone; what it asks of this dataset (classes, clusters) is
    // checked here, before the finished run the engine still shows is let go.
    assertTrainable(config, { dataset: trainingDataShape(loaded, await datasetTitle(projectDir, dataset)) });
    await this.release();
    const { data, makeTrainer } = await this.trainers(loaded, dataset, projectDir);
    this.session = await TrainingSession.create(runsDir, config, trainingBatches(data, config.model), this.listener(), {
      evaluator: trainingEvaluatorFor(config, dataset, projectDir),
      makeTrainer,
    });
    // Which data the run trains on, so reopening it later finds the same images (and can tell when
    // they changed).
    await writeRunFile(this.session.runDir, dataset, runDataOf(data));
    this.session.start();
    return this.session.status();
  }

  /** Reopens a run folder (after a restart or a crash) at its newest valid checkpoint, paused (completed when it ended early there). */
  open(runDir: string): Promise<{ status: RunStatusShape; skipped: string[]; warnings: string[] }> {
    return this.exclusive(() => this.openNow(runDir));
  }

  private async openNow(runDir: string): Promise<{ status: RunStatusShape; skipped: string[]; warnings: string[] }> {
    await this.releaseIdle();
    const dataset = await runDataset(runDir);
    const projectDir = projectOfRun(runDir);
    const loaded = await this.load(dataset, projectDir);
    const started = await runStartData(runDir);
    const change = started && dataChange(started, runDataOf(loaded));
    const { data, makeTrainer } = await this.trainers(loaded, dataset, projectDir);
    const { session, skipped } = await TrainingSession.open(
      runDir,
      (config, clusters) => trainingBatches(data, config.model, {}, clusters),
      this.listener(),
      (config) => trainingEvaluatorFor(config, dataset, projectDir),
      makeTrainer,
    );
    this.session = session;
    if (change) session.note(change);
    return { status: session.status(), skipped, warnings: change ? [change] : [] };
  }

  async control(command: z.infer<typeof trainControlSchema>): Promise<RunStatusShape> {
    const session = this.require();
    switch (command.action) {
      case 'pause':
        await session.pause();
        break;
      case 'resume':
        session.start();
        break;
      case 'stop':
        await session.stop();
        break;
      case 'checkpoint':
        await session.checkpoint();
        break;
      case 'rollback':
        await session.rollback(command.lrFactor);
        break;
    }
    return session.status();
  }

  update(params: Partial<LiveParamsShape>): RunStatusShape {
    const session = this.require();
    session.updateLive(params);
    return session.status();
  }

  shutdown(): Promise<void> {
    return this.exclusive(async () => {
      await this.release();
      await this.group?.close();
      this.group = null;
    });
  }

  /** Runs one start/open/shutdown after the ones before it have settled. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async release(): Promise<void> {
    const session = this.session;
    this.session = null;
    await session?.dispose();
  }

  /**
   * The data the run's trainer reads and how its trainers are made: a plain trainer, or with
   * replicas the lead of a group (images in memory move onto shared memory, one copy for all).
   */
  private async trainers(data: TrainingData, dataset: DatasetRef, projectDir: string): Promise<{ data: TrainingData; makeTrainer?: TrainerFactory }> {
    const replicas = this.options.replicas;
    if (!replicas || replicas.size < 2) return { data };
    if (this.group?.broken) {
      await this.group.close();
      this.group = null;
    }
    const group = (this.group ??= new ReplicaGroup(replicas));
    return replicaTraining(group, data, dataset === 'demo:mnist' ? null : datasetDirOf(projectDir, dataset));
  }

  private require(): TrainingSession {
    if (!this.session) throw new StudioError({ code: 'invalid-request', message: 'No training run is open.' });
    return this.session;
  }

  /** A new run replaces a finished or stopped one, never a live one. */
  private assertIdle(): void {
    const state = this.session?.status().state;
    if (state === 'running' || state === 'paused') {
      throw new StudioError({ code: 'invalid-request', message: `Run ${this.session!.runId} is ${state}: stop it before starting another.` });
    }
  }

  private async releaseIdle(): Promise<void> {
    this.assertIdle();
    await this.release();
  }

  private async load(dataset: DatasetRef, projectDir: string): Promise<TrainingData> {
    this.streamingFrom = null;
    if (dataset === 'demo:mnist') return loadMnistDemo();
    const dir = datasetDirOf(projectDir, dataset);
    if (!(await hasDataset(dir))) throw noDataset(dataset);
    const data = await openDatasetTrainingData(dir, this.options.streamAboveBytes);
    if (isStreamed(data)) this.streamingFrom = resolve(dir);
    return data;
  }

  private listener(): SessionListener {
    return {
      status: (status) => this.emit('train.status', status),
      metrics: (runId, points) => this.emit('train.metrics', { runId, points: points.map((point) => toStepPoint({ ...point })) }),
      coach: (runId, warning) => this.emit('train.coach', { runId, warning }),
      evaluation: (runId, point) => this.emit('eval.training', { runId, point }),
      samples: (runId, step, png, width, height) =>
        this.emit('train.samples', { runId, step, image: { width, height, pngBase64: png.toString('base64') } }),
    };
  }
}
