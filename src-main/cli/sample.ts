/**
 * `gan-studio sample`: a grid from a run's checkpoint, as a PNG. It only reads the run: the weights
 * come through LoadedGenerator (never a TrainingSession, which logs to metrics.jsonl), and a seed
 * names the same latent as in exports, the explorer and an exported model (latentForSeed).
 */
import { basename, dirname, extname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expandSource, sampleSourceSchema } from '../api/export';
import { writeFileAtomic } from '../project/atomic';
import { backendPreferenceSchema } from '../api/schemas';
import { initRuntime } from '../engine/runtime';
import { resolveThreads } from '../engine/backend/threads';
import { projectOfRun } from '../project/layout';
import { holdProjectLock } from '../project/lock';
import { tileGrid, toBytes } from '../engine/image/grid';
import { encodePng } from '../engine/image/png';
import { LoadedGenerator } from '../engine/sampling';
import { pinSpec, renderAll } from '../engine/export/render';
import { drawLatents, fixedNoiseSeed } from '../engine/training/latents';
import { optionalFlagNumber, parseFlags } from './flags';
import { runFolder, writableFolder } from './run-folder';
import { sampleUsage } from './usage';

/** The run's fixed-noise grid: 64 images. */
const FIXED_GRID = 64;

export async function sample(args: string[]): Promise<void> {
  const { values } = parseFlags({
    args,
    options: {
      run: { type: 'string' },
      out: { type: 'string' },
      n: { type: 'string' },
      seed: { type: 'string' },
      checkpoint: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(sampleUsage);
  if (!values.run || !values.out) throw new Error(`--run and --out are required\n\n${sampleUsage}`);
  const count = optionalFlagNumber(values.n);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 1024)) throw new Error('--n must be an integer from 1 to 1024');
  const seed = optionalFlagNumber(values.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new Error('--seed must be an integer from 0 to 4294967295');
  const backend = backendPreferenceSchema.parse(values.backend);
  const threads = resolveThreads(values.threads);
  const runDir = await runFolder(values.run);
  const out = resolve(values.out);
  if (extname(out).toLowerCase() !== '.png') throw new Error(`--out ${values.out}: sample writes a PNG; give a file name ending in .png`);
  await writableFolder(dirname(out), '--out');
  // The project lock: another process training this run must not see its folder read half-way.
  await holdProjectLock(projectOfRun(runDir), 'sample');
  await initRuntime(backend, { threads });
  const generator = await LoadedGenerator.load(runDir, values.checkpoint);
  try {
    const bytes = count === undefined && seed === undefined ? await fixedNoise(generator) : await seeded(generator, seed ?? 0, count ?? FIXED_GRID);
    const [h, w, c] = generator.imageShape;
    const n = bytes.length / (h * w * c);
    const cols = Math.ceil(Math.sqrt(n));
    const grid = tileGrid(bytes, n, h, w, c, { rows: Math.ceil(n / cols), cols, padding: 2, background: 40 });
    await writeFileAtomic(dirname(out), basename(out), [await encodePng(grid)]);
    process.stderr.write(`Wrote ${grid.width}×${grid.height} grid from ${generator.identity.file} (step ${generator.identity.step}) to ${values.out}\n`);
  } finally {
    generator.dispose();
  }
}

/** Seeds first … first + n − 1, through the exports' renderer: the same bytes as `export images`. */
async function seeded(generator: LoadedGenerator, first: number, n: number): Promise<Uint8Array> {
  const checkpoint = { runId: generator.identity.runId, file: generator.identity.file };
  const spec = pinSpec(expandSource(sampleSourceSchema.parse({ from: 'seeds', first, count: n, checkpoint })), generator);
  return renderAll(generator, spec, new Map());
}

/** The latents of the run's samples/ grids (TrainingSession's fixed noise). */
async function fixedNoise(generator: LoadedGenerator): Promise<Uint8Array> {
  const images = tf.tidy(() => {
    const { z, labels } = drawLatents(generator.config.model, FIXED_GRID, fixedNoiseSeed(generator.config));
    return generator.forward(z, labels);
  });
  const values = (await images.data()) as Float32Array;
  images.dispose();
  return toBytes(values);
}
