/**
 * Data-parallel training: `size` replicas train one run together, each on its rows of every batch
 * (./shard.ts), exchanging over shared memory (./collective.ts). Replica 0 is the lead, a Trainer
 * on the caller's thread (./lead.ts); the others are worker threads, each with its own tfjs
 * instance on one thread, which this group starts, steers and ends.
 */
import type { Worker } from 'node:worker_threads';
import type { BackendPreference } from '../../../api/schemas';
import type { TrainConfig } from '../../../api/train-config';
import type { LiveParams } from '../trainer';
import { resolveWorkerEntry, spawnWorker } from '../../dataset/worker-script';
import { ABORTED_PREFIX, createCollective, Collective } from './collective';
import type { ReplicaCall, ReplicaData, ReplicaReply, ReplicaState, ReplicaWorkerData } from './protocol';

export interface ReplicaGroupOptions {
  /** Replicas in all, the lead included. */
  size: number;
  backend: BackendPreference;
  /** How long a replica waits for the others at an exchange before it gives up (a replica hung). */
  timeoutMs?: number;
}

interface Member {
  rank: number;
  worker: Worker;
  /** Replies arrive in the order of the calls. */
  waiting: { resolve: (reply: ReplicaReply) => void; reject: (err: Error) => void }[];
}

/** Two minutes: far longer than any replica computes between two exchanges. */
export const REPLICA_TIMEOUT_MS = 120_000;

export class ReplicaGroup {
  /** The lead's (rank 0's) end of the exchange. */
  readonly collective: Collective;
  private readonly members: Member[];
  private failure: Error | null = null;
  private closed = false;
  /**
   * The lead whose run the other replicas hold now. A new lead (a restore makes one) takes them over;
   * if that restore then fails, the previous lead takes them back before its next step.
   */
  owner: object | null = null;

  constructor(readonly options: ReplicaGroupOptions) {
    if (!Number.isInteger(options.size) || options.size < 2) throw new Error(`A replica group needs at least 2 replicas (got ${options.size})`);
    const init = createCollective(options.size);
    const timeoutMs = options.timeoutMs ?? REPLICA_TIMEOUT_MS;
    this.collective = new Collective(init, 0, timeoutMs);
    const entry = resolveWorkerEntry(import.meta.url, 'replica-worker');
    this.members = Array.from({ length: options.size - 1 }, (_, i) => {
      const rank = i + 1;
      const workerData: ReplicaWorkerData = { collective: init, rank, backend: options.backend, timeoutMs };
      const member: Member = { rank, worker: spawnWorker(entry, { workerData }), waiting: [] };
      member.worker.on('message', (reply: ReplicaReply) => member.waiting.shift()?.resolve(reply));
      member.worker.on('error', (err) => this.fail(new Error(`Training replica ${rank} failed: ${err.message}`)));
      member.worker.on('exit', (code) => this.fail(new Error(`Training replica ${rank} ended (exit code ${code})`)));
      return member;
    });
  }

  get size(): number {
    return this.options.size;
  }

  /** A replica failed or the group was closed: it cannot train again (start a new group). */
  get broken(): boolean {
    return this.closed || this.failure !== null || this.collective.aborted;
  }

  /** A new run on every other replica, at the config's initial weights; the backend they run on, in words. */
  async start(config: TrainConfig, data: ReplicaData, clusters: number[][] | null): Promise<string> {
    const replies = await this.all({ kind: 'start', config, data, clusters });
    return (replies[0] as { backend: string }).backend;
  }

  /** `count` steps on every other replica (the lead takes its own at the same time). */
  async steps(count: number): Promise<void> {
    await this.all({ kind: 'steps', count });
  }

  /** A live edit, applied by every other replica before its next step. A failure shows at the next call. */
  live(params: LiveParams): void {
    this.all({ kind: 'live', params }).catch((err: Error) => (this.failure ??= err));
  }

  /** The run ended: the other replicas free its trainer and data (a failure shows at the next call). */
  release(): void {
    if (!this.broken) this.all({ kind: 'release' }).catch((err: Error) => (this.failure ??= err));
  }

  /** Every other replica's batch source moves to where the lead's stands. */
  async position(position: number[]): Promise<void> {
    await this.all({ kind: 'position', position });
  }

  /** Every other replica restores this state (what the lead restored). */
  async importState(state: ReplicaState): Promise<void> {
    await this.all({ kind: 'import', state });
  }

  /** Every other replica's generator and discriminator weights by name, and its tensor count (tests). */
  async weights(): Promise<{ weights: Record<string, number[]>; tensors: number }[]> {
    const replies = await this.all({ kind: 'weights' });
    return replies as { kind: 'weights'; weights: Record<string, number[]>; tensors: number }[];
  }

  async close(): Promise<void> {
    this.closed = true;
    this.collective.abort();
    await Promise.all(this.members.map((m) => m.worker.terminate()));
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.failure ??= err;
    this.collective.abort();
    for (const m of this.members) for (const w of m.waiting.splice(0)) w.reject(err);
  }

  /**
   * The same call to every other replica. When one fails, the others (and the lead) stop at their
   * next exchange; the error reported is the one that caused it, not the others' "stopped".
   */
  private async all(call: ReplicaCall): Promise<ReplicaReply[]> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('The training replicas were closed');
    const settled = await Promise.allSettled(this.members.map((m) => this.call(m, call)));
    const errors = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (errors.length > 0) {
      // Kept: a later call says what broke the group, not only that the others stopped.
      this.failure ??= rootCause(errors);
      throw this.failure;
    }
    return settled.map((r) => (r as PromiseFulfilledResult<ReplicaReply>).value);
  }

  private async call(member: Member, call: ReplicaCall): Promise<ReplicaReply> {
    const reply = await new Promise<ReplicaReply>((resolve, reject) => {
      member.waiting.push({ resolve, reject });
      member.worker.postMessage(call);
    });
    if (reply.kind === 'error') throw new Error(reply.message);
    return reply;
  }
}

/** Of several replicas' errors, the one that made the others stop. */
export function rootCause(errors: Error[]): Error {
  return errors.find((e) => !e.message.includes(ABORTED_PREFIX)) ?? errors[0]!;
}
