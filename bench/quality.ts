/**
 * What a preset reaches in a fixed budget of training wall time, measured with the app's own
 * evaluation: each preset trains on its dataset for --minutes (or --steps), then its newest
 * checkpoint is evaluated as the Evaluate view would — KID (×10³) and, on labelled data, the
 * Inception Score and class accuracy from the domain classifier, plus precision and recall — each
 * beside its real-vs-real baseline. Prints a table, keeps each preset's sample grid, and writes
 * bench/results/quality-<date>.json.
 *
 *   npx tsx bench/quality.ts [--data mnist|emoji [--rotation]] [--folder DIR] [--presets dcgan,cdcgan] [--minutes 30 | --steps N]
 *                            [--samples 1000] [--repeats N] [--backend wasm] [--threads N] [--project DIR]
 *                            [--override '{"model":{"dNorm":"spectral"},"loss":{"kind":"hinge"}}']
 *
 * --repeats N evaluates each checkpoint N times (evaluation seeds 0…N−1: other halves of the real
 * images, other latents) and reports each metric's median with its range.
 *
 * --override merges settings into every preset (one level deep per section): a tuning experiment
 * measured exactly as the presets are. With `{"evaluation":{"every":500}}` the run scores itself
 * while it trains, as in the app (the Train view's quality chart), keeps its best checkpoint by that
 * score, and the table gets a second row per preset: that best checkpoint, evaluated as the newest is.
 *
 * emoji: emoji-datasource-twitter's PNGs at 32 px RGB on white, in folders by their own category
 * (bench/emoji-categories.ts): the domain classifier learns the 9 categories, and its features judge
 * the samples (KID, precision/recall, IS over categories). The GANs train without the labels, except
 * `--presets cdcgan`, which trains on the categories (a folder sorted into subfolders) and adds the
 * classifier's agreement with the requested category.
 * --rotation imports them as one unlabelled folder instead, as a user's folder is: the classifier
 * then falls back to the rotation task (42 % test accuracy, flagged weak), whose KID misranked
 * emoji runs (README, #20). --folder DIR imports any other folder of colour images unlabelled
 * (e.g. another emoji set, to check a preset was not tuned to one). --emoji-package DIR takes
 * the emoji by category from another emoji-datasource-<set> package's folder (Google's, Apple's:
 * `npm pack emoji-datasource-google` and unpack it), judged like the Twitter set.
 */
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initRuntime } from '../src-main/engine/runtime';
import { resolveThreads } from '../src-main/engine/backend/threads';
import { preset, type PresetName } from '../src-main/api/training';
import { trainConfigSchema, type TrainConfig } from '../src-main/api/train-config';
import type { BackendPreference, DatasetRef } from '../src-main/api/schemas';
import type { MetricName, MetricValue } from '../src-main/api/evaluation';
import { loadMnistDemo } from '../src-main/engine/dataset/mnist-demo';
import { importDataset } from '../src-main/engine/dataset';
import { openDatasetTrainingData, trainingBatches, trainingDataShape, type TrainingData } from '../src-main/engine/batches/training-data';
import { TrainingSession } from '../src-main/engine/training/session';
import { GeneratorCache } from '../src-main/engine/sampling';
import { evaluateCheckpoint } from '../src-main/engine/evaluation/evaluate';
import { trainingEvaluatorFor } from '../src-main/engine/evaluation/in-training';
import { CheckpointStore } from '../src-main/project/checkpoint';
import { datasetDirOf, runFiles, runsDirOf, sampleFileName } from '../src-main/project/layout';
import { writeRunFile } from '../src-main/project/run-file';
import { relaunchWithEngineEnv } from '../src-main/shared/engine-env';
import { emojiByCategory } from './emoji-categories';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const FOLDER = arg('folder');
const EMOJI_PACKAGE = arg('emoji-package');
const DATA = (FOLDER ? 'emoji' : (arg('data') ?? 'mnist')) as 'mnist' | 'emoji';
/** Names the results: the data set, "folder" for --folder, "emoji-package" for --emoji-package. */
const LABEL = FOLDER ? 'folder' : EMOJI_PACKAGE ? 'emoji-package' : DATA;
const PRESETS = (arg('presets') ?? (DATA === 'mnist' ? 'dcgan,cdcgan' : 'dcgan')).split(',') as PresetName[];
const MINUTES = Number(arg('minutes') ?? (DATA === 'mnist' ? 30 : 60));
const STEPS = arg('steps') ? Number(arg('steps')) : null;
const SAMPLES = Number(arg('samples') ?? 1000);
const REPEATS = Number(arg('repeats') ?? 1);
if (!Number.isInteger(REPEATS) || REPEATS < 1) throw new Error('--repeats takes a whole number of evaluations per checkpoint (1 or more)');
const OVERRIDE = JSON.parse(arg('override') ?? '{}') as Record<string, unknown>;
if (EMOJI_PACKAGE && (DATA !== 'emoji' || FOLDER || args.includes('--rotation'))) {
  throw new Error('--emoji-package takes the emoji by category from another set: it goes with --data emoji, not with --folder or --rotation');
}
if (STEPS === null && (OVERRIDE.optimizer as { lrDecay?: number } | undefined)?.lrDecay) {
  throw new Error('Learning-rate decay falls over the last share of a run\'s steps: give --steps (a --minutes run has no last step to decay to)');
}
// The engine's allocator settings (src-main/shared/engine-env.ts), as the app's engine process has them.
await relaunchWithEngineEnv();
const backend = await initRuntime((arg('backend') ?? 'wasm') as BackendPreference, { threads: resolveThreads(arg('threads')) });

