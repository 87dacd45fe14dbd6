/**
 * The engine's handle on the Learn playground, which runs in its own worker thread
 * (learn-worker.ts), started at the first request and stopped with the engine. A worker that dies
 * fails the requests waiting on it with a message saying what to do; the next request starts a
 * fresh one.
 */
import type { LearnFrame, LearnSettings, LearnState } from '../../api/learn';
import { WorkerClient } from '../worker-client';
import type { EmitEvent } from '../protocol';

export type LearnCall =
  | { method: 'configure'; settings: LearnSettings }
  | { method: 'step'; n: number }
  | { method: 'play' | 'pause' | 'reset' | 'state' };

/** What the worker posts besides replies. */
export type LearnWorkerEvent = { kind: 'frame'; frame: LearnFrame };

export class LearnController {
  private readonly thread: WorkerClient<LearnCall, LearnWorkerEvent>;

  constructor(emit: EmitEvent, workerEntry?: string | URL) {
    this.thread = new WorkerClient({
      name: 'learn-worker',
      callerUrl: import.meta.url,
      entry: workerEntry,
      stopped: (why) => `The Learn playground stopped (${why}). Press Reset to start it again.`,
      onEvent: (event) => emit('learn.frame', event.frame),
    });
  }

  call(call: { method: 'state' }): Promise<LearnState | null>;
  call(call: LearnCall): Promise<LearnState>;
  call(call: LearnCall): Promise<LearnState | null> {
    return this.thread.call(call) as Promise<LearnState | null>;
  }

  dispose(): Promise<void> {
    return this.thread.dispose();
  }
}
