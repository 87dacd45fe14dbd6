/**
 * The engine's one active training run: requests from the host start, steer and reopen runs;
 * session callbacks become engine events. One run at a time, because one run already keeps every
 * core of a CPU backend busy.
 */
import type { z } from 'zod';
import { StudioError } from '../../api/rpc';
import type { TrainConfig } from '../../api/train-config';
import type { LiveParamsShape, RunStatusShape, StepPoint, trainControlSchema } from '../../api/training';
import { loadMnistDemo } from '../data/mnist-demo';
import { memoryBatches } from '../data/memory-batches';
import { TrainingSession, type SessionListener } from './session';

export type EmitEvent = (event: string, payload: unknown) => void;

export class TrainingController {
  private session: TrainingSession | null = null;

  constructor(private readonly emit: EmitEvent) {}

  status(): RunStatusShape | null {
    return this.session?.status() ?? null;
  }

  async start(runsDir: string, config: TrainConfig, dataset: 'demo:mnist'): Promise<RunStatusShape> {
    await this.releaseIdle();
    const batches = memoryBatches(this.load(dataset), config.model);
    this.session = await TrainingSession.create(runsDir, config, batches, this.listener());
    this.session.start();
    return this.session.status();
  }

  /** Reopens a run folder (after a restart or a crash) at its newest valid checkpoint, paused. */
  async open(runDir: string, dataset: 'demo:mnist'): Promise<{ status: RunStatusShape; skipped: string[] }> {
    await this.releaseIdle();
    const data = this.load(dataset);
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

  private load(dataset: 'demo:mnist') {
    if (dataset !== 'demo:mnist') throw new StudioError({ code: 'invalid-request', message: `Unknown dataset ${dataset}` });
    return loadMnistDemo();
  }

  private listener(): SessionListener {
    return {
      status: (status) => this.emit('train.status', status),
      metrics: (runId, points) => this.emit('train.metrics', { runId, points: points.map(finiteOrNull) }),
      samples: (runId, step, png, width, height) =>
        this.emit('train.samples', { runId, step, image: { width, height, pngBase64: png.toString('base64') } }),
    };
  }
}

/** NaN and ±Infinity cannot cross JSON (and fail validation): they travel as null. */
function finiteOrNull(point: object): StepPoint {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(point)) out[key] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  return out as StepPoint;
}
