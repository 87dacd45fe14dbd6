/**
 * `npm run bench`: training throughput of the course's GANs on every tfjs backend this machine
 * has — ms/step, images/s, achieved GFLOP/s (from the analytic FLOP count) and its fraction of the
 * machine's float32 GEMM peak (a 2048² matMul on the same backend and threads, measured in the same
 * run) — printed as a table and written to bench/results/train-<date>.json. With wasm on N > 1
 * threads it adds a scaling row per DCGAN case: the same case in a child process on 1 thread, and
 * N such children side by side. The second is what N cores give N independent single-thread runs:
 * the ceiling of a data-parallel engine (one replica per core), beside the threaded engine's own.
 *
 *   npm run bench -- [--steps 10] [--warmup 2] [--backends wasm,cpu] [--cases mlp-bce,dcgan28-bce]
 *                    [--threads N] [--scaling dcgan28-bce,dcgan64-bce | none]
 *
 * Each case runs `warmup` steps, then the median of `steps` timed steps. A case whose warm-up step
 * takes longer than --max-step-s (default 20 s) is timed over 3 steps instead and marked so.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resolveThreads } from '../src-main/engine/backend/threads';
import { selectBackend, backendCandidates } from '../src-main/engine/backend/select';
import { initRuntime } from '../src-main/engine/runtime';
import { cases, caseConfig, gemmPeak, measureCase, type Measured, type Peak } from './train-cases';
import type { TrainConfig } from '../src-main/api/train-config';
import type { BackendName } from '../src-main/api/schemas';
import { relaunchWithEngineEnv } from '../src-main/shared/engine-env';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const STEPS = Number(arg('steps') ?? 10);
const WARMUP = Number(arg('warmup') ?? 2);
const MAX_STEP_S = Number(arg('max-step-s') ?? 20);
const THREADS = resolveThreads(arg('threads'));
const SCALING = (arg('scaling') ?? 'dcgan28-bce,dcgan64-bce').split(',').filter((c) => c !== 'none');
/** A child of this bench writes its results here (used for the 1-thread reference). */
const JSON_OUT = arg('json-out');

interface Result extends Measured {
  provider: string;
  /** CPU threads of the backend (absent: TensorFlow's own pool). */
  threads?: number;
  /** Achieved GFLOP/s over this run's GEMM peak on the same backend and threads. */
  ofPeak?: number;
}

interface Available {
  name: BackendName;
  provider: string;
  threads?: number;
}

async function availableBackends(): Promise<Available[]> {
  const wanted = arg('backends')?.split(',');
  const found: Available[] = [];
  // webgpu only when asked for: on a machine without a GPU it would run on a software adapter.
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    if (wanted ? !wanted.includes(name) : name === 'webgpu') continue;
    try {
      const report = await selectBackend({ preference: name, candidates: backendCandidates({ threads: THREADS, allowSoftwareGpu: name === 'webgpu' }) });
      // The adapter (webgpu) or build (wasm) it runs on, as the app's status bar says it.
      const detail = report.attempts.find((a) => a.ok && a.name === name)?.detail;
      if (name === 'webgpu' && detail) console.log(`webgpu: ${detail}`);
      if (report.active === name) found.push({ name, provider: report.provider, threads: report.threads });
    } catch {
      // Not available here.
    }
  }
  return found;
}

async function measure(backend: BackendName, name: string, config: TrainConfig): Promise<Omit<Result, 'provider'>> {
  return measureCase(backend, name, config, { warmup: WARMUP, steps: STEPS, maxStepS: MAX_STEP_S });
}

/** The same case on 1 wasm thread, in a child process (the thread count is fixed per process), with
 *  that process's GEMM peak on 1 thread; `copy` tells apart children that run side by side, and
 *  `abort` stops a child (its siblings failed). */
async function oneThreadReference(name: string, copy = 0, abort?: AbortSignal): Promise<{ result: Result; peak: Peak }> {
  const out = join(tmpdir(), `gan-bench-1t-${process.pid}-${name}-${copy}.json`);
  const pass = ['steps', 'warmup', 'max-step-s'].flatMap((k) => (arg(k) === undefined ? [] : [`--${k}`, arg(k)!]));
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--backends', 'wasm', '--threads', '1', '--cases', name, '--scaling', 'none', '--json-out', out, ...pass], {
        stdio: ['ignore', 'ignore', 'inherit'],
        signal: abort,
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`the 1-thread run of ${name} ended with ${signal ?? `exit code ${code}`}`))));
    });
    const { results, peaks } = JSON.parse(readFileSync(out, 'utf8')) as { results: Result[]; peaks: Peak[] };
    return { result: results[0]!, peak: peaks[0]! };
  } finally {
    rmSync(out, { force: true });
  }
}

/** `copies` 1-thread runs of a case at once: each one's ms/step. If one fails the others are stopped. */
async function sideBySide(name: string, copies: number): Promise<number[]> {
  const abort = new AbortController();
  const runs = Array.from({ length: copies }, (_, i) =>
    oneThreadReference(name, i + 1, abort.signal).catch((error: unknown) => {
      abort.abort();
      throw error;
    }),
  );
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<{ result: Result }>).value.result.msPerStep);
}

/** Steps per unit time of `runs` together, over one 1-thread run's alone: one · Σ 1/msᵢ. */
const combinedSpeedUp = (one: number, runs: number[]) => runs.reduce((sum, ms) => sum + one / ms, 0);

/** A case on 1 and on N threads, each with its process's GEMM peak: the GEMM's own speed-up is the
 *  ceiling for the step's on this machine at that time. */
