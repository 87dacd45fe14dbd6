/**
 * The training run's own thread on a CPU backend (training/thread.ts): its own tfjs on the engine's
 * backend and threads, and the real TrainingController. Its events go to the engine thread as they
 * are; a snapshot of the run's status follows every change (at most every SNAPSHOT_MS), so the
 * engine thread answers train.status without waiting for a step. Messages: TrainCall, answered
 * through serveCalls.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isDeepStrictEqual } from 'node:util';
import { initRuntime } from '../runtime';
import { installSafetyNet, isWasmAbort } from '../../api/process-net';
import type { RunStatusShape } from '../../api/training';
import { serveCalls } from '../worker-client';
import { TrainingController } from './controller';
import { trainCallSchema, trainWorkerDataSchema, type TrainWorkerEvent } from './thread';

const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');
const send = (message: TrainWorkerEvent) => port.postMessage(message);

/** How often the status snapshot is compared (timers run between steps). */
const SNAPSHOT_MS = 50;

/** Ends this thread; the engine thread marks a live run failed and starts a fresh one for the next. */
const exitSoon = () => setTimeout(() => process.exit(1), 50);
// An unhandled rejection is logged, not the thread's end; a wasm abort leaves the runtime unusable.
installSafetyNet(process, { name: 'training thread', isFatal: isWasmAbort, onFatal: exitSoon });

const options = trainWorkerDataSchema.parse(workerData);
const replicas = options.replicas ?? 1;
// With replicas, this thread is the lead, one of them: its steps on one thread, like each of the
// others (LeadTrainer); its sample grids and evaluation on every thread, while the others wait.
const runtime = initRuntime(options.backend, { threads: replicas > 1 ? 1 : options.threads, ...(replicas > 1 ? { ortThreads: options.threads ?? replicas } : {}), workerDir: options.workerDir });
const training = new TrainingController((event, payload) => {
  if (event === 'train.status') {
    // The snapshot first, so the engine thread's streamsDataset() already agrees when the event arrives.
    snapshot();
    const status = payload as RunStatusShape;
    // A run the session failed because the wasm runtime aborted: the runtime is unusable from here on.
    if (status.state === 'failed' && isWasmAbort(status.message ?? '')) exitSoon();
  }
  send({ kind: 'event', event, payload });
}, { streamAboveBytes: options.streamAboveBytes, replicas: replicas > 1 ? { size: replicas, backend: options.backend } : undefined });

let last: unknown = undefined;
function snapshot(): void {
  const next = { status: training.status(), streaming: training.streamingFolder() };
  if (isDeepStrictEqual(next, last)) return;
  last = next;
  send({ kind: 'snapshot', ...next });
}
setInterval(snapshot, SNAPSHOT_MS).unref();

serveCalls<unknown>(port, async (message) => {
  const call = trainCallSchema.parse(message);
  await runtime;
  try {
    switch (call.method) {
      case 'start':
        return await training.start(call.runsDir, call.config, call.dataset);
      case 'open':
        return await training.open(call.runDir);
      case 'control':
        return await training.control(call.command);
      case 'update':
        return training.update(call.params);
      case 'history':
        return await training.history();
      case 'shutdown':
        return await training.shutdown();
    }
  } finally {
    // Before the reply, so the engine thread never sees a reply newer than its snapshot.
    snapshot();
  }
});
