/**
 * The exported generator, loaded by plain @tensorflow/tfjs (the package a web page would use) from
 * the files on disk, draws the engine's pixels for the same latent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfjs from '@tensorflow/tfjs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { exportRequestSchema } from '../../api/export';
import type { TrainConfig } from '../../api/train-config';
import { ensureGradientsRegistered } from '../ops/gradients';
import { GeneratorCache, latentForSeed, latentsForSeeds } from '../sampling';
import { trainTinyRun } from '../sampling/testing';
import { tinyConfig } from '../training/testing-config';
import { LATENT_JS } from './latent-js';
import { runExport } from './run';

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
});

/** A tfjs IOHandler over model.json + weights.bin in a folder (what tf.io.http does in a browser). */
function fileHandler(dir: string): tfjs.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tfjs.io.ModelJSON;
      return tfjs.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers = await Promise.all(manifest.flatMap((group) => group.paths.map((p) => readFile(join(dir, p)))));
        const joined = Buffer.concat(buffers);
        return [manifest.flatMap((group) => group.weights), joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)];
      });
    },
  };
}

function latentApi(): { latentForSeed: (seed: number, zDim: number, distribution: string, threshold: number | null) => Float32Array; modelInput: (z: Float32Array, k: number, cls: number) => Float32Array } {
  const sandbox = { module: { exports: {} as never }, Float32Array, Math };
  runInNewContext(LATENT_JS, sandbox);
  return sandbox.module.exports;
}

const models: [string, Partial<TrainConfig['model']>][] = [
  ['DCGAN, transposed convolutions', {}],
  ['DCGAN, upsample + convolution, RGB 32 px', { upsample: 'upsample-conv', channels: 3, resolution: 32 }],
  ['MLP GAN', { architecture: 'mlp', gWidth: 8 }],
  ['conditional DCGAN', { architecture: 'cdcgan', numClasses: 10, zDistribution: 'uniform' }],
];

describe('exported tfjs layers model', () => {
  for (const [label, model] of models) {
    it(`${label}: plain tfjs draws the engine's pixels`, async () => {
      const run = await trainTinyRun(tinyConfig({ steps: 2, checkpointEvery: 2, sampleEvery: 2, model }));
      const generators = new GeneratorCache();
      const exportsDir = await mkdtemp(join(tmpdir(), 'gan-model-export-'));
      const result = await runExport({ request: exportRequestSchema.parse({ kind: 'model', checkpoint: { runId: run.runId } }), exportsDir, runDir: run.runDir }, { generators });
      if (result.status !== 'completed') throw new Error('not completed');
      const dir = result.export.dir;
      expect(result.export.sidecar.files.map((f) => f.name).sort()).toEqual(
        ['README.md', 'directions.json', 'index.html', 'latent.js', 'mean-latent.json', 'model.json', 'preview.png', 'tf.min.js', 'weights.bin'],
      );

      const loaded = await tfjs.loadLayersModel(fileHandler(dir));
      const meta = (loaded.getUserDefinedMetadata() as { ganStudio: { zDim: number; numClasses: number; distribution: string } }).ganStudio;
      const { zDim, numClasses } = run.config.model;
      expect(meta).toMatchObject({ zDim, numClasses, distribution: run.config.model.zDistribution });
      // Class k's name travels with the model (the demo digits' are the digits).
      expect((meta as { classNames?: string[] }).classNames).toEqual(numClasses ? Array.from({ length: 10 }, (_, k) => String(k)) : []);

      // The example page's seed → input rows, from latent.js itself.
      const api = latentApi();
      const seeds = [0, 1, 2, 3, 99];
      const classes = seeds.map((_, i) => (numClasses ? (i * 3) % numClasses : 0));
      const rows = new Float32Array(seeds.length * (zDim + numClasses));
      seeds.forEach((seed, i) => rows.set(api.modelInput(api.latentForSeed(seed, zDim, meta.distribution, null), numClasses, classes[i]!), i * (zDim + numClasses)));
      const out = loaded.predict(tfjs.tensor2d(rows, [seeds.length, zDim + numClasses])) as tfjs.Tensor;
      const theirs = (await out.data()) as Float32Array;
      out.dispose();
      loaded.dispose();

      const ours = await generators.use(run.runDir, undefined, (g) => g.generate(latentsForSeeds(seeds, zDim, run.config.model.zDistribution), numClasses ? classes : undefined));
      expect(theirs.length).toBe(ours.length);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
      expect(worst).toBeLessThan(1e-5);
      generators.clear();
    });
  }

  it('ships the mean latent (zero) and the example page that loads tfjs and latent.js', async () => {
    const run = await trainTinyRun(tinyConfig({ steps: 2, checkpointEvery: 2, sampleEvery: 2 }));
    const exportsDir = await mkdtemp(join(tmpdir(), 'gan-model-export-'));
    const generators = new GeneratorCache();
    const request = exportRequestSchema.parse({ kind: 'model', checkpoint: { runId: run.runId } });
    const result = await runExport({ request, exportsDir, runDir: run.runDir }, { generators });
    if (result.status !== 'completed') throw new Error('not completed');
    const tensors = tf.memory().numTensors;
    const again = await runExport({ request, exportsDir, runDir: run.runDir }, { generators });
    expect(tf.memory().numTensors).toBe(tensors);
    // Same weights, same files: layer and weight names do not depend on what ran before in the process.
    expect(again.status === 'completed' && again.export.sidecar.digest).toBe(result.export.sidecar.digest);
    const mean = JSON.parse(await readFile(join(result.export.dir, 'mean-latent.json'), 'utf8')) as { values: number[]; why: string };
    expect(mean.values).toEqual(new Array(8).fill(0));
    expect(mean.why).toMatch(/no mapping network/);
    const page = await readFile(join(result.export.dir, 'index.html'), 'utf8');
    // tfjs ships beside the page (the stock build from node_modules); the CDN is only a fallback.
    expect(page).toContain('const LOCAL = "tf.min.js"');
    expect(page).toContain('const CDN = "https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4.22.0/dist/tf.min.js"');
    expect(page).toContain("tf.loadLayersModel('model.json')");
    expect((await readFile(join(result.export.dir, 'tf.min.js'), 'utf8')).length).toBeGreaterThan(1e6);
    expect(JSON.parse(await readFile(join(result.export.dir, 'directions.json'), 'utf8'))).toEqual({ zDim: 8, directions: [] });
  });
});

describe('latent.js', () => {
  it('names the same z for a seed as the app, for both distributions, with and without truncation', () => {
    const api = latentApi();
    for (const seed of [0, 1, 7, 12345, 2 ** 31 - 1]) {
      for (const distribution of ['normal', 'uniform'] as const) {
        for (const threshold of [null, 0.5, 2]) {
          expect(Array.from(api.latentForSeed(seed, 37, distribution, threshold))).toEqual(Array.from(latentForSeed(seed, 37, distribution, threshold)));
        }
      }
    }
    expect(Array.from(api.modelInput(Float32Array.of(0.5, -1), 3, 2))).toEqual([0.5, -1, 0, 0, 1]);
  });
});
