/**
 * The engine's side of a feature that runs in its own worker thread (the Learn playground, the
 * explorer's render thread): requests by id, replies matched back, events passed through. The
 * worker starts at the first call; one that dies fails the calls waiting on it with a message that
 * says what to do, and the next call starts a fresh one. A worker never keeps the engine process
 * alive by itself.
 *
 * The worker side answers every `{ id, call }` with `{ kind: 'reply', id, ok, … }`; anything else it
 * posts is an event for `onEvent`. Errors keep their StudioError code and issues across the thread.
 */
import type { Worker } from 'node:worker_threads';
import { StudioError, type ErrorCode } from '../api/rpc';
import { resolveWorkerEntry, spawnWorker } from './dataset/worker-script';

export type WorkerReply =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; message: string; code?: ErrorCode; issues?: string[] };

/** A call failed because the worker thread stopped (not because of what it was asked). */
export class WorkerStopped extends Error {}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface WorkerClientOptions<Event> {
  /** The worker script's name (a rollup input in electron.vite.config.ts, or `<name>.ts` from source). */
  name: string;
  /** The caller's import.meta.url, beside which the script is looked for. */
  callerUrl: string;
  /** An explicit script, when the host knows better (tests, a packaged app's unpacked folder). */
  entry?: string | URL;
  /** Passed to the worker as `workerData`. */
  workerData?: unknown;
  /** What a failed call says when the thread stopped, given why. */
  stopped(why: string): string;
  onEvent?(event: Event): void;
  /** Called when a thread has exited on its own (it crashed or ran out of memory), with why. */
  onExit?(why: string): void;
}

export class WorkerClient<Call, Event = never> {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly options: WorkerClientOptions<Event>) {}

  /** Whether calls are waiting for their replies. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Whether a thread is running (it starts with the first call). */
  get started(): boolean {
    return this.worker !== null;
  }

  call(call: Call): Promise<unknown> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, call });
    });
  }

  async dispose(why = 'the engine is shutting down'): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.fail(why);
    await worker?.terminate();
  }

  private start(): Worker {
    const { name, callerUrl, entry, workerData } = this.options;
    const worker = spawnWorker(resolveWorkerEntry(callerUrl, name, entry), { workerData });
    worker.on('message', (message: WorkerReply | Event) => {
      const reply = message as WorkerReply;
      if (reply?.kind !== 'reply') {
        this.options.onEvent?.(message as Event);
        return;
      }
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(reply.code ? new StudioError({ code: reply.code, message: reply.message, ...(reply.issues ? { issues: reply.issues } : {}) }) : new Error(reply.message));
    });
    // An uncaught error ends the thread: 'exit' follows, and reports it.
    let crash: string | null = null;
    worker.on('error', (error) => (crash = error.message));
    worker.on('exit', (code) => {
      const why = crash ?? `its thread exited (code ${code})`;
      // Not after dispose(), which let it go on purpose and failed its calls (the calls waiting now
      // may be a newer thread's). onExit before the calls fail, so their callers see what it changed.
      if (this.worker !== worker) return;
      this.worker = null;
      this.options.onExit?.(why);
      this.fail(why);
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private fail(why: string): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new WorkerStopped(this.options.stopped(why)));
    }
  }
}

/**
 * The worker side: answers each `{ id, call }` posted to it with `handle(call)`'s value or error,
 * one call after another (a call that yields must not have the next one change state under it).
 */
export function serveCalls<Call>(port: { on(event: 'message', listener: (message: { id: number; call: Call }) => void): unknown; postMessage(message: WorkerReply): void }, handle: (call: Call) => Promise<unknown>): void {
  let queue: Promise<unknown> = Promise.resolve();
  port.on('message', (message) => {
    const result = queue.then(() => handle(message.call));
    queue = result.catch(() => undefined);
    result.then(
      (value) => port.postMessage({ kind: 'reply', id: message.id, ok: true, value }),
      (error: unknown) =>
        port.postMessage({
          kind: 'reply',
          id: message.id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
          ...(error instanceof StudioError ? { code: error.code, ...(error.issues ? { issues: error.issues } : {}) } : {}),
        }),
    );
  });
}