interface Scaling {
  case: string;
  one: Result;
  many: Result;
  onePeak: Peak;
  manyPeak?: Peak;
  /** ms/step of each of `many.threads` 1-thread runs side by side. */
  sideBySideMs: number[];
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  await initRuntime('cpu'); // registers gradients; each case then picks its backend
  const backends = await availableBackends();
  const selected = arg('cases')?.split(',') ?? Object.keys(cases);
  const results: Result[] = [];
  const peaks: Peak[] = [];
  const scaling: Scaling[] = [];
  const wasm = backends.find((b) => b.name === 'wasm');
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}; backends: ${backends.map((b) => b.name).join(', ')}; wasm threads: ${wasm?.threads ?? '—'}`);
  for (const { name: backend, provider, threads } of backends) {
    // The peak is measured before and after the cases and the better one kept: on a shared machine
    // a single measurement can land while another process holds a core.
    let peak = await gemmPeak(backend, threads);
    console.log(`${backend.padEnd(10)} GEMM peak: ${peak.n}² matMul in ${peak.ms.toFixed(0)} ms = ${peak.gflops.toFixed(1)} GFLOP/s on ${threads ?? 'its own'} thread(s)`);
    const first = results.length;
    for (const name of selected) {
      const measured = await measure(backend, name, caseConfig(name));
      const result: Result = { ...measured, provider, threads, ofPeak: measured.gflops / peak.gflops };
      results.push(result);
      console.log(formatRow(result));
      if (backend === 'wasm' && (threads ?? 1) > 1 && SCALING.includes(name)) {
        const { result: one, peak: onePeak } = await oneThreadReference(name);
        const sideBySideMs = await sideBySide(name, threads!);
        scaling.push({ case: name, one, many: result, onePeak, sideBySideMs });
        console.log(
          `${''.padEnd(10)} ${name.padEnd(16)} 1 thread: ${one.msPerStep.toFixed(0)} ms/step → ${threads} threads: ×${(one.msPerStep / result.msPerStep).toFixed(2)}; ` +
            `${threads} 1-thread runs side by side: ${sideBySideMs.map((ms) => ms.toFixed(0)).join(', ')} ms/step, ×${combinedSpeedUp(one.msPerStep, sideBySideMs).toFixed(2)} together`,
        );
      }
    }
    const after = await gemmPeak(backend, threads);
    console.log(`${backend.padEnd(10)} GEMM peak again after the cases: ${after.gflops.toFixed(1)} GFLOP/s; the better of the two is the row's peak`);
    if (after.gflops > peak.gflops) peak = after;
    peaks.push(peak);
    for (const row of scaling) if (row.many.backend === backend) row.manyPeak = peak;
    for (const r of results.slice(first)) r.ofPeak = r.gflops / peak.gflops;
  }
  console.log(`\n${table(results)}`);
  console.log(`\n${peakTable(peaks)}`);
  if (scaling.length) console.log(`\n${scalingTable(scaling)}`);
  const report = { machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }, results, peaks, scaling };
  if (JSON_OUT) return void (await writeFile(JSON_OUT, JSON.stringify(report)));
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/train-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
  await writeFile(file, JSON.stringify(report, null, 2));
  console.log(`\nWrote ${file}`);
}

const pct = (f: number | undefined) => (f === undefined ? '—' : `${(100 * f).toFixed(1)} %`);

function formatRow(r: Result): string {
  return `${r.backend.padEnd(10)} ${r.case.padEnd(16)} batch ${r.batch}, ${r.threads ?? '?'} thr: ${r.msPerStep.toFixed(0)} ms/step, ${r.imagesPerSecond.toFixed(1)} img/s, ${r.gflops.toFixed(1)} GFLOP/s = ${pct(r.ofPeak)} of GEMM peak ${r.note}`;
}

function table(results: Result[]): string {
  const rows = results.map((r) => `| ${r.backend} | ${r.threads ?? '—'} | ${r.case} | ${r.batch} | ${r.msPerStep.toFixed(0)} | ${r.imagesPerSecond.toFixed(1)} | ${r.gflops.toFixed(1)} | ${pct(r.ofPeak)} | ${r.note} |`);
  return ['| backend | threads | case | batch | ms/step | img/s | GFLOP/s | of GEMM peak | note |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}

function peakTable(peaks: Peak[]): string {
  const rows = peaks.map((p) => `| ${p.backend} | ${p.threads ?? '—'} | ${p.n}×${p.n} · ${p.n}×${p.n} matMul | ${p.ms.toFixed(0)} | ${p.gflops.toFixed(1)} |`);
  return ['| backend | threads | GEMM peak (best of 3) | ms | GFLOP/s |', '|---|---|---|---|---|', ...rows].join('\n');
}

function scalingTable(rows: Scaling[]): string {
  const lines = rows.map(({ case: c, one, many, onePeak, manyPeak, sideBySideMs }) => {
    const gemm = manyPeak ? `×${(manyPeak.gflops / onePeak.gflops).toFixed(2)} (${onePeak.gflops.toFixed(0)} → ${manyPeak.gflops.toFixed(0)} GFLOP/s)` : '—';
    const apart = `×${combinedSpeedUp(one.msPerStep, sideBySideMs).toFixed(2)} (${sideBySideMs.map((ms) => ms.toFixed(0)).join(', ')} ms/step)`;
    return `| ${c} | ${one.msPerStep.toFixed(0)} | ${many.threads} | ${many.msPerStep.toFixed(0)} | ×${(one.msPerStep / many.msPerStep).toFixed(2)} | ${gemm} | ${apart} |`;
  });
  return [
    '| wasm scaling | ms/step, 1 thread | threads | ms/step | speed-up | GEMM peak speed-up (the ceiling) | as many 1-thread runs side by side, together (a data-parallel ceiling) |',
    '|---|---|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}

// The engine's allocator settings (src-main/shared/engine-env.ts), as the app's engine process has them.
await relaunchWithEngineEnv();
await main();
