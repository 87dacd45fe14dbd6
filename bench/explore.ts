/**
 * Latent explorer latency: how long from a slider move to the picture, on a CPU backend.
 *
 *   npx tsx bench/explore.ts [--backend wasm] [--n 60] [--cases dcgan64,dcgan64-radford,dcgan28]
 *
 * Three measurements per model:
 * - engine: the render handler in this process (latents, generator, tiling, PNG) for one image
 *   and a 4×4 grid;
 * - round trip: the same requests through main's StudioService and the real engine process
 *   (validation, lanes, IPC both ways, base64): slider to pixels less the browser's decode/paint;
 * - scrub: requests fired at 60 Hz for a few seconds, as a dragged slider does; for each picture
 *   that came back, how old its request was, and how many requests were dropped as superseded.
 * Results print as a table and go to bench/results/explore-<date>.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type RenderResult } from '../src-main/api/explore';
import { exploreEngineRequests } from '../src-main/engine/protocol/explore';
import { backendPreferenceSchema } from '../src-main/api/schemas';
import { preset } from '../src-main/api/training';
import type { TrainConfig } from '../src-main/api/train-config';
import type { EngineContext } from '../src-main/engine/capability';
import { exploreHandlers } from '../src-main/engine/explore/handlers';
import { initRuntime } from '../src-main/engine/runtime';
import { CompiledGenerator } from '../src-main/engine/explore/compiled-generator';
import { GeneratorCache, LoadedGenerator } from '../src-main/engine/sampling';
import { trainTinyRun } from '../src-main/engine/sampling/testing';
import { StudioService } from '../src-main/services/studio-service';
import { sourceEngineHost } from '../src-main/test-support/engine';
import { runDirOf, runsDirOf } from '../src-main/project/layout';
import { relaunchWithEngineEnv } from '../src-main/shared/engine-env';

const cases: Record<string, () => TrainConfig> = {
  // The app's DCGAN preset at 64 px (z 64, width 32).
  dcgan64: () => sized(preset('dcgan'), 64),
  // Radford et al.'s sizes at 64 px (z 100, width 64), as in bench/run.ts.
  'dcgan64-radford': () => {
    const p = sized(preset('dcgan'), 64);
    return { ...p, model: { ...p.model, zDim: 100, gWidth: 64, dWidth: 64 } };
  },
  dcgan28: () => sized(preset('dcgan'), 28),
};

function sized(config: TrainConfig, resolution: 28 | 64): TrainConfig {
  // One tiny step is enough: latency does not depend on what the weights learned.
  return { ...config, steps: 1, batchSize: 2, checkpointEvery: 1, sampleEvery: 1, model: { ...config.model, resolution } };
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

interface CaseResult {
  case: string;
  backend: string;
  /** Whether the explorer's compiled inference form (latent/compiled-generator.ts) was used. */
  compiled: boolean;
  engine: { single: Stats; grid: Stats };
  roundTrip: { single: Stats; grid: Stats };
  scrub: { sent: number; rendered: number; superseded: number; ageAtDisplay: Stats };
}

