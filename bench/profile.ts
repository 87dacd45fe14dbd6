/**
 * `npm run bench:profile`: where a training step's time goes, kernel by kernel. For each case it
 * warms up, then profiles whole trainer steps with tf.profile and prints, per kernel and phase
 * (forward = inside the forward passes, backward = while tfjs back-propagates), the calls, the time,
 * its share of the step and, for the GEMM-shaped kernels, the GFLOP/s they reach. The rest of the
 * step (optimizer bookkeeping, tape, tidy, JS ↔ wasm copies outside kernels) is the "outside
 * kernels" row. Written to bench/results/profile-<date>.json as well.
 *
 *   npm run bench:profile -- [--cases dcgan28-bce,dcgan64-bce] [--backend wasm] [--steps 2] [--threads N]
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveThreads } from '../src-main/engine/backend/threads';
import { initRuntime } from '../src-main/engine/runtime';
import { hasTrainingKernels, registerTrainingKernels } from '../src-main/engine/backend/kernels';
import { loadMnistDemo } from '../src-main/engine/dataset/mnist-demo';
import { memoryBatches } from '../src-main/engine/batches/memory-batches';
import { Trainer } from '../src-main/engine/training/trainer';
import type { TrainConfig } from '../src-main/api/train-config';
import type { BackendPreference } from '../src-main/api/schemas';
import { cases } from './train-cases';
import { relaunchWithEngineEnv } from '../src-main/shared/engine-env';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const STEPS = Number(arg('steps') ?? 2);
const BACKEND = (arg('backend') ?? 'wasm') as BackendPreference;
const THREADS = resolveThreads(arg('threads'));
/** --shapes: one row per GEMM-shaped kernel and input shape, to see which layer is slow. */
const BY_SHAPE = args.includes('--shapes');

const wanted = (arg('cases') ?? 'dcgan28-bce,dcgan64-bce').split(',');

type Shape = number[];
/** Multiply-adds ×2 of the kernels that are GEMMs underneath; null for the rest. */
function flopsOf(name: string, inputs: (Shape | null)[], outputs: Shape[]): number | null {
  const prod = (s: Shape) => s.reduce((a, b) => a * b, 1);
  const out = outputs[0];
  if (!out) return null;
  switch (name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      const f = inputs[1]!; // [kH, kW, Cin, Cout]
      return 2 * prod(out) * f[0]! * f[1]! * f[2]!;
    }
    case 'Conv2DBackpropInput': {
      const [dy, f] = [inputs[0]!, inputs[1]!]; // dy [N, oH, oW, Cout], filter [kH, kW, Cin, Cout]
      return 2 * prod(dy) * f[0]! * f[1]! * f[2]!;
    }
    case 'Conv2DBackpropFilter': {
      const dy = inputs[1]!; // out = filter [kH, kW, Cin, Cout]
      return 2 * prod(dy) * out[0]! * out[1]! * out[2]!;
    }
    case 'MatMul':
    case 'BatchMatMul':
    case '_FusedMatMul': {
      const [a, b] = [inputs[0]!, inputs[1]!];
      // out [.., M, N]; the shared dimension is whichever of a's last two is not M.
      const k = a.length === b.length ? (a.at(-1) === out.at(-2) ? a.at(-2)! : a.at(-1)!) : a.at(-1)!;
      return 2 * prod(out) * k;
    }
    default:
      return null;
  }
}

interface Row {
  kernel: string;
  phase: 'forward' | 'backward' | 'no-grad';
  calls: number;
  ms: number;
  flops: number | null;
}

