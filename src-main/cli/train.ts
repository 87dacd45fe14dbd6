/**
 * `gan-studio train`: a training run from the terminal, through the same TrainingSession the app
 * uses, in this process. Ctrl+C stops it with a checkpoint; `--resume <run dir>` continues it.
 */
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { backendPreferenceSchema, datasetRefSchema, nearestResolution, type DatasetRef } from '../api/schemas';
import { isWassersteinLoss, MAX_CLUSTERS, type TrainConfig } from '../api/train-config';
import { preset, presetNames, type PresetName } from '../api/training';
import { initRuntime } from '../engine/runtime';
import { backendLine } from '../shared/backend-line';
import { resolveParallel, resolveThreads, trainingReplicas } from '../engine/backend/threads';
import { ReplicaGroup } from '../engine/training/parallel/replicas';
import { replicaTraining } from '../engine/training/parallel/lead';
import { trainsInThread } from '../engine/training/thread';
import { loadMnistDemo } from '../engine/dataset/mnist-demo';
import { openDatasetTrainingData, runDataOf, trainingBatches, trainingDataShape, type TrainingData } from '../engine/batches/training-data';
import { assertTrainable, type DatasetShape } from '../shared/model-design/review';
import { trainingEvaluatorFor } from '../engine/evaluation/in-training';
import { dataChange, runDataset, runStartData, writeRunFile } from '../project/run-file';
import { datasetNamed, datasetTitle, hasDataset, noDataset } from '../engine/dataset/project-dataset';
import { datasetDirOf, projectOfRun, runsDirOf } from '../project/layout';
import { holdProjectLock } from '../project/lock';
import { TrainingSession, type RunStatus, type SessionListener, type TrainerFactory } from '../engine/training/session';
import { defaultProjectDir } from '../services/workspace';
import { TensorBoardLog } from '../project/tensorboard';
import { ProgressLine } from './progress';
import { flagNumber, parseFlags, wholeFlag } from './flags';
import { runFolder } from './run-folder';
import { trainUsage } from './usage';

