/**
 * The project folder's layout, named in one place. The engine, main's services and the CLI all join
 * project paths through these functions; the readers and writers of each file sit next to this one
 * (src-main/project/), free of tensors, so any process may read a project.
 *
 *   <project>/
 *     .gan-studio.lock            who has the project open (lock.ts)
 *     .uploads/<id>/              files dropped in web mode, until an import consumes them
 *     configs/<name>.json         saved model designs (the Model view's Save)
 *     dataset/                    the first imported dataset ("project"): manifest, shards (engine/dataset)
 *     datasets/<id>/              every other dataset ("project:<id>"), the same layout
 *     evaluation/                 cached real features, classifiers, downloaded extractors
 *     explore/<runId>.json        the explorer's saved views, favourites, directions (explore-store.ts)
 *     exports/                    every export, each with its sidecar
 *     runs/<runId>/
 *       config.json               the run's TrainConfig (run-config.ts)
 *       run.json                  which data it trains on (run-file.ts)
 *       metrics.jsonl             one line per logged step (metrics-log.ts)
 *       evaluations.jsonl         its saved evaluations (evaluations.ts)
 *       checkpoints/              ckpt-<step>.gsc and the best pointer (checkpoint/)
 *       samples/step-<step>.png   the fixed-noise grid over time (run-history.ts)
 */
import { basename, dirname, join } from 'node:path';
import type { ProjectDatasetRef } from '../api/schemas';

export const LOCK_FILE = '.gan-studio.lock';
export const UPLOADS_DIR = '.uploads';
export const CONFIGS_DIR = 'configs';
export const DATASET_DIR = 'dataset';
export const DATASETS_DIR = 'datasets';
export const EVALUATION_DIR = 'evaluation';
export const EXPLORE_DIR = 'explore';
export const EXPORTS_DIR = 'exports';
export const RUNS_DIR = 'runs';

export const CONFIG_FILE = 'config.json';
export const RUN_FILE = 'run.json';
/** The clusters a self-conditioned run trains on (centres and sizes), so resume and evaluation use the same. */
export const CLUSTERS_FILE = 'clusters.json';
export const METRICS_FILE = 'metrics.jsonl';
/** Written when a run ends before its last step by its own rule (early stopping): the step and why. */
export const ENDED_FILE = 'ended.json';
export const EVALUATIONS_FILE = 'evaluations.jsonl';
export const CHECKPOINTS_DIR = 'checkpoints';
export const SAMPLES_DIR = 'samples';

export const lockFileOf = (projectDir: string) => join(projectDir, LOCK_FILE);
export const uploadsDirOf = (projectDir: string) => join(projectDir, UPLOADS_DIR);
export const configsDirOf = (projectDir: string) => join(projectDir, CONFIGS_DIR);
/**
 * The folder of one of the project's datasets. The first dataset keeps the folder every project
 * had before there could be several, so older projects and their runs open unchanged.
 */
export function datasetDirOf(projectDir: string, dataset: ProjectDatasetRef = 'project'): string {
  if (dataset === 'project') return join(projectDir, DATASET_DIR);
  const id = dataset.slice('project:'.length);
  // Refs reach here validated (projectDatasetRefSchema); checked again because a path is about to be built.
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(id)) throw new Error(`Not a dataset of this project: ${dataset}`);
  return join(projectDir, DATASETS_DIR, id);
}
export const evaluationDirOf = (projectDir: string) => join(projectDir, EVALUATION_DIR);
export const inceptionDirOf = (projectDir: string) => join(evaluationDirOf(projectDir), 'extractors', 'inception');
export const exploreDirOf = (projectDir: string) => join(projectDir, EXPLORE_DIR);
export const exportsDirOf = (projectDir: string) => join(projectDir, EXPORTS_DIR);
export const runsDirOf = (projectDir: string) => join(projectDir, RUNS_DIR);
export const runDirOf = (projectDir: string, runId: string) => join(runsDirOf(projectDir), runId);

/** The files of one run, given its folder. */
export function runFiles(runDir: string) {
  return {
    config: join(runDir, CONFIG_FILE),
    run: join(runDir, RUN_FILE),
    clusters: join(runDir, CLUSTERS_FILE),
    metrics: join(runDir, METRICS_FILE),
    ended: join(runDir, ENDED_FILE),
    evaluations: join(runDir, EVALUATIONS_FILE),
    checkpoints: join(runDir, CHECKPOINTS_DIR),
    samples: join(runDir, SAMPLES_DIR),
  };
}

/** A run lives at <project>/runs/<runId>: its id is its folder's name. */
export const runIdOf = (runDir: string): string => basename(runDir);
/** The project a run folder belongs to. */
export const projectOfRun = (runDir: string): string => dirname(dirname(runDir));

/** samples/step-000000250.png: zero-padded so that names sort in step order. */
export const sampleFileName = (step: number): string => `step-${String(step).padStart(9, '0')}.png`;
export const SAMPLE_FILE = /^step-(\d+)\.png$/;