const project = arg('project') ?? (await mkdtemp(join(tmpdir(), 'gan-bench-quality-')));
let dataset: DatasetRef = 'demo:mnist';
let data: TrainingData;
/** The Twitter emoji in folders by category, their labels for the domain classifier (not --folder, not --rotation). */
const BY_CATEGORY = DATA === 'emoji' && !FOLDER && !args.includes('--rotation');
if (DATA === 'emoji') {
  let folder = FOLDER ?? join(dirname(createRequire(import.meta.url).resolve('emoji-datasource-twitter/package.json')), 'img', 'twitter', '64');
  if (BY_CATEGORY) {
    folder = join(project, 'emoji-by-category');
    await emojiByCategory(folder, EMOJI_PACKAGE);
  }
  dataset = 'project';
  const report = await importDataset(folder, datasetDirOf(project), { width: 32, height: 32, channels: 3, background: '#ffffff', labelsFromFolders: BY_CATEGORY }, { name: FOLDER ? 'folder' : EMOJI_PACKAGE ? 'emoji' : 'twemoji' });
  console.log(`Imported ${report.imported} images from ${folder} (${report.skipped.length} skipped) into ${project}`);
  data = await openDatasetTrainingData(datasetDirOf(project));
} else {
  data = loadMnistDemo();
}

/** The preset as the Model view fits it to the dataset: resolution, channels and classes. */
function fitted(name: PresetName): TrainConfig {
  const base = preset(name);
  const config = trainConfigSchema.parse(
    Object.fromEntries(
      Object.entries({ ...base, ...OVERRIDE }).map(([key, value]) => {
        const before = base[key as keyof TrainConfig];
        return [key, before && typeof before === 'object' && value && typeof value === 'object' ? { ...before, ...value } : value];
      }),
    ),
  );
  // On the emoji the presets train without labels, except the conditional DCGAN, which trains on
  // the categories (a user's folder sorted into subfolders), as the Model view fits it.
  const { classes } = trainingDataShape(data, '');
  const numClasses = config.model.labels === 'clusters' ? config.model.numClasses : config.model.architecture === 'cdcgan' ? classes : 0;
  const model = DATA === 'emoji' ? { ...config.model, resolution: 32 as const, channels: 3 as const, numClasses } : config.model;
  // Checked again: a conditional model on emoji imported without categories has no classes to take.
  // Checkpoints only at the end (and the best by in-training evaluation), unless the override asks
  // for more: checkpoints to evaluate again afterwards, e.g. with --repeats.
  const checkpointEvery = 'checkpointEvery' in OVERRIDE ? config.checkpointEvery : 1_000_000;
  return trainConfigSchema.parse({ ...config, model, steps: STEPS ?? 10_000_000, sampleEvery: 250, checkpointEvery });
}

interface Row {
  preset: string;
  steps: number;
  /** Null on a best-checkpoint row: its run's time is on the row above. */
  minutes: number | null;
  msPerStep: number | null;
  /** Each metric's median over --repeats draws, and their range when there were several. */
  values: Partial<Record<MetricName, MetricValue>>;
  grid: string | null;
}
const rows: Row[] = [];
// Runs started in the same second (presets side by side) must not overwrite each other's files:
// the name carries the process id too.
const stamp = `${new Date().toISOString().slice(0, 19).replace(/:/g, '')}-${process.pid}`;
await mkdir('bench/results', { recursive: true });

