/**
 * One data-parallel replica beside the lead (./replicas.ts starts them): its own tfjs on one
 * thread, a Trainer with its Shard, and the same batches the lead draws. Messages: ReplicaCall,
 * handled one at a time in the order they came (a live edit sent between two steps lands between
 * them), each answered with a ReplicaReply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initRuntime } from '../../runtime';
import { installSafetyNet } from '../../../api/process-net';
import { backendLine } from '../../../shared/backend-line';
import { Trainer, type TrainerState } from '../trainer';
import { trainingBatches } from '../../batches/training-data';
import { openDataset } from '../../dataset';
import { arraysToTensors } from '../../checkpoint/tensors';
import { Collective } from './collective';
import { Shard } from './shard';
import { replicaCallSchema, replicaWorkerDataSchema, type ReplicaCall, type ReplicaReply } from './protocol';
import type { AdaptiveState } from '../../augment/adaptive';
import type { DatasetReader } from '../../dataset';
import type { BatchSource } from '../../batches/types';

const port = parentPort;
if (!port) throw new Error('replica-worker must run in a worker thread');
installSafetyNet(process, { name: `training replica ${String((workerData as { rank?: unknown }).rank)}` });

const options = replicaWorkerDataSchema.parse(workerData);
const collective = new Collective(options.collective, options.rank, options.timeoutMs);
// However this thread ends, the others must not wait for it at their next exchange.
process.on('exit', () => collective.abort());
const runtime = initRuntime(options.backend, { threads: 1 });
let trainer: Trainer | null = null;
let batches: BatchSource | null = null;
let reader: DatasetReader | null = null;

let queue: Promise<unknown> = Promise.resolve();
port.on('message', (message: unknown) => {
  queue = queue
    .then(() => answer(message).then((reply) => port.postMessage(reply)))
    .catch((err: unknown) => {
      // A reply that cannot be sent: say so rather than leave the lead waiting for it.
      collective.abort();
      port.postMessage({ kind: 'error', message: `Training replica ${options.rank}: ${err instanceof Error ? err.message : String(err)}` } satisfies ReplicaReply);
    });
});

async function answer(message: unknown): Promise<ReplicaReply> {
  try {
    return await handle(replicaCallSchema.parse(message));
  } catch (err) {
    // The others would wait for this replica's next exchange for ever.
    collective.abort();
    return { kind: 'error', message: `Training replica ${options.rank}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function handle(call: ReplicaCall): Promise<ReplicaReply> {
  const report = await runtime;
  if (call.kind === 'start' || call.kind === 'release') {
    trainer?.dispose();
    trainer = null;
    batches = null;
    await reader?.close();
    reader = null;
    if (call.kind === 'release') return { kind: 'done' };
    const saved = call.clusters ? { centres: call.clusters } : undefined;
    if (call.data.kind === 'stream') reader = await openDataset(call.data.datasetDir);
    const data = call.data.kind === 'memory' ? call.data.images : { kind: 'stream' as const, reader: reader! };
    batches = trainingBatches(data, call.config.model, {}, saved);
    trainer = new Trainer(call.config, batches, new Shard(collective));
    // Named as the CLI's Backend: line names a backend (shared/backend-line.ts).
    return { kind: 'started', backend: backendLine(report) };
  }
  if (!trainer) throw new Error('no run on this replica: start one first');
  switch (call.kind) {
    case 'steps': {
      const metrics = [];
      for (let i = 0; i < call.count; i++) metrics.push(await trainer.trainStep());
      return { kind: 'steps', metrics };
    }
    case 'live':
      trainer.setLiveParams(call.params);
      return { kind: 'done' };
    case 'position':
      batches?.position?.restore(call.position);
      return { kind: 'done' };
    case 'import': {
      const { state } = call;
      const groups = Object.fromEntries(Object.entries(state.groups).map(([name, arrays]) => [name, arraysToTensors(arrays)])) as TrainerState['groups'];
      try {
        await trainer.importState({ ...state, adaptive: state.adaptive as AdaptiveState | undefined, groups });
      } finally {
        Object.values(groups).forEach((list) => list.forEach(({ tensor }) => tensor.dispose()));
      }
      return { kind: 'done' };
    }
    case 'weights': {
      const weights: Record<string, number[]> = {};
      for (const [name, v] of [...trainer.generator.params.variables, ...trainer.discriminator.params.variables]) weights[name] = Array.from(await v.data());
      return { kind: 'weights', weights, tensors: tf.memory().numTensors };
    }
  }
}