export async function train(args: string[]): Promise<void> {
  const { values, tokens } = parseFlags({
    args,
    tokens: true,
    options: {
      data: { type: 'string', default: 'mnist' },
      preset: { type: 'string', default: 'dcgan' },
      model: { type: 'string' },
      loss: { type: 'string' },
      steps: { type: 'string' },
      batch: { type: 'string' },
      clusters: { type: 'string' },
      lr: { type: 'string' },
      'lr-decay': { type: 'string' },
      r1: { type: 'string' },
      'eval-every': { type: 'string' },
      patience: { type: 'string' },
      seed: { type: 'string' },
      config: { type: 'string' },
      project: { type: 'string' },
      /** The old name of --project, still accepted. */
      out: { type: 'string' },
      resume: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      tensorboard: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(trainUsage);
  const given = new Set<string>(tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])));
  if (values.resume) {
    // A resumed run continues with its own config.json, dataset and clusters.json: settings for a new run would be ignored.
    const ignored = ['data', 'preset', 'model', 'loss', 'steps', 'batch', 'clusters', 'lr', 'lr-decay', 'r1', 'eval-every', 'patience', 'seed', 'config', 'project', 'out'].filter((key) => given.has(key));
    if (ignored.length) {
      throw new Error(`--resume continues a run with the settings it started with: ${ignored.map((key) => `--${key}`).join(', ')} cannot go with it (leave ${ignored.length === 1 ? 'it' : 'them'} out, or start a new run)`);
    }
  }
  for (const key of ['steps', 'batch', 'lr', 'lr-decay', 'r1', 'eval-every', 'patience', 'seed'] as const) {
    const value = values[key];
    if (value !== undefined && !Number.isFinite(flagNumber(value))) throw new Error(`--${key} takes a number (got "${value}")`);
  }
  const clusters = clusterCount(values.clusters);
  const named = values.data === 'mnist' ? 'demo:mnist' : values.data;
  if (!datasetRefSchema.safeParse(named).success && !named.startsWith('project:')) {
    throw new Error(`Unknown dataset "${values.data}": use mnist, project or project:<id or name> (as gan-studio import prints it)`);
  }
  if (values.project !== undefined && values.out !== undefined && resolve(values.project) !== resolve(values.out)) {
    throw new Error('--out is the old name of --project: give one of them');
  }
  const projectDir = resolve(values.project ?? values.out ?? defaultProjectDir());
  const resumeDir = values.resume ? await runFolder(values.resume) : null;
  await holdProjectLock(resumeDir ? projectOfRun(resumeDir) : projectDir, 'train', { create: !resumeDir });

  // On a CPU backend the threads are data-parallel replicas (GAN_STUDIO_PARALLEL=threads: one
  // trainer with threaded products): this process is then the lead, on one thread like each other.
  const threads = resolveThreads(values.threads);
  const wanted = trainingReplicas(threads, resolveParallel());
  const runtime = await initRuntime(backendPreferenceSchema.parse(values.backend), { threads: wanted > 1 ? 1 : threads, ...(wanted > 1 ? { ortThreads: threads } : {}) });
  const replicas = trainsInThread(runtime.active) ? wanted : 1;
  const backend = replicas > 1 ? { ...runtime, trainingReplicas: replicas } : runtime;
  process.stderr.write(`Backend: ${backendLine(backend)}\n`);
  // A resumed run trains on what it started on, whatever --data says.
  const dataProject = resumeDir ? projectOfRun(resumeDir) : projectDir;
  const dataset: DatasetRef = resumeDir ? await runDataset(resumeDir) : await datasetOf(dataProject, named);
  const loaded: TrainingData = dataset === 'demo:mnist' ? loadMnistDemo() : await openDatasetTrainingData(datasetDirOf(dataProject, dataset));
  const group = replicas > 1 ? new ReplicaGroup({ size: replicas, backend: runtime.active }) : null;
  const { data, makeTrainer }: { data: TrainingData; makeTrainer?: TrainerFactory } = group
    ? replicaTraining(group, loaded, dataset === 'demo:mnist' ? null : datasetDirOf(dataProject, dataset))
    : { data: loaded };
  let progress: ProgressLine | null = null;
  let tensorboard: TensorBoardLog | null = null;
  let last: { d: number | null; g: number | null; ips: number } = { d: null, g: null, ips: 0 };
  let finished: (status: RunStatus) => void = () => undefined;
  const done = new Promise<RunStatus>((r) => (finished = r));
  const listener: SessionListener = {
    status: (status) => {
      if (status.state === 'completed' || status.state === 'stopped' || status.state === 'failed' || (status.state === 'paused' && status.message)) finished(status);
    },
    metrics: (_id, points) => {
      for (const point of points) tensorboard?.add(point);
      void tensorboard?.flush().catch((err: Error) => {
        process.stderr.write(`TensorBoard file ${tensorboard?.path}: ${err.message}; training goes on without it.\n`);
        tensorboard = null;
      });
      const p = points.at(-1)!;
      last = { d: p.dLoss, g: p.gLoss, ips: p.imagesPerSecond };
      const ada = p.augmentStrength === null ? '' : ` ADA p ${p.augmentStrength.toFixed(3)}`;
      progress?.update(p.step, `D ${fmt(last.d)} G ${fmt(last.g)} ${last.ips.toFixed(0)} img/s${ada}`);
    },
    samples: () => undefined,
    coach: (_id, warning) => {
      progress?.finish(`Coach, step ${warning.step}: ${warning.message}\n  Try: ${warning.suggestion}`);
    },
  };

  let session: TrainingSession;
  if (resumeDir) {
    const runDir = resumeDir;
    const opened = await TrainingSession.open(
      runDir,
      (config, saved) => trainingBatches(data, config.model, {}, saved),
      listener,
      (config) => trainingEvaluatorFor(config, dataset, projectOfRun(runDir)),
      makeTrainer,
    );
    for (const reason of opened.skipped) process.stderr.write(`Passed over a checkpoint that cannot be resumed: ${reason}\n`);
    session = opened.session;
    const started = await runStartData(runDir);
    const change = started && dataChange(started, runDataOf(data));
    if (change) {
      process.stderr.write(`${change}\n`);
      session.note(change);
    }
    const reopened = session.status();
    if (reopened.state === 'completed') {
      // Ended early by its own rule (early stopping): finished, as one that trained all its steps.
      await session.dispose();
      await group?.close();
      process.stderr.write(
        `${session.runDir} has finished: ${reopened.message}\nTo train longer, start a new run with its settings and data (a --patience of 0 trains every step):\n` +
          `  gan-studio train --project "${dataProject}" --data ${dataset === 'demo:mnist' ? 'mnist' : dataset} --config "${join(session.runDir, 'config.json')}" --patience 0\n`,
      );
      return;
    }
    process.stderr.write(`Resuming ${session.runDir} at step ${reopened.step}\n`);
    if (reopened.step >= session.config.steps) {
      process.stderr.write(
        `It has trained all its ${session.config.steps} steps already. To train longer, start a new run with its settings and data:\n` +
          `  gan-studio train --project "${dataProject}" --data ${dataset === 'demo:mnist' ? 'mnist' : dataset} --config "${join(session.runDir, 'config.json')}" --steps <more>\n`,
      );
    }
  } else {
    const shape = trainingDataShape(data, await datasetTitle(dataProject, dataset));
    // The same review the app's Model view and engine apply: a config that cannot train stops here.
    const config = assertTrainable(await buildConfig(values, shape, clusters), { dataset: shape, backend: backend.active });
    session = await TrainingSession.create(runsDirOf(projectDir), config, trainingBatches(data, config.model), listener, {
      evaluator: trainingEvaluatorFor(config, dataset, projectDir),
      ...(makeTrainer ? { makeTrainer } : {}),
    });
    await writeRunFile(session.runDir, dataset, runDataOf(data));
    process.stderr.write(`Run: ${session.runDir}\n`);
  }
  // A resumed run's rate and ETA count from where it resumed, not from step 0.
  progress = new ProgressLine(session.config.steps, process.stderr, session.status().step);
  if (values.tensorboard) {
    tensorboard = new TensorBoardLog(session.runDir);
    process.stderr.write(`TensorBoard: ${tensorboard.path} (tensorboard --logdir "${runsDirOf(projectOfRun(session.runDir))}")\n`);
  }
  // The first Ctrl+C stops with a checkpoint, and says so (a silent wait invites a second press);
  // a second one quits at once, saying where --resume will continue.
  let stopping = false;
  const interrupt = () => {
    if (!stopping) {
      stopping = true;
      process.stderr.write('\nStopping after this step and saving a checkpoint… (Ctrl+C again quits at once, without it)\n');
      void session.stop();
      return;
    }
    const last = session.status().lastCheckpointStep;
    process.stderr.write(`\nQuit without a checkpoint: --resume ${session.runDir} continues from ${last === null ? 'the start (it has none yet)' : `step ${last}`}.\n`);
    process.exit(130);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  session.start();
  const status = await done;
  await session.dispose();
  await group?.close();
  await tensorboard?.flush().catch(() => undefined);
  process.off('SIGINT', interrupt);
  process.off('SIGTERM', interrupt);
  progress.finish(`${status.state} at step ${status.step}${status.message ? `: ${status.message}` : ''}\nSamples and checkpoints: ${session.runDir}`);
  if (status.state === 'failed' || status.state === 'paused') process.exitCode = 1;
}

/**
 * --data as a dataset of the project: by its ref (project, project:<id>, as import prints them), or
 * project:<name>, the name the Data view and import show (the first dataset's ref is plain "project").
 */
async function datasetOf(projectDir: string, value: string): Promise<DatasetRef> {
  if (value === 'demo:mnist') return value;
  const ref = datasetRefSchema.safeParse(value);
  if (ref.success && ref.data !== 'demo:mnist' && (await hasDataset(datasetDirOf(projectDir, ref.data)))) return ref.data;
  const byName = value.startsWith('project:') ? await datasetNamed(projectDir, value.slice('project:'.length)) : null;
  if (byName) return byName;
  throw ref.success ? noDataset(ref.data) : new Error(`No dataset named “${value.slice('project:'.length)}” in ${projectDir}: gan-studio import prints each dataset's --data value.`);
}

/** `clusters`: --clusters, already checked. */
export async function buildConfig(values: Record<string, string | boolean | undefined>, data: DatasetShape, clusters: number | undefined): Promise<unknown> {
  if (!presetNames.includes(values.preset as PresetName)) throw new Error(`Unknown preset "${values.preset}"`);
  const base: TrainConfig = values.config
    ? (JSON.parse(await readFile(String(values.config), 'utf8')) as TrainConfig)
    : preset(values.preset as PresetName);
  const num = (key: string) => (values[key] === undefined ? undefined : flagNumber(values[key]));
  if (clusters !== undefined && values.model !== undefined && values.model !== 'cdcgan') {
    throw new Error(`--clusters conditions a conditional DCGAN on clusters; it cannot go with --model ${String(values.model)} (leave out one of them)`);
  }
  const architecture = clusters !== undefined ? 'cdcgan' : ((values.model as TrainConfig['model']['architecture'] | undefined) ?? base.model.architecture);
  // Classes come from the data's labels, or are k clusters of its images (--clusters, or a preset's).
  // A --config file keeps what it says, so the review refuses one that cannot train instead of this
  // quietly training another model.
  const labels = clusters !== undefined ? 'clusters' : values.config && values.model === undefined ? base.model.labels : architecture !== 'cdcgan' ? 'dataset' : base.model.labels;
  const numClasses = architecture !== 'cdcgan' ? 0 : labels === 'clusters' ? (clusters ?? base.model.numClasses) : data.classes;
  const kind = (values.loss as TrainConfig['loss']['kind'] | undefined) ?? base.loss.kind;
  // The model follows the data: its channels, the nearest supported resolution, its classes.
  const size = Math.max(data.width, data.height);
  const resolution = nearestResolution(size);
  const candidate = {
    ...base,
    seed: num('seed') ?? base.seed,
    steps: num('steps') ?? base.steps,
    batchSize: num('batch') ?? base.batchSize,
    model: {
      ...base.model,
      architecture,
      resolution: values.config ? base.model.resolution : resolution,
      channels: data.channels,
      numClasses,
      labels,
      // WGAN-GP's per-sample penalty is meaningless with batch norm in the critic.
      dNorm: kind === 'wgan-gp' && base.model.dNorm === 'batch' ? 'none' : base.model.dNorm,
    },
    // R1 needs a real/fake boundary: a config file's R1 is left out with --loss wgan/wgan-gp
    // (an explicit --r1 is kept, and the review refuses it by name).
    loss: {
      ...base.loss,
      kind,
      ...(values.r1 !== undefined ? { r1: flagNumber(values.r1) } : values.loss !== undefined && isWassersteinLoss(kind) ? { r1: 0 } : {}),
    },
    // Adaptive augmentation reads D's real/fake boundary, which a Wasserstein critic lacks: a config
    // file that adapts keeps its policies at fixed strength with --loss wgan/wgan-gp.
    augment: values.loss !== undefined && isWassersteinLoss(kind) ? { ...base.augment, adaptive: false } : base.augment,
    optimizer: {
      ...base.optimizer,
      ...(values.lr !== undefined && { gLr: flagNumber(values.lr), dLr: flagNumber(values.lr) }),
      ...(values['lr-decay'] !== undefined && { lrDecay: flagNumber(values['lr-decay']) }),
    },
    // A --config file from before in-training evaluation has none: the schema's default then.
    ...((values['eval-every'] !== undefined || values.patience !== undefined) && {
      evaluation: {
        ...(base.evaluation ?? preset('dcgan').evaluation),
        ...(values['eval-every'] !== undefined && { every: flagNumber(values['eval-every']) }),
        ...(values.patience !== undefined && { patience: flagNumber(values.patience) }),
      },
    }),
  };
  return candidate;
}

/** --clusters as a number, checked before anything is locked, loaded or created. */
function clusterCount(flag: string | undefined): number | undefined {
  if (flag === undefined) return undefined;
  return wholeFlag('clusters', flag, 2, MAX_CLUSTERS, 'about twice the kinds of image you expect works well');
}

function fmt(value: number | null): string {
  return value === null || !Number.isFinite(value) ? 'nan' : value.toFixed(3);
}
