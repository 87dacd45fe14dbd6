/**
 * Export throughput and memory: an 8×8 grid, N single PNGs (default 50,000, the Gallery's limit),
 * a 120-frame interpolation GIF and WebP of 4×4 walks, and the tfjs model, from the MLP GAN and
 * DCGAN presets (weights after one training step: speed does not depend on how well they draw).
 * Peak RSS is sampled during each export to show the image set streams in bounded memory.
 *
 *   npx tsx bench/export.ts [--images 50000] [--backend wasm] [--cases mlp,dcgan]
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consecutiveWalks, exportRequestSchema, type ExportRequestInput } from '../src-main/api/export';
import { preset } from '../src-main/api/training';
import type { BackendPreference } from '../src-main/api/schemas';
import { runExport } from '../src-main/engine/export/run';
import { initRuntime } from '../src-main/engine/runtime';
import { GeneratorCache } from '../src-main/engine/sampling';
import { trainTinyRun } from '../src-main/engine/sampling/testing';
import { relaunchWithEngineEnv } from '../src-main/shared/engine-env';

// The engine's allocator settings (src-main/shared/engine-env.ts), as the app's engine process has them.
await relaunchWithEngineEnv();

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const IMAGES = Number(arg('images') ?? 50_000);
const CASES = (arg('cases') ?? 'mlp,dcgan').split(',');

const backend = await initRuntime((arg('backend') ?? 'auto') as BackendPreference);
console.log(`backend ${backend.active} (${backend.provider}), tfjs ${tf.version_core}`);

const rows: string[] = ['| model | export | size | seconds | per second | peak RSS |', '|---|---|---|---|---|---|'];
for (const name of CASES) {
  const config = { ...preset(name === 'mlp' ? 'mlp' : 'dcgan'), steps: 1, checkpointEvery: 1, sampleEvery: 1 };
  const run = await trainTinyRun(config);
  const generators = new GeneratorCache();
  const exportsDir = await mkdtemp(join(tmpdir(), 'gs-bench-export-'));
  const checkpoint = { runId: run.runId };
  const walks = { from: 'walks' as const, walks: consecutiveWalks(0, 16, 4), framesPerSegment: 30, checkpoint };
  const seeds = (count: number) => ({ from: 'seeds' as const, first: 0, count, checkpoint });
  const jobs: [string, string, ExportRequestInput, number][] = [
    ['grid 8×8 (zoom 2, captions)', '64 images', { kind: 'grid', source: seeds(64), layout: { cols: 8, scale: 2, captions: 'seed' } }, 64],
    ['image set', `${IMAGES.toLocaleString('en-US')} PNGs`, { kind: 'images', source: seeds(IMAGES) }, IMAGES],
    ['interpolation GIF', '120 frames × 16 walks', { kind: 'animation', source: walks, tilesPerFrame: 16, layout: { cols: 4 }, animation: { format: 'gif' } }, 120],
    ['interpolation WebP', '120 frames × 16 walks', { kind: 'animation', source: walks, tilesPerFrame: 16, layout: { cols: 4 }, animation: { format: 'webp' } }, 120],
    ['tfjs model', 'model.json + weights', { kind: 'model', checkpoint }, 1],
  ];
  for (const [label, size, input, units] of jobs) {
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const result = await runExport({ request: exportRequestSchema.parse(input), exportsDir, runDir: run.runDir }, { generators });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (result.status !== 'completed') throw new Error(`${label} did not complete`);
    const mb = (result.export.sidecar.totalBytes / 1e6).toFixed(1);
    const rate = units > 1 ? `${Math.round(units / seconds).toLocaleString('en-US')} ${input.kind === 'animation' ? 'frames' : 'images'}/s` : '';
    rows.push(`| ${name} ${config.model.resolution} px | ${label} | ${size}, ${mb} MB | ${seconds.toFixed(2)} | ${rate} | ${Math.round(peak / 2 ** 20)} MiB |`);
    console.log(rows.at(-1));
  }
  generators.clear();
  await rm(exportsDir, { recursive: true, force: true });
  await rm(run.runsDir, { recursive: true, force: true });
}
console.log(`\n${rows.join('\n')}`);
