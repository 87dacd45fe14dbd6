/**
 * One data-parallel replica (./replicas.ts starts them): its own tfjs on one thread, a Trainer with
 * its Shard, and the same batch source every replica opens. Messages: ReplicaCall, answered with
 * ReplicaReply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initRuntime } from '../runtime';
import { Trainer, type StepMetrics } from '../training/trainer';
import { memoryBatches } from '../batches/memory-batches';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { Collective } from './collective';
import { Shard } from './shard';
import { replicaCallSchema, replicaWorkerDataSchema, type ReplicaReply } from './protocol';

const port = parentPort;
if (!port) throw new Error('replica-worker must run in a worker thread');

const options = replicaWorkerDataSchema.parse(workerData);
const collective = new Collective(options.collective, options.rank);
const runtime = initRuntime(options.backend, { threads: 1 });
// A replica that fails to start must not leave the others waiting at their first exchange.
runtime.catch(() => collective.abort());
let trainer: Trainer | null = null;

port.on('message', (message: unknown) => {
  void answer(message).then((reply) => port.postMessage(reply));
});

async function answer(message: unknown): Promise<ReplicaReply> {
  try {
    const call = replicaCallSchema.parse(message);
    await runtime;
    if (call.kind === 'start') {
      trainer?.dispose();
      trainer = new Trainer(call.config, memoryBatches(loadMnistDemo(), call.config.model), new Shard(collective));
      const report = await runtime;
      return { kind: 'started', backend: `${report.active}, ${report.threads ?? 1} thread, products on ${report.native?.version ? `${report.native.provider} ${report.native.version}` : `tfjs (${report.native?.reason ?? "no native library"})`}` };
    }
    if (!trainer) throw new Error('No run on this replica: start one first');
    switch (call.kind) {
      case 'steps': {
        const metrics: StepMetrics[] = [];
        for (let i = 0; i < call.count; i++) metrics.push(await trainer.trainStep());
        return { kind: 'steps', metrics };
      }
      case 'weights': {
        const weights: Record<string, number[]> = {};
        for (const [name, v] of [...trainer.generator.params.variables, ...trainer.discriminator.params.variables]) weights[name] = Array.from(await v.data());
        return { kind: 'weights', weights, tensors: tf.memory().numTensors };
      }
    }
  } catch (err) {
    collective.abort();
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
