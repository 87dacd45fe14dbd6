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

/**
 * For commands and scripts that run the engine in their own process (the CLI's train, sample,
 * export and eval; the benchmarks): on Linux, runs this process again as a child with
 * engineMallocEnv, mirrors its exit, and never returns. Returns when nothing needs adding (other
 * platforms, or the tunables already set) and in the child.
 *
 * Signals: the child starts in its own process group, so a terminal's Ctrl+C (or a closed terminal)
 * reaches only this process, which passes each signal on exactly once. A second Ctrl+C is then a
 * second SIGINT for the child, as it would be without the relaunch (train: the first stops with a
 * checkpoint). The parent can vanish without passing a signal on only when it is killed outright
 * (kill -9); the child then dies at once too, as the process the user killed would have.
 */
export async function relaunchWithEngineEnv(): Promise<void> {
  if (process.env[RELAUNCHED] === '1') return followParent();
  const extra = engineMallocEnv();
  if (Object.keys(extra).length === 0) return;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...extra, [RELAUNCHED]: '1' },
    detached: true,
  });
  const relay = (signal: NodeJS.Signals) => void child.kill(signal);
  for (const signal of RELAYED) process.on(signal, relay);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve([c, s]));
  }).finally(() => RELAYED.forEach((s) => process.off(s, relay)));
  // Ends the way the child did, so a shell or a supervisor sees the same status: by the signal when
  // it is one this process passes on (nothing handles it here any more), else as a shell reports it.
  if (signal && (RELAYED as readonly string[]).includes(signal)) process.kill(process.pid, signal);
  process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1));
}

function followParent(): void {
  delete process.env[RELAUNCHED];
  // The IPC channel is only there to notice the parent's death: it must not keep this process alive.
  process.channel?.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
