// A train-worker stand-in that answers every call with garbage around a valid reply: the thread's
// host must drop what is malformed (and say so) without throwing on the engine thread.
import { parentPort } from 'node:worker_threads';

const status = { runId: 'run-g', state: 'running', step: 1, steps: 10, live: { gLr: 0.0002, dLr: 0.0002, nCritic: 1, labelSmoothing: 0 }, message: null, lastCheckpointStep: null };
parentPort.on('message', ({ id }) => {
  for (const junk of [null, 'junk', 42, { kind: 'snapshot' }, { kind: 'snapshot', status: { state: 'nope' }, streaming: null }, { kind: 'event' }, { kind: 'event', event: 'train.status', payload: { step: -1 } }, { kind: 'reply' }, { kind: 'reply', id: 'x' }]) {
    parentPort.postMessage(junk);
  }
  parentPort.postMessage({ kind: 'event', event: 'train.metrics', payload: { runId: 'run-g', points: [] } });
  parentPort.postMessage({ kind: 'reply', id, ok: true, value: status });
});
