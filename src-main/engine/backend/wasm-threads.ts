/**
 * The multi-threaded SIMD build of tfjs-backend-wasm, in Node. tfjs only picks that build in a
 * browser (its flag `WASM_HAS_MULTITHREAD_SUPPORT` is hard-coded false in Node, and the files the
 * pthread workers load are handed over as `blob:` URLs, which Node's Worker cannot open). The
 * shipped Emscripten glue does support Node's worker_threads, so this module builds that module
 * itself and wraps it in the package's exported `BackendWasm`. Results are bit-identical to the
 * single-thread build (XNNPACK splits output tiles, never a reduction); wasm-threads.test.ts checks it.
 *
 * Order: import '@tensorflow/tfjs-backend-wasm', then installThreadedWasm(), then the first
 * tf.setBackend('wasm'). Kernels are registered per backend *name*, so the stock wasm kernels and
 * the engine's training kernels apply unchanged to the replacement 'wasm' backend.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, threadId, type Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as wasmPkg from '@tensorflow/tfjs-backend-wasm';

// Not named `require`: the app's bundler adds its own `require` to the chunk this lands in.
const nodeRequire = createRequire(import.meta.url);
const wasmOut = path.join(path.dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
const GLUE = path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
const WASM = path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.wasm');

/** XNNPACK's limit (backend.cc) and the glue's fixed pool of 8 pthread workers. */
export const MAX_WASM_THREADS = 8;

export interface ThreadedWasmOptions {
  threads: number;
  /** A real, writable folder for the pthread worker scripts (never inside app.asar). Default: a
   *  per-user, per-process folder in os.tmpdir(). */
  workerDir?: string;
}

/** Filled in when the backend initialises: the pool size in use, or why one thread is used. */
export interface ThreadedWasmStatus {
  requested: number;
  /** XNNPACK's pool size as the module reports it; null until the backend has initialised. */
  threads: number | null;
  /** Why the stock single-thread build is in use instead; null when the threaded build runs. */
  fallback: string | null;
}

/** The parts of the Emscripten module this file touches (the rest is BackendWasm's business). */
interface EmscriptenModule {
  cwrap: (name: string, ret: string | null, args: string[]) => unknown;
  PThread: { runningWorkers: NodeWorker[]; unusedWorkers: NodeWorker[] };
  tfjs?: unknown;
}
type ModuleFactory = (config: object) => Promise<EmscriptenModule>;
type WorkerThreads = { Worker: typeof NodeWorker };
// Node's global WebAssembly, typed here: the engine's tsconfig has no DOM lib.
const { WebAssembly: Wasm } = globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: unknown; module: unknown }> };
};

// One install per process, whatever module instance asks (vitest, bench and CLI may import twice).
const installed = Symbol.for('gan-studio.threaded-wasm');
type Global = typeof globalThis & { [installed]?: ThreadedWasmStatus };

export function installThreadedWasm(options: ThreadedWasmOptions): ThreadedWasmStatus {
  const global = globalThis as Global;
  // Re-registering would remove a live backend together with its tensors: the first install (and
  // its thread count) stays for the life of the process; callers read the count from the status.
  if (global[installed]) return global[installed];
  const stock = tf.findBackendFactory('wasm');
  if (!stock) throw new Error('Import @tensorflow/tfjs-backend-wasm before installThreadedWasm().');
  const requested = Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(options.threads)));
  const status: ThreadedWasmStatus = { requested, threads: null, fallback: null };
  global[installed] = status;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      let module: EmscriptenModule;
      try {
        module = await createThreadedModule(workerFiles(options.workerDir), requested);
      } catch (err) {
        // No shared memory, a sandbox, no writable folder…: the stock single-thread build still works.
        status.fallback = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
        process.emitWarning(`threaded WebAssembly unavailable, using one thread: ${status.fallback}`);
        wasmPkg.setThreadsCount(1);
        status.threads = 1;
        return stock();
      }
      wasmPkg.setThreadsCount(requested); // read by the BackendWasm constructor, which creates the pool
      const backend = new wasmPkg.BackendWasm(module as never);
      status.threads = wasmPkg.getThreadsCount();
      // Emscripten ref()s the worker of every running pthread: without this a CLI, a test or a
      // benchmark would never exit once its work is done.
      for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
      return backend;
    },
    2,
  );
  return status;
}

