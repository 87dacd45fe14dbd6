// A train-worker stand-in that reports a live run and then dies with an uncaught error, as a worker
// does that runs out of memory or hits a bug: the thread's host must mark the run failed with why.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => {
  const status = { runId: 'run-1', state: 'running', step: 3, steps: 100, live: { gLr: 0.0002, dLr: 0.0002, nCritic: 1, labelSmoothing: 0 }, message: null, lastCheckpointStep: null };
  parentPort.postMessage({ kind: 'snapshot', status, streaming: null });
  setTimeout(() => {
    throw new Error('simulated crash in the training thread');
  }, 10);
});
