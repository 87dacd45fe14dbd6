/**
 * How many threads the engine computes with: an engine/runtime setting, never part of a run's
 * config (results with 1 and N threads agree; the thread count only changes the speed).
 * Order: --threads on the CLI, then GAN_STUDIO_THREADS, then the default.
 */
import * as os from 'node:os';
import { MAX_WASM_THREADS } from './wasm-threads';

export const threadsEnvVar = 'GAN_STUDIO_THREADS';

/** All cores on 1–2 cores (one thread would leave half a 2-core machine idle), otherwise all but
 *  one for the UI; at most 8 (XNNPACK's limit). */
export function defaultThreads(cores: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores <= 2 ? cores : cores - 1));
}

/** The thread count from a `--threads` value or the environment; throws a message that names the
 *  source and the allowed range. */
export function resolveThreads(flag?: string, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return parseThreads(flag, '--threads');
  const fromEnv = env[threadsEnvVar];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseThreads(fromEnv, threadsEnvVar);
  return defaultThreads();
}

function parseThreads(value: string, source: string): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new Error(`${source} must be a whole number from 1 to ${MAX_WASM_THREADS} (got "${value}"); leave it out for the default (${defaultThreads()} here).`);
  }
  return n;
}

/** With every core busy, give the engine a slightly lower OS priority so the app stays responsive.
 *  Call it before the thread pool starts: on Linux niceness is per thread and new threads inherit it. */
export function yieldPriorityWhenBusy(threads: number, cores: number = os.availableParallelism()): boolean {
  if (threads < cores) return false;
  try {
    const current = os.getPriority();
    if (current >= 5) return false; // already lowered (e.g. by the app or the user's `nice`)
    os.setPriority(Math.min(19, current + 5));
    return true;
  } catch {
    return false; // not permitted on this system: run at normal priority
  }
}

export const parallelEnvVar = 'GAN_STUDIO_PARALLEL';

/**
 * How a CPU training run uses its threads. 'replicas' (data-parallel, engine/training/parallel): one replica
 * per thread, each a tfjs instance on one thread training its rows of every batch, so every part of
 * a step runs on every core. 'threads': one trainer whose matrix products ONNX Runtime splits over
 * the threads while the rest of the step (data movement, batch norm, Adam, JavaScript) runs on one.
 * Measured on this 2-core machine with the engine's allocator settings (README, 2026-12-06), the
 * replicas and 'threads' are level at 64 px (×1.4–1.7 over one thread) and at 28 px, where neither
 * gains on one thread; 'threads' stays for comparison (GAN_STUDIO_PARALLEL=threads). Explore,
 * export and evaluation use the threads either way, and so do a lead's sample grids and
 * in-training evaluation (parallel/lead.ts).
 */
export type ParallelMode = 'replicas' | 'threads';

export function resolveParallel(env: NodeJS.ProcessEnv = process.env): ParallelMode {
  const value = env[parallelEnvVar]?.trim();
  if (value === undefined || value === '') return 'replicas';
  if (value === 'replicas' || value === 'threads') return value;
  throw new Error(`${parallelEnvVar} is "replicas" or "threads" (got "${value}"); leave it unset for replicas.`);
}

/** Replicas a CPU training run uses with `threads` threads in `mode` (1: a single trainer). */
export function trainingReplicas(threads: number, mode: ParallelMode): number {
  return mode === 'replicas' ? threads : 1;
}
