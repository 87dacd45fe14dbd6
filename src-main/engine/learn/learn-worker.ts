/**
 * The Learn playground's own thread: its own tfjs, on wasm with one thread. Its tiny matrices would
 * spend more time waking a thread pool than computing, and a training run on the engine's main
 * thread (hundreds of milliseconds of synchronous work per step) must not stall the plot.
 * Messages: see controller.ts.
 */
import { parentPort } from 'node:worker_threads';
import { learnSettingsSchema } from '../../api/learn';
import { initRuntime } from '../runtime';
import { LearnSession } from './session';
import { serveCalls } from '../worker-client';
import type { LearnCall, LearnWorkerEvent } from './controller';

const port = parentPort;
if (!port) throw new Error('learn-worker must run in a worker thread');
const send = (message: LearnWorkerEvent) => port.postMessage(message);

const session = initRuntime('wasm', { threads: 1 }).then(() => new LearnSession((frame) => send({ kind: 'frame', frame })));

async function handle(call: LearnCall): Promise<unknown> {
  const s = await session;
  switch (call.method) {
    case 'configure':
      return s.configure(learnSettingsSchema.parse(call.settings));
    case 'step':
      return s.step(call.n);
    case 'play':
      return s.play();
    case 'pause':
      return s.pause();
    case 'reset':
      return s.reset();
    case 'state':
      return s.state();
  }
}

// Requests run one after another: a step in progress yields between chunks, and a reset or a new
// configuration arriving then must not dispose the networks under it.
serveCalls(port, handle);
