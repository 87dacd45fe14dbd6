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

/**
 * For scripts that run the engine in their own process (benchmarks): on Linux, runs this process
 * again with engineMallocEnv and exits with its status, so that figures are those of the app's
 * engine process. Returns when nothing needs adding (the second run, other platforms).
 */
export async function relaunchWithEngineEnv(): Promise<void> {
  const extra = engineMallocEnv();
  if (Object.keys(extra).length === 0) return;
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, ...extra } });
  process.exit(result.status ?? 1);
}
