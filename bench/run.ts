/**
 * `npm run bench`: training throughput of the course's GANs on every tfjs backend this machine
 * has — ms/step, images/s and achieved GFLOP/s (from the analytic FLOP count) — printed as a table
 * and written to bench/results/train-<date>.json.
 *
 *   npm run bench -- [--steps 10] [--warmup 2] [--backends wasm,cpu] [--cases mlp-bce,dcgan28-bce]
 *
 * Each case runs `warmup` steps, then the median of `steps` timed steps. A case whose warm-up step
 * takes longer than --max-step-s (default 20 s) is timed over 3 steps instead and marked so.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { selectBackend, backendCandidates } from '../src-main/engine/backend/select';
import { initRuntime } from '../src-main/engine/runtime';
import { registerTrainingKernels } from '../src-main/engine/backend/kernels';
import { loadMnistDemo } from '../src-main/engine/data/mnist-demo';
import { memoryBatches } from '../src-main/engine/data/memory-batches';
import { Trainer } from '../src-main/engine/train/trainer';
import { trainStepFlops } from '../src-main/engine/models/cost';
import { preset } from '../src-main/api/training';
import type { TrainConfig } from '../src-main/api/train-config';
import type { BackendName } from '../src-main/api/schemas';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const STEPS = Number(arg('steps') ?? 10);
const WARMUP = Number(arg('warmup') ?? 2);
const MAX_STEP_S = Number(arg('max-step-s') ?? 20);

const diffAugment: TrainConfig['augment'] = { flip: true, diffAugment: ['translation', 'color', 'cutout'] };

/** DCGAN at 64 px follows Radford et al.'s sizes (z 100, width 64); the 28-px ones are the app's presets. */
const cases: Record<string, () => TrainConfig> = {
  'mlp-bce': () => preset('mlp'),
  'dcgan28-bce': () => preset('dcgan'),
  'dcgan28-wgangp': () => ({ ...preset('wgan-gp'), nCritic: 1 }),
  // DiffAugment's cost: the same models with flip + translation, colour and cutout on every D input.
  'dcgan28-bce-diffaug': () => ({ ...preset('dcgan'), augment: diffAugment }),
  'dcgan28-wgangp-diffaug': () => ({ ...preset('wgan-gp'), nCritic: 1, augment: diffAugment }),
  'dcgan64-bce': () => {
    const p = preset('dcgan');
    return { ...p, model: { ...p.model, resolution: 64, zDim: 100, gWidth: 64, dWidth: 64 } };
  },
  'dcgan64-wgangp': () => {
    const p = preset('wgan-gp');
    return { ...p, nCritic: 1, model: { ...p.model, resolution: 64, zDim: 100, gWidth: 64, dWidth: 64 } };
  },
};

interface Result {
  backend: BackendName;
  provider: string;
  case: string;
  batch: number;
  steps: number;
  msPerStep: number;
  imagesPerSecond: number;
  gflops: number;
  note: string;
}

async function availableBackends(): Promise<{ name: BackendName; provider: string }[]> {
  const wanted = arg('backends')?.split(',');
  const found: { name: BackendName; provider: string }[] = [];
  for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
    if (wanted && !wanted.includes(name)) continue;
    try {
      const report = await selectBackend({ preference: name, candidates: backendCandidates() });
      if (report.active === name) found.push({ name, provider: report.provider });
    } catch {
      // Not available here.
    }
  }
  return found;
}

async function measure(backend: BackendName, name: string, config: TrainConfig): Promise<Omit<Result, 'provider'>> {
  await tf.setBackend(backend);
  if (backend !== 'tensorflow') registerTrainingKernels(backend);
  const trainer = new Trainer(config, memoryBatches(loadMnistDemo(), config.model));
  try {
    let slow = false;
    for (let i = 0; i < WARMUP; i++) {
      const m = await trainer.trainStep();
      if (m.stepMs > MAX_STEP_S * 1000) {
        slow = true;
        break;
      }
    }
    const steps = slow ? 3 : STEPS;
    const times: number[] = [];
    for (let i = 0; i < steps; i++) times.push((await trainer.trainStep()).stepMs);
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)]!;
    return {
      backend,
      case: name,
      batch: config.batchSize,
      steps,
      msPerStep: ms,
      imagesPerSecond: config.batchSize / (ms / 1000),
      gflops: trainStepFlops(config) / (ms / 1000) / 1e9,
      note: slow ? `warm-up step over ${MAX_STEP_S} s: median of 3` : '',
    };
  } finally {
    trainer.dispose();
  }
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  await initRuntime('cpu'); // registers gradients; each case then picks its backend
  const backends = await availableBackends();
  const selected = arg('cases')?.split(',') ?? Object.keys(cases);
  const results: Result[] = [];
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}; backends: ${backends.map((b) => b.name).join(', ')}`);
  for (const { name: backend, provider } of backends) {
    for (const name of selected) {
      const factory = cases[name];
      if (!factory) throw new Error(`Unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
      const result = { ...(await measure(backend, name, factory())), provider };
      results.push(result);
      console.log(formatRow(result));
    }
  }
  console.log(`\n${table(results)}`);
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/train-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
  await writeFile(file, JSON.stringify({ machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }, results }, null, 2));
  console.log(`\nWrote ${file}`);
}

function formatRow(r: Result): string {
  return `${r.backend.padEnd(10)} ${r.case.padEnd(16)} batch ${r.batch}: ${r.msPerStep.toFixed(0)} ms/step, ${r.imagesPerSecond.toFixed(1)} img/s, ${r.gflops.toFixed(1)} GFLOP/s ${r.note}`;
}

function table(results: Result[]): string {
  const rows = results.map((r) => `| ${r.backend} | ${r.case} | ${r.batch} | ${r.msPerStep.toFixed(0)} | ${r.imagesPerSecond.toFixed(1)} | ${r.gflops.toFixed(1)} | ${r.note} |`);
  return ['| backend | case | batch | ms/step | img/s | GFLOP/s | note |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

await main();
