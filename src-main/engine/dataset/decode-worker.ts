/**
 * Decode worker entry: one file at a time, answered in order. Started by DecodePool through
 * spawnWorker(), as .js in builds and as .ts via the tsx bootstrap from source.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeFile } from './decode';
import type { DecodeReady, DecodeRequest, DecodeResponse, DecodeWorkerData } from './pool';

const port = parentPort;
if (!port) throw new Error('decode-worker must run in a worker thread');
const { options } = workerData as DecodeWorkerData;

port.on('message', (request: DecodeRequest) => {
  void decodeFile(request.absPath, options).then((outcome) => {
    if (outcome.ok) {
      // sharp's buffers live in native memory and cannot be transferred; a copy into a plain
      // ArrayBuffer can, so the pixels cross the thread boundary without a second copy.
      const pixels = new Uint8Array(outcome.pixels);
      const response: DecodeResponse = { id: request.id, ...outcome, pixels };
      port.postMessage(response, [pixels.buffer]);
    } else {
      const response: DecodeResponse = { id: request.id, ...outcome };
      port.postMessage(response);
    }
  });
});

port.postMessage({ ready: true } satisfies DecodeReady);