for (const name of PRESETS) {
  if (name === 'cdcgan' && DATA === 'emoji' && !BY_CATEGORY) {
    console.log('cdcgan skipped: these emoji are imported without categories (--folder or --rotation), so there are no classes to condition on');
    continue;
  }
  const config = fitted(name);
  let settle!: (state: string) => void;
  const ended = new Promise<string>((resolve) => (settle = resolve));
  // Why the run failed, as its status said then (stopping it afterwards clears the message).
  let failure: string | null = null;
  const session = await TrainingSession.create(
    runsDirOf(project),
    config,
    trainingBatches(data, config.model),
    {
      status: (s) => {
        if (s.state === 'failed') failure ??= s.message;
        if (s.state === 'completed' || s.state === 'failed') settle(s.state);
      },
      metrics: () => undefined,
      samples: () => undefined,
      evaluation: (_run, point) => console.log(`  step ${point.step}: ${point.metric} ${point.value.toPrecision(3)}${point.best ? ' (best so far)' : ''}`),
    },
    { evaluator: trainingEvaluatorFor(config, dataset, project) },
  );
  await writeRunFile(session.runDir, dataset);
  const started = performance.now();
  session.start();
  const budget = STEPS === null ? setTimeout(() => settle('budget'), MINUTES * 60_000) : null;
  const why = await ended;
  if (budget) clearTimeout(budget);
  await session.stop(); // saves the checkpoint evaluated below
  const seconds = (performance.now() - started) / 1000;
  const steps = session.status().step;
  if (why === 'failed') throw new Error(`${name} failed: ${failure ?? session.status().message}`);
  const grid = `bench/results/quality-${stamp}-${LABEL}-${name}.png`;
  await writeFile(grid, (await session.renderSamples()).png);
  await session.dispose();
  console.log(`${name}: ${steps} steps in ${(seconds / 60).toFixed(1)} min (${((seconds * 1000) / steps).toFixed(0)} ms/step); evaluating ${SAMPLES} samples…`);

  const generators = new GeneratorCache();
  // Class accuracy where the model is asked for the dataset's own classes (the digits', the emoji categories).
  const conditionedOnData = config.model.architecture === 'cdcgan' && config.model.labels === 'dataset';
  const metrics = DATA === 'emoji' && !BY_CATEGORY ? (['kid', 'pr'] as const) : (['kid', 'is', 'pr', ...(conditionedOnData ? (['class-accuracy'] as const) : [])] as const);
  // --repeats N evaluates each checkpoint with evaluation seeds 0…N−1 (other real halves, other
  // latents) and keeps each metric's median, as the Evaluate view's Draws do: on the emoji one KID
  // moves ×2–5 with that seed.
  const evaluate = async (file?: string) => {
    const record = await evaluateCheckpoint(
      { projectDir: project, runDir: session.runDir, file, metrics: [...metrics], samples: SAMPLES, extractor: 'classifier', bootstrap: 0, seed: 0, repeats: REPEATS },
      { generators, backend: backend.active },
    );
    return Object.fromEntries(record.values.map((v) => [v.metric, v])) as Row['values'];
  };
  rows.push({ preset: name, steps, minutes: seconds / 60, msPerStep: (seconds * 1000) / steps, values: await evaluate(), grid });
  // The checkpoint the in-training evaluation chose, when it chose one before the last step.
  // (Found by the listing's headers: the evaluation below verifies the file.) Its time and grid are the run's, so left blank.
  const best = config.evaluation.every > 0 ? (await new CheckpointStore(runFiles(session.runDir).checkpoints).list()).find((c) => c.best) : undefined;
  if (best && best.step !== steps) {
    rows.push({ preset: `${name}, best (step ${best.step})`, steps: best.step, minutes: null, msPerStep: null, values: await evaluate(best.file), grid: null });
  }
  generators.clear();
  // The run's own last timeline grid sits beside it, for a look at the fixed noise.
  await copyFile(join(runFiles(session.runDir).samples, sampleFileName(Math.floor(steps / 250) * 250 || 1)), grid.replace('.png', '-timeline.png')).catch(() => undefined);
}

const cell = (v: MetricValue | undefined, scale = 1) =>
  v
    ? `${(v.value * scale).toPrecision(3)}${v.draws ? ` (${(v.draws.low * scale).toPrecision(2)}–${(v.draws.high * scale).toPrecision(2)})` : ''} (real ${v.baseline === null ? '—' : (v.baseline * scale).toPrecision(3)})${v.caveat ? ' ⚠' : ''}`
    : '—';
const header = '| preset | steps | min | ms/step | KID ×10³ | IS | precision | recall | class acc. |';
const table = [
  header,
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.preset} | ${r.steps} | ${r.minutes?.toFixed(1) ?? '—'} | ${r.msPerStep?.toFixed(0) ?? '—'} | ${cell(r.values.kid, 1000)} | ${cell(r.values.is)} | ${cell(r.values.precision)} | ${cell(r.values.recall)} | ${cell(r.values['class-accuracy'])} |`,
  ),
].join('\n');
console.log(`\n${FOLDER ?? DATA}${Object.keys(OVERRIDE).length ? ` with ${JSON.stringify(OVERRIDE)}` : ''}, ${SAMPLES} samples, backend ${backend.active}${backend.threads ? ` (${backend.threads} threads)` : ''}, ${cpus()[0]?.model ?? 'CPU'} × ${cpus().length}\n\n${table}`);
const file = `bench/results/quality-${stamp}-${LABEL}.json`;
await writeFile(file, JSON.stringify({ data: DATA, folder: FOLDER ?? null, emojiPackage: EMOJI_PACKAGE ?? null, override: OVERRIDE, samples: SAMPLES, backend: backend.active, threads: backend.threads, cpu: cpus()[0]?.model, rows }, null, 2));
console.log(`\nWrote ${file} and the sample grids beside it.`);