/** Writes the two scripts each pthread worker loads by path (the worker script is shipped only as
 *  a string), atomically, and returns their paths. */
function workerFiles(workerDir: string | undefined): { worker: string; glue: string } {
  const { wasmWorkerContents } = nodeRequire(path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  const prefix = `gan-studio-wasm-${process.getuid?.() ?? 'user'}-`;
  // A worker thread (the training thread) keeps a folder of its own: its exit must not remove the
  // one the engine thread's pool reads.
  const dir = workerDir ?? path.join(os.tmpdir(), `${prefix}${process.pid}${isMainThread ? '' : `-t${threadId}`}`);
  fs.mkdirSync(dir, { recursive: true });
  if (!workerDir) {
    // Our own temporary folder goes when the process exits (the workers read both files at start),
    // and so do those of earlier processes that were killed before they could remove theirs.
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    for (const name of fs.readdirSync(os.tmpdir())) {
      const pid = Number.parseInt(name.slice(prefix.length), 10);
      if (name.startsWith(prefix) && pid !== process.pid && !alive(pid)) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  }
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
    return file;
  };
  return {
    // The same "\n" escaping tfjs applies before it makes its Blob: the worker source contains a
    // string literal with "\n" that must survive one more level of evaluation.
    worker: write('pthread-worker.cjs', wasmWorkerContents.replace(/\n/g, '\\n')),
    // A copy of the glue, so that workers read a plain file even when the package sits in app.asar.
    glue: write('glue.cjs', fs.readFileSync(GLUE, 'utf8')),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, but not ours to signal
  }
}

function createThreadedModule(files: { worker: string; glue: string }, threads: number): Promise<EmscriptenModule> {
  const factory = nodeRequire(GLUE) as ModuleFactory;
  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  // The glue spawns its pool (8 workers) through worker_threads.Worker during the factory call.
  // Pool workers must not inherit this process's --require/--import (tsx, preloads, inspector):
  // give them a clean execArgv for the duration of that call.
  const workerThreads = nodeRequire('node:worker_threads') as WorkerThreads;
  const Original = workerThreads.Worker;
  workerThreads.Worker = class PthreadWorker extends Original {
    constructor(file: string | URL, opts?: WorkerOptions) {
      super(file, { execArgv: [], ...opts });
    }
  };
  let ready: Promise<EmscriptenModule>;
  try {
    ready = factory({
      // backend.cc caps the pool at emscripten_num_logical_cores()/2 ("assume hyper-threading");
      // in Node that import is os.cpus().length, so 2 cores would give 1 thread. Report 2×threads.
      instantiateWasm: (info: { env: object }, receive: (instance: unknown, module: unknown) => void) => {
        const env = { ...info.env, emscripten_num_logical_cores: () => 2 * threads };
        Wasm.instantiate(fs.readFileSync(WASM), { ...info, env })
          .then(({ instance, module }) => receive(instance, module))
          .catch(fail);
        return {};
      },
      // Real paths where tfjs would hand out blob: URLs.
      locateFile: (file: string, prefix: string) => (file.endsWith('.worker.js') ? files.worker : file.endsWith('.wasm') ? WASM : prefix + file),
      mainScriptUrlOrBlob: files.glue,
      onAbort: (what: unknown) => fail(new Error(`the threaded WebAssembly module aborted: ${String(what)}`)),
    });
  } finally {
    workerThreads.Worker = Original;
  }
  return Promise.race([ready, failed]).then((module) => {
    // The bindings BackendWasm expects (the same list tfjs' own init() wraps).
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module;
  });
}
