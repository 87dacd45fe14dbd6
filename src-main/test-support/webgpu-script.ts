/**
 * The start every webgpu child script shares (webgpu-kernels.ts, webgpu-fusions.ts,
 * train-webgpu.ts), and a record of which of the engine's own programs ran.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initRuntime } from '../engine/runtime';

/** Starts the webgpu backend, or prints `{ skipped }` (why it is unavailable) and exits. */
export async function startWebGpuOrSkip(): Promise<Awaited<ReturnType<typeof initRuntime>>> {
  const report = await initRuntime('webgpu');
  if (report.active !== 'webgpu') {
    console.log(JSON.stringify({ skipped: report.attempts.find((a) => a.name === 'webgpu')?.detail ?? 'webgpu unavailable' }));
    process.exit(0);
  }
  return report;
}

/** Watches the webgpu backend's programs: `clear()`, then `ran()` lists the engine's (ganStudio…) that ran since, by program (the part of the shader key before any `_`). */
export function watchEnginePrograms(): { clear: () => void; ran: () => string[] } {
  const shaders = new Set<string>();
  const backend = tf.findBackend('webgpu') as unknown as { runWebGPUProgram: (program: { shaderKey: string }, ...rest: unknown[]) => unknown };
  const run = backend.runWebGPUProgram.bind(backend);
  backend.runWebGPUProgram = (program, ...rest) => {
    shaders.add(program.shaderKey.split('_')[0]!);
    return run(program, ...rest);
  };
  return { clear: () => shaders.clear(), ran: () => [...shaders].filter((k) => k.startsWith('ganStudio')).sort() };
}
