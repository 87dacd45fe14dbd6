/**
 * `npm run bench:replicas`: data-parallel training (src-main/engine/parallel) against the threaded
 * engine, on wasm, in one run. For each case: one replica (one thread, the 1-thread reference, on
 * the same code path), N replicas (one thread each, each on its rows of the batch), and the engine
 * on N threads (ONNX Runtime's products threaded, the rest on one thread). Median ms/step of the
 * timed steps after warm-up (replica 0's own step time; the replicas move in lockstep).
 *
 *   npx tsx bench/replicas.ts [--cases dcgan28-bce,dcgan64-bce] [--replicas N] [--steps 5] [--warmup 1] [--rounds 1]
 *
 * Rounds repeat the three measurements in turn, so a drift of this shared machine shows as a spread
 * rather than as a difference between the engines.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initRuntime } from '../src-main/engine/runtime';
import { resolveThreads } from '../src-main/engine/backend/threads';
import { ReplicaGroup } from '../src-main/engine/parallel/replicas';
import { caseConfig, measureCase } from './train-cases';
import type { TrainConfig } from '../src-main/api/train-config';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const REPLICAS = resolveThreads(arg('replicas'));
const STEPS = Number(arg('steps') ?? 5);
const WARMUP = Number(arg('warmup') ?? 1);
const ROUNDS = Number(arg('rounds') ?? 1);
const CASES = (arg('cases') ?? 'dcgan28-bce,dcgan64-bce').split(',');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function replicated(size: number, config: TrainConfig): Promise<number> {
  const group = new ReplicaGroup({ size, backend: 'wasm' });
  try {
    const backend = await group.start(config);
    if (size === REPLICAS) console.log(`  replicas: ${backend}`);
    if (WARMUP > 0) await group.steps(WARMUP);
    const metrics = await group.steps(STEPS);
    return median(metrics.map((m) => m.stepMs));
  } finally {
    await group.close();
  }
}

interface Row {
  case: string;
  round: number;
  oneReplicaMs: number;
  replicasMs: number;
  threadedMs: number;
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  await initRuntime('wasm', { threads: REPLICAS });
  console.log(`wasm · ${REPLICAS} replicas against ${REPLICAS} threads · ${STEPS} timed steps after ${WARMUP} · ${ROUNDS} round(s)`);
  const rows: Row[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of CASES) {
      const config = caseConfig(name);
      const oneReplicaMs = await replicated(1, config);
      const replicasMs = await replicated(REPLICAS, config);
      const threadedMs = (await measureCase('wasm', name, config, { warmup: WARMUP, steps: STEPS, maxStepS: 1e9 })).msPerStep;
      const row = { case: name, round, oneReplicaMs, replicasMs, threadedMs };
      rows.push(row);
      console.log(
        `${name.padEnd(14)} 1 replica ${oneReplicaMs.toFixed(0).padStart(6)} ms · ${REPLICAS} replicas ${replicasMs.toFixed(0).padStart(6)} ms (×${(oneReplicaMs / replicasMs).toFixed(2)}) · ` +
          `${REPLICAS} threads ${threadedMs.toFixed(0).padStart(6)} ms (×${(oneReplicaMs / threadedMs).toFixed(2)})`,
      );
    }
  }
  const dir = join('bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `replicas-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ replicas: REPLICAS, steps: STEPS, warmup: WARMUP, rows }, null, 2));
  console.log(`Wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
