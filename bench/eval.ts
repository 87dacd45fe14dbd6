/**
 * Evaluation cost on one backend (default wasm): the one-off costs (training the demo digits'
 * domain classifier, featurising the 10,000 real digits) and then, per checkpoint, generating and
 * featurising N samples (default 1,000), KID, precision/recall/density/coverage and FID, plus the
 * whole evaluateCheckpoint call with warm caches as the Evaluate view runs it. Prints a table and
 * writes bench/results/eval-<date>.json.
 *
 *   npx tsx bench/eval.ts [--samples 1000] [--backend wasm] [--repeats 3]
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime } from '../src-main/engine/runtime';
import { preset } from '../src-main/api/training';
import { loadMnistDemo } from '../src-main/engine/dataset/mnist-demo';
import { memoryBatches } from '../src-main/engine/batches/memory-batches';
import { TrainingSession } from '../src-main/engine/training/session';
import { GeneratorCache, latentsForSeeds } from '../src-main/engine/sampling';
import { classifierExtractor, classifierFor } from '../src-main/engine/evaluation/classifier';
import { evalDataset } from '../src-main/engine/evaluation/datasets';
import { evaluateCheckpoint } from '../src-main/engine/evaluation/evaluate';
import { evaluationDirOf, runsDirOf } from '../src-main/project/layout';
import { extractAll } from '../src-main/engine/evaluation/extractor';
import { featureStats, frechetDistance } from '../src-main/engine/evaluation/fid';
import { kernelInceptionDistance } from '../src-main/engine/evaluation/kid';
import { precisionRecallDensityCoverage } from '../src-main/engine/evaluation/prdc';
import { realFeatures, referenceStats, splitReal } from '../src-main/engine/evaluation/reference';
import type { BackendPreference } from '../src-main/api/schemas';
import { relaunchWithEngineEnv } from '../src-main/shared/engine-env';

// The engine's allocator settings (src-main/shared/engine-env.ts), as the app's engine process has them.
await relaunchWithEngineEnv();

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SAMPLES = Number(arg('samples', '1000'));
const REPEATS = Number(arg('repeats', '3'));
const backend = await initRuntime(arg('backend', 'wasm') as BackendPreference);

const rows: { what: string; ms: number; note: string }[] = [];
async function time<T>(what: string, note: string, f: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await f();
  rows.push({ what, ms: performance.now() - started, note });
  console.log(`${what.padEnd(44)} ${(rows.at(-1)!.ms / 1000).toFixed(2).padStart(8)} s  ${note}`);
  return value;
}
/** Median of REPEATS runs: the per-checkpoint costs, measured warm. */
async function median(what: string, note: string, f: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    await f();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  rows.push({ what, ms: times[Math.floor(times.length / 2)]!, note: `${note} (median of ${REPEATS})` });
  console.log(`${what.padEnd(44)} ${(rows.at(-1)!.ms / 1000).toFixed(2).padStart(8)} s  ${rows.at(-1)!.note}`);
}

console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}; backend ${backend.active}; ${SAMPLES} samples\n`);
const project = await mkdtemp(join(tmpdir(), 'gan-bench-eval-'));
// A DCGAN preset generator (28 px, the app's default) after one step: evaluation cost does not depend on how trained it is.
const config = { ...preset('dcgan'), steps: 1, checkpointEvery: 1, sampleEvery: 100 };
let finished!: (state: string) => void;
const done = new Promise<string>((resolve) => (finished = resolve));
const session = await TrainingSession.create(runsDirOf(project), config, memoryBatches(loadMnistDemo(), config.model), {
  status: (s) => (s.state === 'completed' || s.state === 'failed') && finished(s.state),
  metrics: () => undefined,
  samples: () => undefined,
});
session.start();
if ((await done) !== 'completed') throw new Error(`the one-step run failed: ${session.status().message}`);
await session.dispose();
const run = session.runDir;

const classifier = await time('train domain classifier (once per dataset)', '9,000 digits × 3 epochs', () =>
  classifierFor('demo:mnist', { cacheDir: evaluationDirOf(project) }),
);
console.log(`  classifier test accuracy: ${(classifier.testAccuracy * 100).toFixed(1)}%`);
const extractor = classifierExtractor(classifier);
const dataset = await evalDataset('demo:mnist');
const real = await time('featurise 10,000 real digits (once, cached)', '128-d features', () => realFeatures(dataset, extractor, evaluationDirOf(project)));
const split = splitReal(real, SAMPLES, extractor.classes, 0);

const generators = new GeneratorCache();
await generators.use(run, undefined, async (g) => {
  const seeds = Array.from({ length: SAMPLES }, (_, i) => i);
  const source = {
    n: SAMPLES,
    shape: g.imageShape,
    read: (start: number, count: number) => g.generate(latentsForSeeds(seeds.slice(start, start + count), g.zDim)),
  };
  let fake = await extractAll(extractor, source);
  await median(`generate + featurise ${SAMPLES}`, 'DCGAN 28 px → classifier', async () => (fake = await extractAll(extractor, source)));
  await time(`KID (${SAMPLES} vs ${split.reference.n} real, 50 subsets), cold`, 'first use of this reference', () =>
    kernelInceptionDistance(fake.features, split.reference, { subsets: 50 }),
  );
  await median(`KID (${SAMPLES} vs ${split.reference.n} real, 50 subsets), warm`, "reference subsets' kernel sums reused", () =>
    kernelInceptionDistance(fake.features, split.reference, { subsets: 50 }),
  );
  const reference = { ...split.reference, n: SAMPLES, data: split.reference.data.subarray(0, SAMPLES * split.reference.dim) };
  await median(`precision/recall/density/coverage (${SAMPLES} vs ${SAMPLES})`, 'one pass; ×2 with the baseline', () =>
    precisionRecallDensityCoverage(reference, fake.features),
  );
  const { stats, sqrtCov } = await referenceStats('bench', split.reference);
  await median('FID (128-d, reference Σ^½ cached)', 'no bootstrap', async () => frechetDistance(stats, await featureStats(fake.features), { sqrtCovA: sqrtCov }));
});
generators.clear();

await median(`evaluateCheckpoint: KID + PR, ${SAMPLES} samples`, 'warm caches, with baselines and 100 bootstrap resamples', () =>
  evaluateCheckpoint({ projectDir: project, runDir: run, metrics: ['kid', 'pr'], samples: SAMPLES, extractor: 'classifier', bootstrap: 100, seed: 0 }, { generators, backend: backend.active }),
);
generators.clear();
extractor.dispose();
await new Promise((resolve) => setTimeout(resolve, 10));
console.log(`\ntensors left: ${tf.memory().numTensors}`);

console.log(['\n| step | seconds | note |', '|---|---|---|', ...rows.map((r) => `| ${r.what} | ${(r.ms / 1000).toFixed(2)} | ${r.note} |`)].join('\n'));
await mkdir('bench/results', { recursive: true });
const file = `bench/results/eval-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
await writeFile(file, JSON.stringify({ machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, backend: backend.active }, samples: SAMPLES, rows }, null, 2));
console.log(`\nWrote ${file}`);
