/**
 * One export from request to committed folder: load the checkpoint (through the shared generator
 * cache), pin the spec, render and write through the kind's writer into a temp folder, add the
 * preview and the sidecar, then rename the folder into place. Used by the engine's handlers and the
 * CLI alike.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkpointOfSource, expandSource, type ExportEntry, type ExportRequest, type SampleSource, type Sidecar } from '../../api/export';
import type { ModelConfig } from '../../api/train-config';
import type { RawImage } from '../image/grid';
import type { GeneratorCache, LoadedGenerator } from '../sampling';
import { directionVectors, savedDirections } from './directions';
import { previewPng } from './encode';
import { CancelledError, ExportError, ExportFolder, type OpenStream } from './folder';
import { exportAnimation, exportGrid } from './grid-export';
import { runClassNames } from './class-names';
import { exportHtmlGallery } from './html-gallery';
import { exportImageSet } from './image-set';
import { createJob, type JobHooks } from './job';
import { exportModel } from './model-export';
import { pinSpec } from './render';
import { exportTimelapse } from './timelapse';
import { runIdOf } from '../../project/layout';

export const SIDECAR = 'sidecar.json';
export const PREVIEW = 'preview.png';
/** Files listed one by one in a sidecar; the digest covers all of them. */
const LISTED_FILES = 1000;

export interface RunExportInput {
  request: ExportRequest;
  exportsDir: string;
  runDir: string;
  /** A re-export from a sidecar: the checkpoint must still be these weights. */
  expectSha256?: string;
}

export interface RunExportOptions extends JobHooks {
  generators: GeneratorCache;
  /** Called once the folder's final name is known (before rendering starts). */
  started?: (name: string) => void;
  openStream?: OpenStream;
}

export type RunExportResult = { status: 'completed'; export: ExportEntry; elapsedMs: number } | { status: 'cancelled' };

export async function runExport(input: RunExportInput, options: RunExportOptions): Promise<RunExportResult> {
  const started = performance.now();
  const { request } = input;
  if (request.kind === 'timelapse') {
    return write(input, options, `timelapse-${request.runId}`, null, started, async (job) => {
      const { preview, request: pinned } = await exportTimelapse(input.runDir, request, job);
      return { preview, request: pinned, model: null };
    });
  }
  const file = request.kind === 'model' ? request.checkpoint.file : checkpointOfSource(request.source).file;
  return options.generators.use(input.runDir, file, async (generator) => {
    if (input.expectSha256 !== undefined && generator.identity.sha256 !== input.expectSha256) {
      throw new ExportError(
        `Checkpoint ${generator.identity.file} of run ${generator.identity.runId} is not the one this export was made from (its SHA-256 changed): the images would differ.`,
      );
    }
    const fallback = `${request.kind}-${generator.identity.runId}-step${generator.identity.step}`;
    if (request.kind === 'model') {
      const pinned = { ...request, checkpoint: { runId: generator.identity.runId, file: generator.identity.file } };
      const directions = await savedDirections(input.runDir, generator.identity.runId);
      return write(input, options, fallback, generator, started, async (job) => ({ preview: await exportModel(generator, directions, job), request: pinned, model: generator.config.model }));
    }
    const spec = pinSpec(expandSource(request.source), generator);
    const vectors = await directionVectors(input.runDir, spec);
    // What the sidecar keeps: a spec pinned as rendered; a compact source with its checkpoint file pinned.
    const source: SampleSource = request.source.from === 'spec' ? { from: 'spec', spec } : { ...request.source, checkpoint: spec.checkpoint };
    const model = generator.config.model;
    const classNames = await runClassNames(input.runDir, model);
    return write(input, options, fallback, generator, started, async (job) => {
      switch (request.kind) {
        case 'grid':
          return { preview: await exportGrid(generator, spec, request, vectors, job, classNames), request: { ...request, source }, model };
        case 'animation':
          return { preview: await exportAnimation(generator, spec, request, vectors, job, classNames), request: { ...request, source }, model };
        case 'images':
          return { preview: await exportImageSet(generator, spec, vectors, job, classNames), request: { ...request, source }, model };
        case 'html':
          return { preview: await exportHtmlGallery(generator, spec, request, vectors, job, classNames), request: { ...request, source }, model };
      }
    });
  });
}

type Writer = (job: ReturnType<typeof createJob>) => Promise<{ preview: RawImage; request: ExportRequest; model: ModelConfig | null }>;

async function write(input: RunExportInput, options: RunExportOptions, fallback: string, generator: LoadedGenerator | null, started: number, writer: Writer): Promise<RunExportResult> {
  const { request } = input;
  const folder = await ExportFolder.create(input.exportsDir, request.name ?? fallback, {
    onExisting: request.onExisting,
    ...(options.openStream ? { openStream: options.openStream } : {}),
  });
  options.started?.(folder.name);
  const job = createJob(folder, options);
  try {
    const done = await writer(job);
    await folder.write(PREVIEW, [await previewPng(done.preview)]);
    await job.tick();
    const sidecar = sidecarOf(folder, done.request, done.model, generator, job.notes, input.runDir);
    await folder.write(SIDECAR, [Buffer.from(JSON.stringify(sidecar, null, 1))]);
    const dir = await folder.commit();
    job.progress('done', 1, 1);
    return { status: 'completed', export: { name: folder.name, dir, sidecar: { ...sidecar, name: folder.name }, preview: true }, elapsedMs: performance.now() - started };
  } catch (err) {
    await folder.abort();
    if (err instanceof CancelledError) return { status: 'cancelled' };
    throw err;
  }
}

function sidecarOf(folder: ExportFolder, request: ExportRequest, model: ModelConfig | null, generator: LoadedGenerator | null, notes: string[], runDir: string): Sidecar {
  // The sidecar describes every file but itself (it cannot contain its own hash).
  const files = [...folder.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const digest = createHash('sha256');
  for (const f of files) digest.update(`${f.name} ${f.sha256}\n`);
  const identity = generator?.identity;
  const [height, width, channels] = generator?.imageShape ?? [0, 0, 0];
  return {
    format: 'gan-studio-export',
    version: 1,
    kind: request.kind,
    name: folder.name,
    createdAt: new Date().toISOString(),
    app: { name: 'GAN Studio', version: appVersion() },
    engine: { backend: tf.getBackend(), tfjs: tf.version_core },
    run: {
      runId: identity?.runId ?? runIdOf(runDir),
      checkpoint: identity?.file ?? null,
      step: identity?.step ?? null,
      sha256: identity?.sha256 ?? null,
      ema: identity?.ema ?? null,
    },
    model,
    image: generator ? { width, height, channels } : null,
    request: { ...request, name: folder.name },
    files: files.slice(0, LISTED_FILES),
    fileCount: files.length,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    digest: digest.digest('hex'),
    notes,
  };
}

let version: string | null = null;

/** The app's version from its package.json (the folder above this module, in source and in out/main). */
export function appVersion(): string {
  if (version) return version;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'gan-studio' && pkg.version) return (version = pkg.version);
  }
  return (version = 'unknown');
}
