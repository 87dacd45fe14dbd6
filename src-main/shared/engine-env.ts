/**
 * The environment an engine process starts with: what WebGPU needs (./vulkan) and, on Linux with
 * glibc, allocator settings that keep freed memory in the process.
 *
 * Why: onnxruntime-node's binding returns every result as a fresh copy in a new ArrayBuffer, even
 * when the output was passed in (the engine ignores the copy). An 8 MB product makes an 8 MB
 * buffer that the garbage collector frees a little later. glibc gives such blocks back to the
 * kernel (mmap'd above 128 KB–32 MB, or trimmed off the heap top), so the next one is fresh
 * memory: a page fault per 4 KB on first touch, slow in a VM.
 *
 * Measured on this 2-core VM (2026-12-04, one DCGAN-64 step on wasm + ONNX Runtime):
 *  - 30,000–34,000 page faults and 295–349 ms of system time per step before;
 *  - 1,400–1,550 faults and 46–50 ms with these settings;
 *  - steps of 1,925 against 2,337 ms, run back to back.
 *
 * With the mmap count at 0, every block comes from the heap, which falls back to mmap itself if it
 * cannot grow, so no allocation fails for it. Free memory up to 512 MB stays at the heap top, as the
 * wasm heap already keeps its peak. One arena for every thread: a data-parallel replica is a worker
 * thread (engine/training/parallel), and a thread arena of its own is a set of 64 MB heaps that
 * glibc shrinks as blocks are freed, so the replica's products faulted their pages in again: 16,000
 * faults per DCGAN-64 step on the second replica, under 1,000 on the lead (2026-12-06). With one
 * arena, two replicas took 1,284–1,462 ms per step against 1,414–1,556 (four rounds, interleaved);
 * the one-trainer engine, whose other threads are ONNX Runtime's and allocate little, was level.
 * Other platforms, and a GLIBC_TUNABLES that already sets mmap_max, are left alone.
 */
import { constants } from 'node:os';
import { engineGpuEnv } from './vulkan';

export const ENGINE_MALLOC_TUNABLES = 'glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=536870912:glibc.malloc.arena_max=1';

/** GLIBC_TUNABLES for an engine process on Linux (added to any the user set), or nothing. */
export function engineMallocEnv(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Record<string, string> {
  if (platform !== 'linux') return {};
  const current = env.GLIBC_TUNABLES ?? '';
  if (current.includes('glibc.malloc.mmap_max')) return {};
  return { GLIBC_TUNABLES: current ? `${current}:${ENGINE_MALLOC_TUNABLES}` : ENGINE_MALLOC_TUNABLES };
}

/** Everything an engine process needs added to its environment at start. */
export function engineProcessEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { ...engineGpuEnv(env), ...engineMallocEnv(env) };
}

/** Set in a relaunched child's environment (and removed from it at once): its parent relays signals. */
const RELAUNCHED = 'GAN_STUDIO_RELAUNCHED';
const RELAYED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Relayed = (typeof RELAYED)[number];
/** How long the child waits, after the parent says it got a signal, for the same one to arrive here. */
const RELAY_WAIT_MS = 50;

/**
 * For commands and scripts that run the engine in their own process (the CLI's train, sample,
 * export and eval; the benchmarks): on Linux, runs this process again as a child with
 * engineMallocEnv, mirrors its exit, and never returns. Returns when nothing needs adding (other
 * platforms, the tunables already set, or a child that cannot be started: then this process runs
 * the command itself) and in the child.
 *
 * Signals reach the child exactly once. It stays in this process's group, so a terminal's Ctrl+C,
 * Ctrl+Z or hang-up (and a pattern or control-group kill) reaches it, and anything it starts,
 * directly. This process tells the child over IPC of every signal it gets; the child raises one
 * itself only when, 50 ms after its event loop has read that message, it has received fewer of that
 * signal than it was told of: a signal sent to this process alone (kill PID). The count is the
 * child's, so a child busy in a long synchronous step still sees each signal once. A second Ctrl+C
 * is a second SIGINT for the child, as without the relaunch (train: the first stops with a
 * checkpoint, the second ends it). This process can vanish without saying so only when it is
 * killed outright (kill -9): the child then dies at once too.
 */
export async function relaunchWithEngineEnv(): Promise<void> {
  if (process.env[RELAUNCHED] === '1') return followParent();
  const extra = engineMallocEnv();
  if (Object.keys(extra).length === 0) return;
  const { spawn } = await import('node:child_process');
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...extra, [RELAUNCHED]: '1' },
    });
  } catch {
    return; // the relaunch only saves page faults: without it, the command runs here
  }
  const started = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', () => resolve(false));
  });
  if (!started) return;
  child.on('error', () => undefined); // a failed send or kill to a child that already exited
  const tell = (signal: Relayed) => {
    if (child.connected) child.send({ relaunchSignal: signal }, () => undefined);
    else child.kill(signal);
  };
  for (const signal of RELAYED) process.on(signal, tell);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  for (const s of RELAYED) process.off(s, tell);
  // Ends the way the child did, so a shell or a supervisor sees the same status: by the signal when
  // it is one this process passes on (nothing handles it here any more; the child reports a default
  // ending by one as 128 + its number), else with the child's code.
  const byNumber = Object.fromEntries(RELAYED.map((s) => [128 + constants.signals[s], s])) as Record<number, Relayed>;
  const ending = signal ?? (code !== null ? byNumber[code] : undefined);
  if (ending && (RELAYED as readonly string[]).includes(ending)) process.kill(process.pid, ending);
  process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1));
}

function followParent(): void {
  delete process.env[RELAUNCHED];
  // The IPC channel carries the parent's signals and notices its death; it must not keep this
  // process alive.
  process.channel?.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  if (!process.connected) process.kill(process.pid, 'SIGKILL'); // the parent died while this one started
  const received = new Map<Relayed, number>();
  const told = new Map<Relayed, number>();
  for (const signal of RELAYED) {
    process.on(signal, () => {
      received.set(signal, (received.get(signal) ?? 0) + 1);
      // Alone, this listener would swallow the signal: end as the default action would.
      if (process.listenerCount(signal) === 1) process.exit(128 + constants.signals[signal]);
    });
  }
  process.on('message', (m: unknown) => {
    const signal = (m as { relaunchSignal?: Relayed } | null)?.relaunchSignal;
    if (!signal || !(RELAYED as readonly string[]).includes(signal)) return;
    told.set(signal, (told.get(signal) ?? 0) + 1);
    setTimeout(() => {
      if ((received.get(signal) ?? 0) < (told.get(signal) ?? 0)) process.kill(process.pid, signal);
    }, RELAY_WAIT_MS);
  });
}
