/**
 * The engine's handle on the Learn playground, which runs in its own worker thread
 * (learn-worker.ts), started at the first request and stopped with the engine. A worker that dies
 * fails the requests waiting on it with a message saying what to do; the next request starts a
 * fresh one.
 */
import type { Worker } from 'node:worker_threads';
import type { LearnFrame, LearnSettings, LearnState } from '../../api/learn';
import { resolveWorkerEntry, spawnWorker } from '../dataset/worker-script';
import type { EmitEvent } from '../protocol';

export type LearnCall =
  | { method: 'configure'; settings: LearnSettings }
  | { method: 'step'; n: number }
  | { method: 'play' | 'pause' | 'reset' | 'state' };

export type LearnWorkerMessage =
  | { kind: 'frame'; frame: LearnFrame }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; message: string };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class LearnController {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly emit: EmitEvent,
    private readonly workerEntry?: string | URL,
  ) {}

  call(call: { method: 'state' }): Promise<LearnState | null>;
  call(call: LearnCall): Promise<LearnState>;
  call(call: LearnCall): Promise<LearnState | null> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, call });
    }) as Promise<LearnState | null>;
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.fail('the engine is shutting down');
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = spawnWorker(resolveWorkerEntry(import.meta.url, 'learn-worker', this.workerEntry));
    worker.on('message', (message: LearnWorkerMessage) => {
      if (message.kind === 'frame') {
        this.emit('learn.frame', message.frame);
        return;
      }
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(message.message));
    });
    worker.on('error', (error) => this.fail(error.message));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.fail(`its thread exited (code ${code})`);
    });
    // The playground never keeps the engine process alive by itself.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private fail(why: string): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new Error(`The Learn playground stopped (${why}). Press Reset to start it again.`));
    }
  }
}
