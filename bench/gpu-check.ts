/**
 * The engine side of the GPU check (bench/gpu-check.sh runs it, bundled by bench/pack-gpu-check.sh
 * into .gpucheck/): one phase per process, so that a phase that hangs or runs out of time is killed
 * alone and the others still report.
 *
 *   node gpu-check.mjs phase --backend webgpu|wasm --case dcgan28-bce --warmup 3 --steps 10
 *                            --out results.jsonl [--threads N] [--batch N] [--peak] [--profile]
 *                            [--tf-flags NAME=VALUE,…] [--stock-kernels] [--allow-software-gpu]
 *   node gpu-check.mjs table results.jsonl
 *
 * `phase` appends JSON lines to --out: what the backend runs on (adapter or CPU and threads), then
 * the case's timing, or the reason the backend could not start. `--peak` first times the backend's float32
 * GEMM peak (4096² matMuls, queued ten at a time, on webgpu; 2048² on wasm), `--batch` overrides the
 * case's batch size, `--profile` profiles one more step kernel by kernel (GPU time per kernel through
 * timestamp queries), `--tf-flags` sets TensorFlow.js flags (e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64)
 * once the backend is up, to compare them on the card; `--stock-kernels` leaves out the engine's own
 * kernels and its fused webgpu Adam (to time what they gain in the same run). `table` prints them as a table.
 * A software WebGPU adapter (SwiftShader, llvmpipe) counts as a failure unless --allow-software-gpu
 * is given: on a GPU machine it would mean the driver was not found, and its timings mislead.
 */
import * as tf from '@tensorflow/tfjs-core';
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import { backendCandidates, selectBackend } from '../src-main/engine/backend/select';
import type { AdapterDescription } from '../src-main/engine/backend/webgpu';
import { ensureGradientsRegistered } from '../src-main/engine/ops/gradients';
import { hasTrainingKernels, registerTrainingKernels } from '../src-main/engine/backend/kernels';
import { setFusedOps } from '../src-main/engine/backend/fused';
import { caseConfig, gemmPeak, measureCase, type Measured, type Peak } from './train-cases';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

/** One line of the results file. */
type Line =
  | { kind: 'device'; backend: string; label: string; vendor?: string; architecture?: string; description?: string; software?: boolean; threads?: number; cpu?: string; cores?: number }
  | ({ kind: 'result' } & Measured & { threads?: number })
  | ({ kind: 'peak' } & Peak)
  | { kind: 'failed'; backend: string; case: string; reason: string };

function record(out: string, line: Line): void {
  appendFileSync(out, `${JSON.stringify(line)}\n`);
}

