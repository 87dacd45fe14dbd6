/**
 * Training on a CPU backend runs in a worker thread of its own (train-worker.ts), so the engine
 * thread stays free for every other view while a run trains.
 *
 * On the CPU a training step is one long synchronous computation (the gradients of G and D: ~130 ms
 * for a 32-px colour DCGAN on one thread, seconds at 64 px). On the engine thread every other
 * request (an explorer image, a page of thumbnails, an export) waited for the step in progress
 * (thread-share.ts keeps that wait to one step). In the worker, the run keeps its cores and the
 * engine thread answers at once. On a GPU a step is milliseconds and the engine keeps training on
 * its own thread (a GPU context per thread is not something to rely on).
 *
 * TrainingThread has the TrainingController's interface. status() and streamsDataset() answer from
 * the worker's last snapshot (sent on every change, between steps); everything else is a call. The
 * worker starts with the first run. When it stops (crash, out of memory) the run is marked failed
 * with the reason, its checkpoints stay, and the next start or open begins a fresh worker.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { trainConfigSchema, type TrainConfig } from '../../api/train-config';
import { datasetRefSchema, liveParamsSchema, runStatusSchema, trainControlSchema, type DatasetRef, type LiveParamsShape, type RunHistoryShape, type RunStatusShape } from '../../api/training';
import { backendNameSchema, type BackendName } from '../../api/schemas';
import type { EmitEvent } from '../protocol';
import { WorkerClient } from '../worker-client';
import { readRunConfig } from '../../project/run-config';
import { readRunHistory } from '../../project/run-history';
import type { TrainingHost } from './controller';

export const trainWorkerDataSchema = z.object({
  backend: backendNameSchema,
  threads: z.number().int().positive().optional(),
  /** Data-parallel replicas for each run (engine/training/parallel), one thread each; absent or 1: one trainer on `threads`. */
  replicas: z.number().int().positive().optional(),
  workerDir: z.string().optional(),
  streamAboveBytes: z.number().int().positive().optional(),
});
export type TrainWorkerData = z.infer<typeof trainWorkerDataSchema>;

/** What the engine thread asks of the training thread (checked there as it arrives). */
export const trainCallSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('start'), runsDir: z.string().min(1), config: trainConfigSchema, dataset: datasetRefSchema }),
  z.object({ method: z.literal('open'), runDir: z.string().min(1) }),
  z.object({ method: z.literal('control'), command: trainControlSchema }),
  z.object({ method: z.literal('update'), params: liveParamsSchema.partial() }),
  z.object({ method: z.literal('history') }),
  z.object({ method: z.literal('shutdown') }),
]);
export type TrainCall = z.input<typeof trainCallSchema>;

/** What it sends back besides replies: the run's events, and snapshots of its status (checked here). */
const snapshotSchema = z.object({ kind: z.literal('snapshot'), status: runStatusSchema.nullable(), streaming: z.string().nullable() });
export type TrainWorkerEvent = { kind: 'event'; event: string; payload: unknown } | z.input<typeof snapshotSchema>;

function dropped(what: string): void {
  console.error(`engine: the training thread sent ${what}; dropped`);
}

/** The backends whose steps hold a thread for long: training gets its own. */
const CPU_BACKENDS: ReadonlySet<BackendName> = new Set(['wasm', 'cpu']);

/** See TrainingThread.releaseWhenIdle. */
export const IDLE_RELEASE_MS = 5 * 60_000;

export function trainsInThread(backend: BackendName): boolean {
  return CPU_BACKENDS.has(backend);
}

