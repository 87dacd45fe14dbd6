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
 * With the mmap count at 0, every block comes from the heap. A thread arena that cannot hold a
 * block retries on the main one, which falls back to mmap itself if the heap cannot grow, so no
 * allocation fails for it. Free memory up to 512 MB stays at the heap top, as the wasm heap already
 * keeps its peak. Other platforms, and a GLIBC_TUNABLES that already sets mmap_max, are left alone.
 */
import { constants } from 'node:os';
import { engineGpuEnv } from './vulkan';

export const ENGINE_MALLOC_TUNABLES = 'glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=536870912';

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
/** How long the parent waits for the child to say it got a signal itself before passing it on. */
const RELAY_WAIT_MS = 50;

/**
 * For commands and scripts that run the engine in their own process (the CLI's train, sample,
 * export and eval; the benchmarks): on Linux, runs this process again as a child with
 * engineMallocEnv, mirrors its exit, and never returns. Returns when nothing needs adding (other
 * platforms, the tunables already set, or a child that cannot be started: then this process runs
 * the command itself) and in the child.
 *
 * Signals reach the child exactly once. It stays in this process's group, so a terminal's Ctrl+C,
 * Ctrl+Z or hang-up reaches it (and anything it starts) directly; it tells this process over IPC,
 * which then does not pass that signal on. A signal sent to this process alone (kill PID) is passed
 * on when the child has not reported the same one within 50 ms. The same handshake as tsx's. A
 * second Ctrl+C is a second SIGINT for the child, as without the relaunch (train: the first stops
 * with a checkpoint, the second ends it). This process can vanish without passing a signal on only
 * when it is killed outright (kill -9): the child then dies at once too.
 */
export async function relaunchWithEngineEnv(): Promise<void> {
  if (process.env[RELAUNCHED] === '1') return followParent();
  const extra = engineMallocEnv();
  if (Object.keys(extra).length === 0) return;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...extra, [RELAUNCHED]: '1' },
  });
  const started = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', () => resolve(false));
  });
  // The relaunch only saves page faults: without it, the command runs here.
  if (!started) return;
  child.on('error', () => undefined); // a failed kill of a child that already exited
  const reported = new Map<Relayed, number>();
  child.on('message', (m: unknown) => {
    const signal = (m as { relaunchSignal?: Relayed } | null)?.relaunchSignal;
    if (signal) reported.set(signal, Date.now());
  });
  const relay = (signal: Relayed) => {
    const since = Date.now();
    setTimeout(() => {
      if ((reported.get(signal) ?? 0) < since - RELAY_WAIT_MS) child.kill(signal);
    }, RELAY_WAIT_MS).unref();
  };
  for (const signal of RELAYED) process.on(signal, relay);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  for (const s of RELAYED) process.off(s, relay);
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
  // The IPC channel tells the parent which signals arrived here and notices its death; it must not
  // keep this process alive.
  process.channel?.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  for (const signal of RELAYED) {
    process.on(signal, () => {
      if (process.connected) process.send?.({ relaunchSignal: signal });
      // Alone, this listener would swallow the signal: end as the default action would.
      if (process.listenerCount(signal) === 1) process.exit(128 + constants.signals[signal]);
    });
  }
}
