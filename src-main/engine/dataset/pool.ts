/**
 * A pool of decode workers, one per core. Parallelism comes from the workers, so libvips runs one
 * thread per image rather than each image fanning out over every core.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
// Loaded here before any worker: on glibc the last thread to unload libvips unmaps it under the
// others (lovell/sharp#2263); the main thread's reference keeps it mapped.
import sharp from 'sharp';
import type { FileOutcome } from './decode';
import type { ImportOptions } from './options';
import { resolveWorkerEntry, spawnWorker, type WorkerEntry } from './worker-script';

export interface DecodeRequest {
  id: number;
  absPath: string;
}
export type DecodeResponse = FileOutcome & { id: number };
/** Sent once the worker's modules (sharp included) have loaded. */
export interface DecodeReady {
  ready: true;
}
export interface DecodeWorkerData {
  options: ImportOptions;
}

export interface DecodePoolOptions {
  /** Workers to run; defaults to os.availableParallelism(). */
  size?: number;
  /** Overrides the decode-worker lookup (see worker-script.ts). */
  workerEntry?: string | URL;
}

interface Job {
  id: number;
  absPath: string;
  /** Workers that died with this job in flight; one death may be a neighbour's fault. */
  crashes: number;
  resolve: (outcome: FileOutcome) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  ready: boolean;
}

// Files in flight per worker: while one decodes, the next is being read and hashed, which kept
// the cores measurably busier than one at a time.
const DEPTH = 2;

let poolsOpen = 0;
let savedConcurrency = 0;

export class DecodePool {
  readonly size: number;
  readonly #entry: WorkerEntry;
  readonly #options: ImportOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 0;
  #closed = false;
  #broken: Error | null = null;

  constructor(options: ImportOptions, poolOptions: DecodePoolOptions = {}) {
    this.size = Math.max(1, poolOptions.size ?? availableParallelism());
    this.#options = options;
    this.#entry = resolveWorkerEntry(import.meta.url, 'decode-worker', poolOptions.workerEntry);
    if (poolsOpen++ === 0) savedConcurrency = sharp.concurrency();
    sharp.concurrency(1); // process-wide in libvips, so it applies inside the workers too
  }

  /** How many files to keep submitted so that no worker waits. */
  get capacity(): number {
    return this.size * DEPTH;
  }

  decode(absPath: string): Promise<FileOutcome> {
    if (this.#closed) return Promise.reject(new Error('DecodePool is closed'));
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, absPath, crashes: 0, resolve, reject });
      this.#pump();
    });
  }

  /**
   * Drops queued work and waits for the images in flight before stopping the workers: terminating
   * a worker inside a libvips call can take the whole process down (lovell/sharp#2263).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(abortError());
    await Promise.all(
      this.#slots.map(async (slot) => {
        while (slot.jobs.size > 0) await new Promise((r) => slot.worker.once('message', r).once('exit', r));
        await slot.worker.terminate();
      }),
    );
    this.#slots.length = 0;
    if (--poolsOpen === 0) sharp.concurrency(savedConcurrency);
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      // Workers start on demand: a three-file import should not pay for sixteen.
      let slot = this.#slots.find((s) => s.jobs.size === 0);
      if (!slot && this.#slots.length < this.size) slot = this.#spawn();
      slot ??= this.#slots.find((s) => s.jobs.size < DEPTH);
      if (!slot) return;
      const job = this.#queue.shift()!;
      slot.jobs.set(job.id, job);
      slot.worker.ref(); // keeps the process alive while an answer is owed
      slot.worker.postMessage({ id: job.id, absPath: job.absPath } satisfies DecodeRequest);
    }
  }

  #spawn(): Slot {
    const worker = spawnWorker(this.#entry, { workerData: { options: this.#options } satisfies DecodeWorkerData });
    const slot: Slot = { worker, jobs: new Map(), ready: false };
    worker.on('message', (response: DecodeResponse | DecodeReady) => {
      if ('ready' in response) {
        slot.ready = true;
        return;
      }
      const job = slot.jobs.get(response.id);
      if (!job) return;
      slot.jobs.delete(response.id);
      if (slot.jobs.size === 0) worker.unref(); // an idle pool someone forgot to close must not keep the process alive
      const { id: _id, ...outcome } = response;
      job.resolve(outcome);
      this.#pump();
    });
    const fail = (why: string) => {
      const index = this.#slots.indexOf(slot);
      if (index < 0) return;
      this.#slots.splice(index, 1);
      const jobs = [...slot.jobs.values()];
      slot.jobs.clear();
      if (!slot.ready) {
        // Dying before loading is a broken install or build, not a bad file: retrying every file
        // on fresh workers would only fail slowly.
        this.#broken = new Error(`The image decoder could not start: ${why}`);
        for (const job of [...jobs, ...this.#queue.splice(0)]) job.reject(this.#broken);
        return;
      }
      // Retried once on a fresh worker; a file in flight at two deaths is the likely culprit.
      for (const job of jobs.reverse()) {
        if (++job.crashes >= 2 || this.#closed) {
          job.resolve({ ok: false, code: 'corrupt', reason: `decoder crashed (${why})`, hash: null });
        } else {
          this.#queue.unshift(job);
        }
      }
      if (!this.#closed) this.#pump();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`worker exited with code ${code}`));
    this.#slots.push(slot);
    return slot;
  }
}

function abortError(): Error {
  const err = new Error('Decoding was cancelled');
  err.name = 'AbortError';
  return err;
}
