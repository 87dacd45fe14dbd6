/**
 * `npm run bench:replicas`: data-parallel training (src-main/engine/training/parallel) against the threaded
 * engine, on wasm, in one run. For each case, in turn, each in a process of its own (a process's
 * thread count is fixed): the engine on 1 thread (the reference), N replicas (the lead and N − 1
 * workers, one thread each, each on its rows of the batch), and the engine on N threads (ONNX
 * Runtime's products threaded, the rest on one thread). Median ms/step of the timed steps after
 * warm-up, as the lead measures its step (the replicas move in lockstep).
 *
 *   npx tsx bench/replicas.ts [--cases dcgan28-bce,dcgan64-bce] [--replicas N] [--steps 10] [--warmup 2] [--rounds 3]
 *
 * Rounds repeat the three in turn, so a drift of this shared machine shows as a spread between
 * rounds rather than as a difference between the engines. Results: bench/results/replicas-<date>.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime } from '../src-main/engine/runtime';
import { resolveThreads } from '../src-main/engine/backend/threads';
import { ReplicaGroup } from '../src-main/engine/training/parallel/replicas';
import { LeadTrainer, replicaData } from '../src-main/engine/training/parallel/lead';
import { memoryBatches } from '../src-main/engine/batches/memory-batches';
import { loadMnistDemo, type LabelledImages } from '../src-main/engine/dataset/mnist-demo';
import { Trainer } from '../src-main/engine/training/trainer';
import { caseConfig } from './train-cases';
import { relaunchWithEngineEnv } from '../src-main/shared/engine-env';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const REPLICAS = resolveThreads(arg('replicas'));
const STEPS = Number(arg('steps') ?? 10);
const WARMUP = Number(arg('warmup') ?? 2);
const ROUNDS = Number(arg('rounds') ?? 3);
const CASES = (arg('cases') ?? 'dcgan28-bce,dcgan64-bce').split(',');

type Engine = 'one-thread' | 'replicas' | 'threads';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** In a child: one case on one engine; prints its median ms/step as JSON on the last line. */
async function child(engine: Engine, name: string, out: string): Promise<void> {
  tf.env().set('PROD', true);
  await initRuntime('wasm', { threads: engine === 'threads' ? REPLICAS : 1 });
  const config = caseConfig(name);
  const group = engine === 'replicas' ? new ReplicaGroup({ size: REPLICAS, backend: 'wasm' }) : null;
  const { lead: data, replicas } = replicaData(loadMnistDemo(), null);
  const batches = memoryBatches(data as LabelledImages, config.model);
  const trainer = group ? new LeadTrainer(config, batches, group, replicas) : new Trainer(config, batches);
  try {
    for (let i = 0; i < WARMUP; i++) await trainer.trainStep();
    const times: number[] = [];
    for (let i = 0; i < STEPS; i++) times.push((await trainer.trainStep()).stepMs);
    await writeFile(out, JSON.stringify({ ms: median(times) }));
  } finally {
    trainer.dispose();
    await group?.close();
  }
}

function runChild(engine: Engine, name: string): Promise<number> {
  const out = join(tmpdir(), `gan-bench-replicas-${process.pid}-${engine}-${name}.json`);
  const pass = ['replicas', 'steps', 'warmup'].flatMap((k) => (arg(k) === undefined ? [] : [`--${k}`, arg(k)!]));
  return new Promise<number>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/replicas.ts', '--child', engine, '--cases', name, '--out', out, ...pass], { stdio: ['ignore', 'ignore', 'inherit'] });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${engine} on ${name} ended with exit code ${code}`));
      void readFile(out, 'utf8')
        .then((text) => resolve((JSON.parse(text) as { ms: number }).ms))
        .catch(reject)
        .finally(() => void rm(out, { force: true }));
    });
  });
}

interface Row {
  case: string;
  round: number;
  oneThreadMs: number;
  replicasMs: number;
  threadsMs: number;
}

async function main(): Promise<void> {
  const engine = arg('child') as Engine | undefined;
  if (engine) return child(engine, CASES[0]!, arg('out')!);
  console.log(`wasm · ${REPLICAS} replicas against ${REPLICAS} threads, each against 1 thread · ${STEPS} timed steps after ${WARMUP} · ${ROUNDS} round(s)`);
  const rows: Row[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of CASES) {
      const oneThreadMs = await runChild('one-thread', name);
      const replicasMs = await runChild('replicas', name);
      const threadsMs = await runChild('threads', name);
      rows.push({ case: name, round, oneThreadMs, replicasMs, threadsMs });
      const x = (ms: number) => `×${(oneThreadMs / ms).toFixed(2)}`;
      console.log(
        `${name.padEnd(13)} 1 thread ${oneThreadMs.toFixed(0).padStart(5)} ms · ${REPLICAS} replicas ${replicasMs.toFixed(0).padStart(5)} ms (${x(replicasMs)}) · ` +
          `${REPLICAS} threads ${threadsMs.toFixed(0).padStart(5)} ms (${x(threadsMs)})`,
      );
    }
  }
  const dir = join('bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `replicas-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ replicas: REPLICAS, steps: STEPS, warmup: WARMUP, rows }, null, 2));
  console.log(`Wrote ${file}`);
}

// The engine's allocator settings (src-main/shared/engine-env.ts), as the app's engine process has
// them; the engines' processes inherit them.
await relaunchWithEngineEnv();
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
