/** `gan-studio sample`: the fixed-noise grid of a run's newest checkpoint, as a PNG. */
import { parseArgs } from 'node:util';
import { basename, dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../engine/checkpoint/atomic';
import { backendPreferenceSchema } from '../api/schemas';
import { initRuntime } from '../engine/runtime';
import { resolveThreads } from '../engine/backend/threads';
import { loadMnistDemo } from '../engine/data/mnist-demo';
import { memoryBatches } from '../engine/data/memory-batches';
import { TrainingSession } from '../engine/train/session';
import { projectOfRun } from '../engine/train/run-file';
import { holdProjectLock } from '../project/lock';

export const sampleUsage = `Usage: gan-studio sample --run <run dir> --out <grid.png> [options]

  --n <count>     Number of samples (default: the run's fixed 8×8 noise grid)
  --seed <n>      Seed for the latents (default 0 when --n is given)
  --backend <b>   auto | tensorflow | wasm | cpu
  --threads <n>   CPU threads for wasm, 1–8 (or GAN_STUDIO_THREADS)
`;

export async function sample(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      run: { type: 'string' },
      out: { type: 'string' },
      n: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(sampleUsage);
  if (!values.run || !values.out) throw new Error(`--run and --out are required\n\n${sampleUsage}`);
  // Opening the run sweeps its checkpoints/ leftovers: never while another process trains it.
  await holdProjectLock(projectOfRun(resolve(values.run)), 'sample');
  await initRuntime(backendPreferenceSchema.parse(values.backend), { threads: resolveThreads(values.threads) });
  const data = loadMnistDemo();
  const noop = { status: () => undefined, metrics: () => undefined, samples: () => undefined };
  const { session } = await TrainingSession.open(resolve(values.run), (config) => memoryBatches(data, config.model), noop);
  const count = values.n === undefined ? undefined : Number(values.n);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 1024)) throw new Error('--n must be an integer from 1 to 1024');
  const seed = values.seed !== undefined ? Number(values.seed) : count !== undefined ? 0 : undefined;
  const { png, width, height } = await session.renderSamples({ ...(count !== undefined ? { count } : {}), ...(seed !== undefined ? { seed } : {}) });
  const out = resolve(values.out);
  await writeFileAtomic(dirname(out), basename(out), [png]);
  await session.dispose();
  process.stderr.write(`Wrote ${width}×${height} grid from step ${session.status().step} to ${values.out}\n`);
}
