/**
 * Projection quality: project images a run never trained on (a folder of PNGs, sorted into class
 * subfolders) with the explorer's own projection, and report per image the RMS pixel error beside
 * the distance to the nearest training image, and whether the domain classifier reads the
 * reconstruction as the target's class. Writes a grid (targets on top, reconstructions below).
 *
 *   npx tsx bench/projection.ts --run <runDir> --project <projectDir> --images <folder> [--n 16] [--steps 300] [--starts 8] [--feature-weight 1]
 */
import { readdir, readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initRuntime } from '../src-main/engine/runtime';
import { LoadedGenerator } from '../src-main/engine/sampling';
import { classifierFor } from '../src-main/engine/evaluation/classifier';
import { evalDataset, evalSourceOf } from '../src-main/engine/evaluation/datasets';
import { runDataset } from '../src-main/project/run-file';
import { evaluationDirOf } from '../src-main/project/layout';
import { decodeImage } from '../src-main/engine/dataset/decode';
import { parseImportOptions } from '../src-main/engine/dataset/options';
import { grid, nearestByPixels } from '../src-main/engine/explore/memorisation';
import { project } from '../src-main/engine/explore/projection';
import { writeFile } from 'node:fs/promises';
import { relaunchWithEngineEnv } from '../src-main/shared/engine-env';

// The engine's allocator settings (src-main/shared/engine-env.ts), as the app's engine process has them.
await relaunchWithEngineEnv();

const args = process.argv.slice(2);
const arg = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const runDir = arg('run')!;
const projectDir = arg('project')!;
const folder = arg('images')!;
const n = Number(arg('n', '16'));
const steps = Number(arg('steps', '300'));
const starts = Number(arg('starts', '8'));
const featureWeight = Number(arg('feature-weight', '1'));
if (!runDir || !projectDir || !folder) throw new Error('usage: --run <runDir> --project <projectDir> --images <folder of class subfolders>');

await initRuntime('wasm', { threads: Number(arg('threads', '2')) });
const g = await LoadedGenerator.load(runDir);
const shape = g.imageShape;
const source = evalSourceOf(await runDataset(runDir), projectDir);
const data = await (await evalDataset(source)).load();
const classifier = await classifierFor(source, { cacheDir: evaluationDirOf(projectDir) });

// n images spread over the classes: the i-th file of class (i mod classes).
const classes = (await readdir(folder)).sort();
const files: { path: string; label: string }[] = [];
const lists = await Promise.all(classes.map(async (c) => (await readdir(join(folder, c))).sort().map((f) => join(folder, c, f))));
for (let i = 0; files.length < n; i++) files.push({ path: lists[i % classes.length]![Math.floor(i / classes.length)]!, label: classes[i % classes.length]! });

console.log(`Projection of ${n} images from ${folder}; run ${runDir} step ${g.identity.step}; ${steps} steps, ${starts} starts, feature weight ${featureWeight}\n`);
console.log('| image | RMS error | nearest training image | classifier reads | s |');
console.log('|---|---|---|---|---|');
const targets: Float32Array[] = [];
const recons: Float32Array[] = [];
let agree = 0;
let errSum = 0;
let nearSum = 0;
for (const file of files) {
  const decoded = await decodeImage(await readFile(file.path), parseImportOptions({ width: shape[1], height: shape[0], channels: shape[2] as 1 | 3 }));
  if (!decoded.ok) throw new Error(`${file.path}: ${decoded.reason}`);
  const target = Float32Array.from(decoded.pixels, (v) => v / 127.5 - 1);
  const started = performance.now();
  const found = await project(g, target, classifier, { steps, starts, featureWeight });
  const seconds = (performance.now() - started) / 1000;
  // The nearest training image by pixels, for scale.
  const nearest = (await nearestByPixels(data, target, shape, 1))[0]!.distance;
  const predicted = tf.tidy(() => tf.argMax(classifier.logits(tf.tensor4d(found.image, [1, ...shape])), 1).dataSync()[0]!);
  const reads = classifier.classNames[predicted] ?? String(predicted);
  if (reads === file.label) agree++;
  errSum += found.error;
  nearSum += nearest;
  targets.push(target);
  recons.push(found.image);
  console.log(`| ${file.path.split('/').slice(-2).join('/')} | ${found.error.toFixed(3)} | ${nearest.toFixed(3)} | ${reads}${reads === file.label ? '' : ` (is ${file.label})`} | ${seconds.toFixed(1)} |`);
}
console.log(`\nMean RMS error ${(errSum / n).toFixed(3)} (nearest training image ${(nearSum / n).toFixed(3)}); classifier reads the target's class in ${agree} of ${n} reconstructions.`);
const size = targets[0]!.length;
const tiles = new Float32Array(2 * n * size);
targets.forEach((t, i) => tiles.set(t, i * size));
recons.forEach((r, i) => tiles.set(r, (n + i) * size));
const png = await grid(tiles, 2 * n, shape, n);
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/projection-grid.png', Buffer.from(png.pngBase64, 'base64'));
console.log('Grid: bench/results/projection-grid.png (targets on top, reconstructions below)');
classifier.dispose();
g.dispose();