function stats(samples: number[]): Stats {
  if (samples.length === 0) return { n: 0, p50: NaN, p95: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}

const specOf = (runId: string, file: string | undefined, images: object[]) => ({ version: 1 as const, checkpoint: { runId, ...(file ? { file } : {}) }, images });
/** A slider position: t moves, as when the scrubber is dragged. */
const along = (i: number) => ({ seeds: [1, 2], t: ((i + 100) % 100) / 100 });
const grid = (i: number) => Array.from({ length: 16 }, (_, k) => ({ seeds: [k + 1, k + 100], t: ((i + 100) % 100) / 100 }));

async function engineTimes(runDir: string, runId: string, n: number): Promise<{ single: Stats; grid: Stats }> {
  const generators = new GeneratorCache();
  const render = exploreHandlers({ generators } as unknown as EngineContext)['explore.render'];
  const time = async (images: (i: number) => object[], cols: number) => {
    const samples: number[] = [];
    for (let i = -5; i < n; i++) {
      const started = performance.now();
      await render(exploreEngineRequests['explore.render'].input.parse({ runDir, spec: specOf(runId, undefined, images(i)), cols, directions: [] }));
      if (i >= 0) samples.push(performance.now() - started);
    }
    return stats(samples);
  };
  const result = { single: await time((i) => [along(i)], 1), grid: await time(grid, 4) };
  generators.clear();
  return result;
}

async function throughMain(service: StudioService, runId: string, file: string, n: number): Promise<Omit<CaseResult, 'case' | 'backend' | 'engine' | 'compiled'>> {
  let seq = 0;
  // Lanes per run: main remembers each lane's newest sequence number across cases.
  const ask = (lane: string, images: object[], cols: number) =>
    service.handle('explore.render', { lane: `bench-${runId.slice(-4)}:${lane}`, seq: ++seq, spec: specOf(runId, file, images), cols }) as Promise<{ ok: true; value: RenderResult }>;
  const time = async (lane: string, images: (i: number) => object[], cols: number) => {
    const samples: number[] = [];
    for (let i = -5; i < n; i++) {
      const started = performance.now();
      const reply = await ask(lane, images(i), cols);
      if (!reply.ok) throw new Error(`render failed: ${JSON.stringify(reply)}`);
      if (i >= 0) samples.push(performance.now() - started);
    }
    return stats(samples);
  };
  const roundTrip = { single: await time('single', (i) => [along(i)], 1), grid: await time('grid', grid, 4) };

  // A slider dragged for three seconds: a request every 1/60 s, answered or superseded.
  const ages: number[] = [];
  let rendered = 0;
  let superseded = 0;
  const pending: Promise<void>[] = [];
  const frames = 180;
  for (let i = 0; i < frames; i++) {
    const sent = performance.now();
    pending.push(
      ask('scrub', [along(i)], 1).then((reply) => {
        if (reply.value.status === 'rendered') {
          rendered++;
          ages.push(performance.now() - sent);
        } else superseded++;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000 / 60));
  }
  await Promise.all(pending);
  return { roundTrip, scrub: { sent: frames, rendered, superseded, ageAtDisplay: stats(ages) } };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { backend: { type: 'string', default: 'wasm' }, n: { type: 'string', default: '60' }, cases: { type: 'string' } } });
  const backend = backendPreferenceSchema.parse(values.backend);
  const n = Number(values.n);
  const report = await initRuntime(backend);
  const selected = values.cases?.split(',') ?? Object.keys(cases);
  const projectDir = await mkdtemp(join(tmpdir(), 'gan-bench-explore-'));
  await mkdir(runsDirOf(projectDir), { recursive: true });
  const engine = sourceEngineHost({ GAN_STUDIO_BACKEND: report.active });
  const service = new StudioService({ engine, app: { name: 'GAN Studio', version: 'bench', mode: 'web', platform: process.platform } });
  await engine.start();
  await service.openProject(projectDir, { create: true });
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; backend ${report.active}`);
  const results: CaseResult[] = [];
  try {
    for (const name of selected) {
      const factory = cases[name];
      if (!factory) throw new Error(`Unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
      const run = await trainTinyRun(factory());
      const runDir = runDirOf(projectDir, run.runId);
      await rename(run.runDir, runDir);
      const file = 'ckpt-000000001.gsc';
      const g = await LoadedGenerator.load(runDir);
      const compiled = await CompiledGenerator.compile(g);
      compiled?.dispose();
      g.dispose();
      const result: CaseResult = {
        case: name,
        backend: tf.getBackend(),
        compiled: compiled !== null,
        engine: await engineTimes(runDir, run.runId, n),
        ...(await throughMain(service, run.runId, file, n)),
      };
      results.push(result);
      console.log(row(result));
    }
  } finally {
    await engine.stop();
  }
  console.log(`\n${table(results)}`);
  await mkdir('bench/results', { recursive: true });
  const out = `bench/results/explore-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
  await writeFile(out, JSON.stringify({ machine: { cpu: cpus()[0]?.model, cores: cpus().length, load: loadavg(), node: process.version }, results }, null, 2));
  console.log(`\nWrote ${out}`);
}

const ms = (s: Stats) => (s.n ? `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)}` : '–');

function row(r: CaseResult): string {
  return `${r.case}${r.compiled ? ' (compiled)' : ''}: engine 1 image ${ms(r.engine.single)} ms, 4×4 ${ms(r.engine.grid)} ms; round trip 1 image ${ms(r.roundTrip.single)} ms, 4×4 ${ms(r.roundTrip.grid)} ms (p50 / p95)`;
}

function table(results: CaseResult[]): string {
  const lines = results.map(
    (r) =>
      `| ${r.backend} | ${r.case}${r.compiled ? '' : ' (not compiled)'} | ${ms(r.engine.single)} | ${ms(r.engine.grid)} | ${ms(r.roundTrip.single)} | ${ms(r.roundTrip.grid)} | ${r.scrub.rendered}/${r.scrub.sent} drawn, ${r.scrub.superseded} superseded; age ${ms(r.scrub.ageAtDisplay)} |`,
  );
  return [
    '| backend | model | engine 1 image p50/p95 ms | engine 4×4 | round trip 1 image | round trip 4×4 | 60 Hz scrub for 3 s |',
    '|---|---|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The engine's allocator settings (src-main/shared/engine-env.ts), as the app's engine process has them.
  await relaunchWithEngineEnv();
  await main(process.argv.slice(2));
}
