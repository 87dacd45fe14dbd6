/**
 * The engine's one active training run: requests from the host start, steer and reopen runs;
 * session callbacks become engine events. One run at a time, because one run already keeps every
 * core of a CPU backend busy.
 */
import { StudioError } from '../../api/rpc';
import type { TrainConfig } from '../../api/train-config';
import { datasetRefSchema, type DatasetRef, type LiveParamsShape, type RunHistoryShape, type RunStatusShape, type trainControlSchema } from '../../api/training';

const runFileSchema = z.object({ dataset: datasetRefSchema });
import { loadMnistDemo, type LabelledImages } from '../data/mnist-demo';
import { hasProjectDataset, loadProjectDataset } from '../data/project-dataset';
import { writeFileAtomic } from '../checkpoint/atomic';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { memoryBatches } from '../data/memory-batches';
import { TrainingSession, type SessionListener } from './session';
import { readRunHistory } from './history';
import { toStepPoint } from './step-point';

export type EmitEvent = (event: string, payload: unknown) => void;

export class TrainingController {
  private session: TrainingSession | null = null;

  constructor(private readonly emit: EmitEvent) {}

  status(): RunStatusShape | null {
    return this.session?.status() ?? null;
  }

  async history(): Promise<RunHistoryShape | null> {
    if (!this.session) return null;
    await this.session.flushLog();
    return { runId: this.session.runId, config: this.session.config, ...(await readRunHistory(this.session.runDir)) };
  }

  async start(runsDir: string, config: TrainConfig, dataset: DatasetRef): Promise<RunStatusShape> {
    await this.releaseIdle();
    const data = await this.load(dataset, dirname(runsDir));
    this.session = await TrainingSession.create(runsDir, config, memoryBatches(data, config.model), this.listener());
    // Which data the run trains on, so reopening it later finds the same images.
    await writeFileAtomic(this.session.runDir, 'run.json', [Buffer.from(JSON.stringify({ dataset }))]);
    this.session.start();
    return this.session.status();
  }

  /** Reopens a run folder (after a restart or a crash) at its newest valid checkpoint, paused. */
  async open(runDir: string): Promise<{ status: RunStatusShape; skipped: string[] }> {
    await this.releaseIdle();
    const run = await readFile(join(runDir, 'run.json'), 'utf8').then((t) => runFileSchema.parse(JSON.parse(t)), () => ({ dataset: 'demo:mnist' as const }));
    const data = await this.load(run.dataset, dirname(dirname(runDir)));
    const { session, skipped } = await TrainingSession.open(runDir, (config) => memoryBatches(data, config.model), this.listener());
    this.session = session;
    return { status: session.status(), skipped };
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

  async shutdown(): Promise<void> {
    await this.session?.dispose();
    this.session = null;
  }

  private require(): TrainingSession {
    if (!this.session) throw new StudioError({ code: 'invalid-request', message: 'No training run is open.' });
    return this.session;
  }

  /** A new run replaces a finished or stopped one, never a live one. */
  private async releaseIdle(): Promise<void> {
    const state = this.session?.status().state;
    if (state === 'running' || state === 'paused') {
      throw new StudioError({ code: 'invalid-request', message: `Run ${this.session!.runId} is ${state}: stop it before starting another.` });
    }
    await this.shutdown();
  }

  private async load(dataset: DatasetRef, projectDir: string): Promise<LabelledImages> {
    if (dataset === 'demo:mnist') return loadMnistDemo();
    if (!(await hasProjectDataset(projectDir))) {
      throw new StudioError({ code: 'invalid-request', message: 'This project has no imported dataset yet: import an image folder first.' });
    }
    return loadProjectDataset(projectDir);
  }

  private listener(): SessionListener {
    return {
      status: (status) => this.emit('train.status', status),
      metrics: (runId, points) => this.emit('train.metrics', { runId, points: points.map((point) => toStepPoint({ ...point })) }),
      coach: (runId, warning) => this.emit('train.coach', { runId, warning }),
      samples: (runId, step, png, width, height) =>
        this.emit('train.samples', { runId, step, image: { width, height, pngBase64: png.toString('base64') } }),
    };
  }
}