async function profileCase(name: string, config: TrainConfig) {
  const trainer = new Trainer(config, memoryBatches(loadMnistDemo(), config.model));
  try {
    for (let i = 0; i < 2; i++) await trainer.trainStep();
    // Phase per kernel call, from the engine's scope stack at the moment the kernel runs.
    const engine = tf.engine() as unknown as {
      profiler: { profileKernel: (...a: unknown[]) => unknown };
      state: { scopeStack: { name: string }[] };
    };
    const phases: Row['phase'][] = [];
    const original = engine.profiler.profileKernel.bind(engine.profiler);
    engine.profiler.profileKernel = (...a: unknown[]) => {
      const names = engine.state.scopeStack.map((s) => s.name);
      // Outside both: forward passes that need no gradient (G's fakes for the D step, samples).
      phases.push(names.includes('backward') ? 'backward' : names.includes('forward') ? 'forward' : 'no-grad');
      return original(...a);
    };
    tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
    const rows = new Map<string, Row>();
    let stepMs = 0;
    try {
      for (let s = 0; s < STEPS; s++) {
        phases.length = 0;
        const started = performance.now();
        const info = await tf.profile(async () => {
          await trainer.trainStep();
        });
        stepMs += performance.now() - started;
        info.kernels.forEach((k, i) => {
          const phase = phases[i] ?? 'no-grad';
          const f = flopsOf(k.name, k.inputShapes as (Shape | null)[], k.outputShapes as Shape[]);
          const kernel = BY_SHAPE && f !== null ? `${k.name} ${(k.inputShapes as Shape[]).map((s) => `[${s}]`).join('')}` : k.name;
          const key = `${kernel}|${phase}`;
          const row = rows.get(key) ?? { kernel, phase, calls: 0, ms: 0, flops: null };
          row.calls += 1;
          row.ms += k.kernelTimeMs as number;
          if (f !== null) row.flops = (row.flops ?? 0) + f;
          rows.set(key, row);
        });
      }
    } finally {
      engine.profiler.profileKernel = original;
    }
    const list = [...rows.values()].map((r) => ({ ...r, calls: r.calls / STEPS, ms: r.ms / STEPS, flops: r.flops === null ? null : r.flops / STEPS }));
    list.sort((a, b) => b.ms - a.ms);
    return { case: name, msPerStep: stepMs / STEPS, rows: list };
  } finally {
    trainer.dispose();
  }
}

async function main(): Promise<void> {
  const report = await initRuntime(BACKEND, { threads: THREADS });
  if (hasTrainingKernels(report.active)) registerTrainingKernels(report.active);
  const threads = report.threads ? `, ${report.threads} thread${report.threads === 1 ? '' : 's'}` : '';
  console.log(`Backend: ${report.active} (${report.provider}${threads}). Profiled steps per case: ${STEPS} (profiling adds a little overhead).`);
  const results = [];
  for (const name of wanted) {
    const make = cases[name];
    if (!make) throw new Error(`Unknown case ${name}: ${Object.keys(cases).join(', ')}`);
    const result = await profileCase(name, make());
    results.push(result);
    const inKernels = result.rows.reduce((sum, r) => sum + r.ms, 0);
    const gemmMs = result.rows.filter((r) => r.flops !== null).reduce((sum, r) => sum + r.ms, 0);
    const gemmFlops = result.rows.reduce((sum, r) => sum + (r.flops ?? 0), 0);
    console.log(`\n${name}: ${result.msPerStep.toFixed(0)} ms per profiled step; GEMM-shaped kernels ${gemmMs.toFixed(0)} ms at ${(gemmFlops / gemmMs / 1e6).toFixed(1)} GFLOP/s`);
    console.log(`${'kernel'.padEnd(BY_SHAPE ? 60 : 30)} phase     calls     ms   share  GFLOP/s`);
    for (const r of result.rows.filter((r) => r.ms >= result.msPerStep * 0.005)) {
      const gf = r.flops === null ? '' : (r.flops / r.ms / 1e6).toFixed(1);
      console.log(`${r.kernel.padEnd(BY_SHAPE ? 60 : 30)} ${r.phase.padEnd(9)} ${r.calls.toFixed(0).padStart(5)} ${r.ms.toFixed(1).padStart(7)} ${((r.ms / result.msPerStep) * 100).toFixed(1).padStart(6)}%  ${gf.padStart(7)}`);
    }
    const outside = result.msPerStep - inKernels;
    console.log(`${'(outside kernels)'.padEnd(BY_SHAPE ? 60 : 30)} ${''.padEnd(9)} ${''.padStart(5)} ${outside.toFixed(1).padStart(7)} ${((outside / result.msPerStep) * 100).toFixed(1).padStart(6)}%`);
  }
  const dir = join(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `profile-${new Date().toISOString().slice(0, 10)}.json`);
  await writeFile(file, JSON.stringify({ backend: report.active, threads: report.threads, date: new Date().toISOString(), results }, null, 2));
  console.log(`\nWritten to ${file}`);
}

// The engine's allocator settings (src-main/shared/engine-env.ts), as the app's engine process has them.
await relaunchWithEngineEnv();
await main();
