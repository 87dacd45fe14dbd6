/**
 * Entry point of the engine process. Plain Node: no electron import, so the same file runs under
 * Electron's utilityProcess, child_process.fork (web mode, CLI) and in tests.
 */
import { parseRequest, toErrorShape } from '../../api/rpc';
import { engineExitCodes, engineRequests, hostToEngineSchema, type EngineToHost } from '../protocol';
import { backendPreferenceSchema } from '../../api/schemas';
import { startEngineService } from '../service';
import { connectToParent } from './channel';
import { installSafetyNet, isWasmAbort } from '../../api/process-net';
import { resolveParallel, resolveThreads } from '../backend/threads';

const channel = connectToParent();
const send = (message: EngineToHost) => channel.post(message);

const abortedRuntime = () => {
  // Every later request would fail with "Aborted()": give the host a fresh engine instead.
  setTimeout(() => process.exit(engineExitCodes.wasmAbort), 50);
};
installSafetyNet(process, { name: 'engine', isFatal: isWasmAbort, onFatal: abortedRuntime });

async function main(): Promise<void> {
  const preference = backendPreferenceSchema.catch('auto').parse(process.env.GAN_STUDIO_BACKEND ?? 'auto');
  // GAN_STUDIO_THREADS (set by `serve --threads`, or by the user); a bad value is a fatal message.
  const threads = resolveThreads();
  // GAN_STUDIO_TRAINING_THREAD=off trains on the engine thread even on the CPU (for comparisons).
  const trainingThread = process.env.GAN_STUDIO_TRAINING_THREAD !== 'off';
  // GAN_STUDIO_PARALLEL=threads trains on one trainer with threaded products instead of replicas.
  const parallel = resolveParallel();
  const service = await startEngineService(preference, (event, payload) => send({ kind: 'event', event, payload }), { threads, trainingThread, parallel });
  channel.onMessage((raw) => {
    const message = hostToEngineSchema.safeParse(raw);
    if (!message.success) return; // Only our own host talks to us; ignore anything malformed.
    if (message.data.kind === 'shutdown') {
      // A run in progress gets its final checkpoint before the process goes.
      void service.shutdown().finally(() => process.exit(0));
      return;
    }
    const { id, method, input } = message.data;
    const parsed = parseRequest(engineRequests, method, input);
    if (!parsed.ok) {
      send({ kind: 'reply', id, reply: { ok: false, error: parsed.error } });
      return;
    }
    const handler = service.handlers[parsed.channel] as (input: unknown) => Promise<unknown>;
    // Promise.resolve().then: a handler that throws synchronously is answered like one that rejects.
    Promise.resolve()
      .then(() => handler(parsed.input))
      .then(
        (value) => send({ kind: 'reply', id, reply: { ok: true, value } }),
        (err: unknown) => {
          const error = toErrorShape(err);
          // Unexpected exceptions inside the engine are the engine's fault, not main's.
          if (error.code === 'internal') error.code = 'engine-error';
          if (isWasmAbort(err)) {
            error.message = `The WebAssembly engine ran out of memory (${error.message}) and restarts itself: ask for less (a smaller grid or model).`;
            abortedRuntime();
          }
          send({ kind: 'reply', id, reply: { ok: false, error } });
        },
      )
      .catch((err: unknown) => console.error('engine: could not send a reply', err));
  });
  send({ kind: 'ready', backend: service.backend });
}

main().catch((err: unknown) => {
  send({ kind: 'fatal', message: err instanceof Error ? err.message : String(err) });
  // Give the message time to flush before exiting.
  setTimeout(() => process.exit(1), 100);
});