async function phase(): Promise<void> {
  const backend = arg('backend');
  const name = arg('case');
  const out = arg('out');
  if ((backend !== 'webgpu' && backend !== 'wasm') || !name || !out) {
    throw new Error('gpu-check.mjs phase needs --backend webgpu|wasm, --case NAME and --out FILE (see bench/gpu-check.ts).');
  }
  const config = caseConfig(name);
  if (arg('batch')) {
    config.batchSize = Number(arg('batch'));
    if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new Error(`--batch takes a positive whole number, not "${arg('batch')}"`);
  }
  const threads = Number(arg('threads') ?? Math.min(8, availableParallelism()));
  // Where the packed files resolve from: they must be the ones next to this bundle.
  const resolve = createRequire(import.meta.url).resolve;
  console.log(`  files: ${backend === 'webgpu' ? resolve('webgpu') : resolve('@tensorflow/tfjs-backend-wasm/package.json')}`);

  tf.env().set('PROD', true);
  await ensureGradientsRegistered();
  const stock = args.includes('--stock-kernels');
  setFusedOps(!stock);
  const candidates = backendCandidates({ threads, allowSoftwareGpu: args.includes('--allow-software-gpu') });
  const report = await selectBackend({ preference: backend, candidates, registerKernels: (n) => (hasTrainingKernels(n) && !stock ? registerTrainingKernels(n) : []) });
  const attempt = report.attempts.find((a) => a.name === backend && a.provider !== '@tensorflow/tfjs-backend-cpu');
  if (report.active !== backend) {
    let reason = attempt?.detail ?? report.attempts.map((a) => `${a.provider}: ${a.detail}`).join('; ');
    if (/software adapter/.test(reason)) reason += ' (gpu-check: --allow-software-gpu times it anyway)';
    record(out, { kind: 'failed', backend, case: name, reason });
    console.log(`  ${backend} did not start: ${reason}`);
    process.exitCode = 2;
    return;
  }
  if (backend === 'webgpu') {
    const adapter = (candidates.find((c) => c.name === 'webgpu') as { adapter?: () => AdapterDescription | null }).adapter?.();
    record(out, { kind: 'device', backend, label: attempt?.detail ?? '', ...(adapter ?? {}) });
    console.log(`  adapter: vendor "${adapter?.vendor}", architecture "${adapter?.architecture}", description "${adapter?.description}"${adapter?.software ? ' (software)' : ''}`);
  } else {
    record(out, { kind: 'device', backend, label: attempt?.detail ?? '', threads: report.threads, cpu: cpus()[0]?.model, cores: availableParallelism() });
    console.log(`  ${attempt?.detail}; CPU ${cpus()[0]?.model} × ${availableParallelism()}`);
  }
  const flags = (arg('tf-flags') ?? '').split(',').filter(Boolean);
  for (const flag of flags) {
    const [key, ...rest] = flag.split('=');
    const value = rest.length ? rest.join('=') : undefined;
    if (!key || value === undefined) throw new Error(`--tf-flags takes NAME=VALUE pairs separated by commas, not "${flag}"`);
    tf.env().set(key, value === 'true' ? true : value === 'false' ? false : Number.isNaN(Number(value)) ? value : Number(value));
  }
  if (args.includes('--peak')) {
    const peak = await gemmPeak(backend, backend === 'wasm' ? report.threads : undefined, { ...(backend === 'webgpu' ? { n: 4096, chain: 10 } : {}), stockKernels: stock });
    record(out, { kind: 'peak', ...peak });
    console.log(`  GEMM peak: ${peak.n}² matMul in ${peak.ms.toFixed(2)} ms = ${peak.gflops.toFixed(1)} GFLOP/s`);
  }
  const warmup = Number(arg('warmup') ?? 3);
  const steps = Number(arg('steps') ?? 10);
  const measured = await measureCase(backend, name, config, { warmup, steps, maxStepS: Number(arg('max-step-s') ?? 60), profile: args.includes('--profile'), stockKernels: stock });
  measured.note = [measured.note, stock ? 'stock tfjs kernels' : '', flags.join(' ')].filter(Boolean).join('; ');
  record(out, { kind: 'result', ...measured, ...(backend === 'wasm' ? { threads: report.threads } : {}) });
  const p = measured.profile;
  if (p) {
    console.log(`  profiled step: ${p.kernels} kernels, ${p.wallMs.toFixed(1)} ms wall, ${p.kernelMs === null ? 'no kernel timer' : `${p.kernelMs.toFixed(1)} ms in kernels`}`);
    for (const t of p.top) console.log(`    ${t.kernel.padEnd(28)} ${String(t.calls).padStart(4)} calls ${t.ms.toFixed(2).padStart(8)} ms`);
  }
  console.log(`  ${name}: ${measured.msPerStep.toFixed(1)} ms/step, ${measured.imagesPerSecond.toFixed(1)} img/s, ${measured.gflops.toFixed(1)} GFLOP/s (${warmup} warm-up + ${measured.steps} timed)`);
}

function table(file: string): void {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);
  const devices = new Map<string, string>();
  const peaks = new Map<string, Peak>();
  for (const l of lines) {
    if (l.kind === 'device' && !devices.has(l.backend)) devices.set(l.backend, l.backend === 'wasm' ? `${l.cpu ?? 'CPU'} (${l.cores} cores), ${l.threads} threads` : l.label.replace(/^WebGPU on /, ''));
    if (l.kind === 'peak') peaks.set(l.backend, l);
  }
  const ofPeak = (backend: string, gflops: number) => {
    const peak = peaks.get(backend);
    return peak ? `${((100 * gflops) / peak.gflops).toFixed(1)} %` : '—';
  };
  const rows = lines.flatMap((l) => {
    if (l.kind === 'result') return [`| ${l.backend} | ${l.case} | ${l.batch} | ${l.steps} | ${l.msPerStep.toFixed(1)} | ${l.imagesPerSecond.toFixed(1)} | ${l.gflops.toFixed(1)} | ${ofPeak(l.backend, l.gflops)} | ${l.note} |`];
    if (l.kind === 'failed') return [`| ${l.backend} | ${l.case} | — | — | — | — | — | — | ${l.reason.replace(/\|/g, '/')} |`];
    return [];
  });
  for (const [backend, label] of devices) console.log(`${backend}: ${label}`);
  for (const p of peaks.values()) console.log(`${p.backend} GEMM peak: ${p.n}² matMul, ${p.ms.toFixed(2)} ms = ${p.gflops.toFixed(1)} GFLOP/s`);
  console.log(['| backend | case | batch | timed steps | ms/step | img/s | GFLOP/s | of GEMM peak | note |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n'));
}

const [command] = args;
if (command === 'phase') await phase();
else if (command === 'table' && args[1]) table(args[1]);
else throw new Error('Usage: gpu-check.mjs phase … | table FILE (see bench/gpu-check.ts).');
// Dawn's device and the wasm pool may hold the event loop open; the results are written.
process.exit(process.exitCode ?? 0);
