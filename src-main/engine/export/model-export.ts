/**
 * The generator for use outside GAN Studio: a TensorFlow.js layers model (model.json + weights.bin)
 * that plain @tensorflow/tfjs loads, latent.js (seed → z, as the app computes it), the run's saved
 * directions, the mean latent, an example page that draws samples (with the tfjs build it needs,
 * so it works offline), and a README.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RawImage } from '../image/grid';
import { ExportError } from './folder';
import { latentsForSeeds, type LoadedGenerator } from '../sampling';
import type { DirectionRecord } from './directions';
import { asRaw, background, geometry, paintTiles } from './canvas';
import type { ExportJob } from './job';
import { LATENT_JS } from './latent-js';
import { exportLayersModel } from './tfjs-model';
import { tileOf } from './grid-export';
import { toBytes } from '../image/grid';
import { examplePage, readme } from './model-docs';
import { runClassNames } from './class-names';

/** The example page's tfjs, shipped in the export so the page works offline. */
export const TFJS_FILE = 'tf.min.js';

export const tfjsCdn = (version: string): string => `https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@${version}/dist/${TFJS_FILE}`;

/** The stock browser build of @tensorflow/tfjs from node_modules, and its version. */
export async function tfjsBrowserBuild(): Promise<{ bytes: Buffer; version: string }> {
  const resolver = createRequire(import.meta.url);
  try {
    const file = resolver.resolve(`@tensorflow/tfjs/dist/${TFJS_FILE}`);
    const pkg = JSON.parse(await readFile(join(dirname(dirname(file)), 'package.json'), 'utf8')) as { version: string };
    return { bytes: await readFile(file), version: pkg.version };
  } catch (err) {
    throw new ExportError(`The TensorFlow.js browser build (@tensorflow/tfjs/dist/${TFJS_FILE}) could not be read (${err instanceof Error ? err.message : String(err)}): reinstall GAN Studio (or run npm ci).`);
  }
}

export interface ModelInfo {
  zDim: number;
  numClasses: number;
  /** Class k's name (a dataset folder, a digit, Cluster k+1); [] when unconditional or unknown. */
  classNames: string[];
  distribution: 'normal' | 'uniform';
  resolution: number;
  channels: number;
  architecture: string;
  runId: string;
  checkpoint: string;
  step: number;
  sha256: string;
}

export async function exportModel(generator: LoadedGenerator, directions: readonly DirectionRecord[], job: ExportJob): Promise<RawImage> {
  const { config, identity } = generator;
  const info: ModelInfo = {
    zDim: config.model.zDim,
    numClasses: config.model.numClasses,
    classNames: await runClassNames(identity.runDir, config.model),
    distribution: config.model.zDistribution,
    resolution: config.model.resolution,
    channels: config.model.channels,
    architecture: config.model.architecture,
    runId: identity.runId,
    checkpoint: identity.file,
    step: identity.step,
    sha256: identity.sha256,
  };
  job.progress('render', 0, 1);
  const files = await exportLayersModel(generator.generator, {
    ...info,
    input: info.numClasses > 0 ? `[batch, ${info.zDim + info.numClasses}]: z (${info.zDim} values) then a one-hot class (${info.numClasses})` : `[batch, ${info.zDim}]: z`,
    output: `[batch, ${info.resolution}, ${info.resolution}, ${info.channels}] in [-1, 1]`,
  });
  await job.tick();
  job.progress('write', 0, 1);
  await job.folder.write('model.json', [Buffer.from(files.modelJson)]);
  await job.folder.write('weights.bin', [files.weights]);
  await job.folder.write('latent.js', [Buffer.from(LATENT_JS)]);
  const meanLatent = {
    zDim: info.zDim,
    values: new Array<number>(info.zDim).fill(0),
    why: `These generators take z directly (no mapping network) and z is drawn from a centred distribution (${info.distribution}), so the mean latent is the origin; truncation ψ scales z toward it (z·ψ).`,
  };
  await job.folder.write('mean-latent.json', [Buffer.from(JSON.stringify(meanLatent, null, 1))]);
  await job.folder.write('directions.json', [Buffer.from(JSON.stringify({ zDim: info.zDim, directions }, null, 1))]);
  const tfjs = await tfjsBrowserBuild();
  await job.folder.write(TFJS_FILE, [tfjs.bytes]);
  await job.folder.write('index.html', [Buffer.from(examplePage(info, { local: TFJS_FILE, cdn: tfjsCdn(tfjs.version) }))]);
  await job.folder.write('README.md', [Buffer.from(readme(info, directions.length, tfjs.version))]);
  job.note(`TensorFlow.js layers model with ${files.parameters.toLocaleString('en-US')} weights; input ${info.numClasses > 0 ? 'z then a one-hot class' : 'z'}.`);
  if (!directions.length) job.note('The run has no saved directions yet: directions.json lists none.');
  job.progress('write', 1, 1);

  // Preview: the first 16 seeds through the engine (the same images the exported model draws).
  const seeds = Array.from({ length: 16 }, (_, i) => i);
  const values = await generator.generate(latentsForSeeds(seeds, info.zDim, info.distribution));
  const tile = tileOf(generator);
  const g = geometry(seeds.length, tile, { cols: 4, padding: 2, background: '#000000', scale: 1 }, null);
  const canvas = await background(g, '#000000', null);
  paintTiles(canvas, g, toBytes(values), tile, 0, seeds.length);
  return asRaw(canvas, g);
}