export class TrainingThread implements TrainingHost {
  private readonly thread: WorkerClient<TrainCall, TrainWorkerEvent>;
  private current: RunStatusShape | null = null;
  /** The folder of the run the thread has (or last had), for its history once the thread is gone. */
  private runDir: string | null = null;
  private streaming: string | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly emit: EmitEvent,
    data: TrainWorkerData,
    workerEntry?: string | URL,
    /** How long a thread whose run has ended is kept before it goes, and its memory with it. */
    private readonly idleMs = IDLE_RELEASE_MS,
  ) {
    this.thread = new WorkerClient({
      name: 'train-worker',
      callerUrl: import.meta.url,
      entry: workerEntry,
      workerData: data,
      stopped: (why) => `The training thread stopped (${why}). Starting or opening a run begins a fresh one.`,
      onEvent: (message) => this.received(message),
      onExit: (why) => this.lost(why),
    });
  }

  status(): RunStatusShape | null {
    return this.current;
  }

  streamsDataset(datasetDir: string): boolean {
    const state = this.current?.state;
    return (state === 'running' || state === 'paused') && this.streaming === resolve(datasetDir);
  }

  async start(runsDir: string, config: TrainConfig, dataset: DatasetRef): Promise<RunStatusShape> {
    const status = (await this.call({ method: 'start', runsDir, config, dataset })) as RunStatusShape;
    this.runDir = join(runsDir, status.runId);
    return status;
  }

  async open(runDir: string): Promise<{ status: RunStatusShape; skipped: string[]; warnings: string[] }> {
    const opened = (await this.call({ method: 'open', runDir })) as { status: RunStatusShape; skipped: string[]; warnings: string[] };
    this.runDir = runDir;
    return opened;
  }

  /**
   * After the thread of an ended run was let go, the run's status answers as the engine thread's
   * session would: pause, resume, stop and checkpoint change nothing on an ended run. A rollback
   * reopens it in a fresh thread first (it restores the newest checkpoint and leaves the run paused).
   */
  async control(command: z.infer<typeof trainControlSchema>): Promise<RunStatusShape> {
    const ended = this.endedAndLetGo();
    if (ended && command.action !== 'rollback') return ended;
    if (ended && this.runDir) await this.open(this.runDir);
    return (await this.call({ method: 'control', command })) as RunStatusShape;
  }

  async update(params: Partial<LiveParamsShape>): Promise<RunStatusShape> {
    // Live parameters of an ended run move nothing; its status is the answer.
    return this.endedAndLetGo() ?? ((await this.call({ method: 'update', params })) as RunStatusShape);
  }

  /**
   * The run's curve and grids: from the thread while it has the run; from the run's folder when the
   * thread stopped (as the controller would read them); null without a run.
   */
  async history(): Promise<RunHistoryShape | null> {
    if (this.thread.started) return (await this.call({ method: 'history' })) as RunHistoryShape | null;
    if (!this.runDir || !this.current) return null;
    return { runId: this.current.runId, config: await readRunConfig(this.runDir), ...(await readRunHistory(this.runDir)) };
  }

  /** Stops a live run with its final checkpoint, then the thread. */
  async shutdown(): Promise<void> {
    if (this.thread.started) await this.call({ method: 'shutdown' }).catch(() => undefined);
    this.clearIdle();
    await this.thread.dispose();
  }

  /** The run's status when it has ended and its thread was let go (idle release); else null. */
  private endedAndLetGo(): RunStatusShape | null {
    const run = this.current;
    return run && !this.thread.started && run.state !== 'running' && run.state !== 'paused' ? run : null;
  }

  private call(call: TrainCall): Promise<unknown> {
    this.clearIdle();
    const reply = this.thread.call(call);
    const settled = () => this.releaseWhenIdle();
    reply.then(settled, settled);
    return reply;
  }

  /**
   * A thread whose run has ended (completed, stopped, failed, or none) and that is not answering
   * anything goes after `idleMs`: its wasm heap stays at the run's peak otherwise. The run's status
   * stays here and its history is read from its folder; the next start or open begins a fresh thread.
   */
  private releaseWhenIdle(): void {
    this.clearIdle();
    const state = this.current?.state;
    if (!this.thread.started || state === 'running' || state === 'paused' || this.thread.busy) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      void this.thread.dispose('the run had ended');
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Snapshots and status events are checked; anything malformed is logged and dropped. */
  private received(message: TrainWorkerEvent): void {
    const kind = (message as { kind?: unknown } | null)?.kind;
    if (kind === 'snapshot') {
      const snapshot = snapshotSchema.safeParse(message);
      if (!snapshot.success) return dropped('a malformed status snapshot');
      this.current = snapshot.data.status;
      this.streaming = snapshot.data.streaming;
      this.releaseWhenIdle();
      return;
    }
    if (kind !== 'event' || typeof (message as { event?: unknown }).event !== 'string') return dropped('a message of no known kind');
    const { event, payload } = message as { event: string; payload: unknown };
    // A status event is the run's status as of now, like a snapshot (the two arrive in order).
    if (event === 'train.status') {
      const status = runStatusSchema.safeParse(payload);
      if (!status.success) return dropped('a malformed train.status event');
      this.current = status.data;
      this.releaseWhenIdle();
    }
    // The host checks every event against the engine protocol before it goes further.
    this.emit(event, payload);
  }

  /** The worker exited on its own: the run it had is over, and says why. */
  private lost(why: string): void {
    this.clearIdle();
    this.streaming = null;
    const run = this.current;
    if (run && (run.state === 'running' || run.state === 'paused')) {
      const next =
        run.lastCheckpointStep === null
          ? 'The run had no checkpoint yet: start it again.'
          : `Its checkpoints are kept: open the run to resume it from step ${run.lastCheckpointStep.toLocaleString('en-US')}.`;
      this.current = { ...run, state: 'failed', message: `The training thread stopped (${why}). ${next}` };
      this.emit('train.status', this.current);
    }
  }
}
