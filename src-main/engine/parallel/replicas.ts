/**
 * Data-parallel training: `size` replicas, each a worker thread with its own tfjs instance on one
 * thread, train one run together, each on its rows of every batch (./shard.ts), exchanging over
 * shared memory (./collective.ts). The host only starts them, asks for steps, and ends them.
 */
import type { Worker } from 'node:worker_threads';
import type { BackendPreference } from '../../api/schemas';
import type { TrainConfig } from '../../api/train-config';
import type { StepMetrics } from '../training/trainer';
import { resolveWorkerEntry, spawnWorker } from '../dataset/worker-script';
import { ABORTED_PREFIX, CollectiveAborted, createCollective, Collective } from './collective';
import type { ReplicaCall, ReplicaReply, ReplicaWorkerData } from './protocol';

export interface ReplicaGroupOptions {
  size: number;
  backend: BackendPreference;
}

interface Member {
  worker: Worker;
  /** Replies arrive in the order of the calls. */
  waiting: { resolve: (reply: ReplicaReply) => void; reject: (err: Error) => void }[];
}

export class ReplicaGroup {
  private readonly members: Member[];
  private readonly collective: Collective;
  private failure: Error | null = null;

  constructor(options: ReplicaGroupOptions) {
    const init = createCollective(options.size);
    // The host's own handle: it can abort the group when a replica dies outside a step.
    this.collective = new Collective(init, 0);
    const entry = resolveWorkerEntry(import.meta.url, 'replica-worker');
    this.members = Array.from({ length: options.size }, (_, rank) => {
      const workerData: ReplicaWorkerData = { collective: init, rank, backend: options.backend };
      const member: Member = { worker: spawnWorker(entry, { workerData }), waiting: [] };
      member.worker.on('message', (reply: ReplicaReply) => member.waiting.shift()?.resolve(reply));
      const fail = (err: Error) => {
        this.failure ??= err;
        this.collective.abort();
        for (const m of this.members) for (const w of m.waiting.splice(0)) w.reject(err);
      };
      member.worker.on('error', (err) => fail(new Error(`Replica ${rank} failed: ${err.message}`)));
      member.worker.on('exit', (code) => fail(new Error(`Replica ${rank} ended (exit code ${code})`)));
      return member;
    });
  }

  get size(): number {
    return this.members.length;
  }

  /** A new run on every replica, from the config's seed. */
  /** Returns the backend the replicas run on, as the status bar names it. */
  async start(config: TrainConfig): Promise<string> {
    if (config.batchSize < this.size) throw new Error(`A batch of ${config.batchSize} cannot be split over ${this.size} replicas`);
    const replies = await this.all({ kind: 'start', config });
    return (replies[0] as { backend: string }).backend;
  }

  /** `count` steps on every replica; the metrics (the same on each) from replica 0. */
  async steps(count: number): Promise<StepMetrics[]> {
    const replies = await this.all({ kind: 'steps', count });
    const first = replies[0]!;
    if (first.kind !== 'steps') throw new Error('Replica 0 answered out of turn');
    return first.metrics;
  }

  /** Every replica's generator and discriminator weights by name (they should all be equal), and its tensor count. */
  async weights(): Promise<{ weights: Record<string, number[]>; tensors: number }[]> {
    const replies = await this.all({ kind: 'weights' });
    return replies.map((reply) => {
      if (reply.kind !== 'weights') throw new Error('A replica answered out of turn');
      return reply;
    });
  }

  async close(): Promise<void> {
    this.collective.abort();
    await Promise.all(this.members.map((m) => m.worker.terminate()));
  }

  /**
   * The same call to every replica. When one fails, the others stop at their next exchange with
   * CollectiveAborted; the error reported is the one that caused it.
   */
  private async all(call: ReplicaCall): Promise<ReplicaReply[]> {
    const settled = await Promise.allSettled(this.members.map((m) => this.call(m, call)));
    const errors = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (errors.length > 0) throw errors.find((e) => !(e instanceof CollectiveAborted) && !e.message.startsWith(ABORTED_PREFIX)) ?? errors[0]!;
    return settled.map((r) => (r as PromiseFulfilledResult<ReplicaReply>).value);
  }

  private async call(member: Member, call: ReplicaCall): Promise<ReplicaReply> {
    if (this.failure) throw this.failure;
    const reply = await new Promise<ReplicaReply>((resolve, reject) => {
      member.waiting.push({ resolve, reject });
      member.worker.postMessage(call);
    });
    if (reply.kind === 'error') throw new Error(reply.message);
    return reply;
  }
}
