/**
 * Is the main process free while a run trains? Starts the real main-side services (StudioService +
 * EngineHost) with the engine in its child process, trains the DCGAN preset on the digits with a
 * sample grid every 10 steps (the heaviest event traffic the UI sees), serialises every event as
 * the WebSocket/IPC transports do, polls train.status like the renderer, and records this process's
 * event-loop delay with perf_hooks. The app promises p99 under 50 ms.
 *
 * It also times what other views ask of the engine meanwhile, round trip through main and the
 * engine process: a page of the Data view's thumbnails every 2 s, and the explorer as the Explore
 * view follows a run (below). --data emoji trains the DCGAN at 32 px RGB on the Twitter emoji
 * (~130 ms per step on one thread here), where a slow step shows most. --in-thread trains on the
 * engine thread (GAN_STUDIO_TRAINING_THREAD=off), where other requests wait for the step in
 * progress, for comparison with training in its own thread (the default on the CPU).
 *
 *   npx tsx bench/main-lag.ts [--seconds 30] [--backend wasm] [--data mnist|emoji] [--in-thread]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StudioService } from '../src-main/services/studio-service';
import { sourceEngineHost } from '../src-main/test-support/engine';
import { preset, type RunStatusShape } from '../src-main/api/training';
import type { DatasetRef } from '../src-main/api/schemas';
import { importDataset } from '../src-main/engine/dataset';
import { datasetDirOf } from '../src-main/project/layout';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SECONDS = Number(arg('seconds') ?? 30);
const BACKEND = arg('backend') ?? 'wasm';
/** --in-thread: train on the engine thread, as before training had a thread of its own (training/thread.ts). */
const IN_THREAD = args.includes('--in-thread');
const DATA = arg('data') ?? 'mnist';

const engine = sourceEngineHost({ GAN_STUDIO_BACKEND: BACKEND, ...(IN_THREAD ? { GAN_STUDIO_TRAINING_THREAD: 'off' } : {}) });
const service = new StudioService({ engine, app: { name: 'bench', version: '0', mode: 'web', platform: process.platform } });
const project = await mkdtemp(join(tmpdir(), 'gan-lag-'));
let dataset: DatasetRef = 'demo:mnist';
if (DATA === 'emoji') {
  const folder = join(dirname(createRequire(import.meta.url).resolve('emoji-datasource-twitter/package.json')), 'img', 'twitter', '64');
  await importDataset(folder, datasetDirOf(project), { width: 32, height: 32, channels: 3, background: '#ffffff', labelsFromFolders: false }, { name: 'twemoji' });
  dataset = 'project';
}
await service.openProject(project, { create: true });
await engine.start();

let events = 0;
let bytes = 0;
service.onEvent((event, payload) => {
  events++;
  bytes += JSON.stringify({ kind: 'event', event, payload }).length;
});

// The same request with the engine idle, for comparison.
const thumbnails = DATA === 'emoji' ? { dataset: 'project' as const, count: 128 } : null;
const ask = async (page: number): Promise<number> => {
  const sent = performance.now();
  const reply = thumbnails ? await service.handle('dataset.thumbnails', { ...thumbnails, offset: (page * 128) % 3_000 }) : await service.handle('dataset.demo', {});
  if (!reply.ok) throw new Error(reply.error.message);
  return performance.now() - sent;
};
const idleTrips: number[] = [];
for (let page = 0; page < 5; page++) idleTrips.push(await ask(page + 10));

const base = preset('dcgan');
const model = DATA === 'emoji' ? { ...base.model, resolution: 32 as const, channels: 3 as const } : base.model;
// A checkpoint every 100 steps, for the explorer to render from.
const config = { ...base, model, steps: 1_000_000, sampleEvery: 10, checkpointEvery: 100 };
const started = await service.handle('train.start', { config, dataset });
if (!started.ok) throw new Error(started.error.message);
const runId = (started.value as RunStatusShape).runId;

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const poll = setInterval(() => void service.handle('train.status', {}), 250);
// Another view's requests meanwhile: a Data view page every 2 s (one at a time, as the view asks).
const roundTrips: number[] = [];
let asking = true;
const asker = (async () => {
  for (let page = 0; asking; page++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (!asking) break;
    roundTrips.push(await ask(page));
  }
})();
// And the explorer, as the Explore view follows a training run: when a checkpoint lands it draws
// the newest one (the first render of a checkpoint loads it: timed apart, as "refreshes"), and a
// slider moved now and then draws one image every second with the checkpoint on screen.
const renders: number[] = [];
const renderSteps: number[] = [];
const refreshes: number[] = [];
let onScreen: string | null = null;
let renderSeq = 0;
const render = async (file: string, t: number) => {
  const sent = performance.now();
  const spec = { version: 1 as const, checkpoint: { runId, file }, images: [{ seeds: [1, 2], t }] };
  const reply = await service.handle('explore.render', { lane: 'bench:single', seq: renderSeq++, spec, cols: 1 });
  if (!reply.ok) throw new Error(reply.error.message);
  return { ms: performance.now() - sent, step: (reply.value as { checkpoint: { step: number } }).checkpoint.step };
};
let refreshing: Promise<void> = Promise.resolve();
let lastCheckpoint: number | null = null;
service.onEvent((event, payload) => {
  const status = payload as RunStatusShape;
  if (!asking || event !== 'train.status' || status.runId !== runId || status.lastCheckpointStep === null || status.lastCheckpointStep === lastCheckpoint) return;
  lastCheckpoint = status.lastCheckpointStep;
  const file = `ckpt-${String(status.lastCheckpointStep).padStart(9, '0')}.gsc`;
  refreshing = refreshing.then(async () => {
    refreshes.push((await render(file, 0)).ms);
    onScreen = file;
  });
});
const explorer = (async () => {
  for (let i = 0; asking; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (!asking || !onScreen) continue;
    const { ms, step } = await render(onScreen, (i % 100) / 100);
    renders.push(ms);
    renderSteps.push(step);
  }
})();
await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
asking = false;
await Promise.all([asker, explorer, refreshing]);
clearInterval(poll);
delay.disable();

const status = await service.handle('train.status', {});
await service.handle('train.control', { action: 'stop' });
await engine.stop();

function quantiles(values: number[]): { p50: number | null; p95: number | null; max: number | null } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!) : null);
  return { p50: at(0.5), p95: at(0.95), max: sorted.length ? Math.round(sorted[sorted.length - 1]!) : null };
}
const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
const result = {
  date: new Date().toISOString(),
  backend: BACKEND,
  training: IN_THREAD ? 'engine thread' : 'own thread',
  seconds: SECONDS,
  steps: status.ok ? ((status.value as RunStatusShape | null)?.step ?? null) : null,
  events,
  eventMegabytes: Math.round((bytes / 1e6) * 100) / 100,
  lagMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
  data: DATA,
  request: thumbnails ? 'dataset.thumbnails (128)' : 'dataset.demo',
  roundTripMs: quantiles(roundTrips),
  idleRoundTripMs: quantiles(idleTrips),
  exploreRenderMs: quantiles(renders),
  exploreRefreshMs: quantiles(refreshes),
  /** Each render's round trip in order, with the step of the checkpoint it drew with. */
  renders: renders.map((ms, i) => ({ ms: Math.round(ms), step: renderSteps[i] })),
};
console.log(`main-process event-loop delay while training (${BACKEND}, training on ${result.training}, ${SECONDS} s, ${result.steps} steps, ${events} events):`);
console.log(`  p50 ${result.lagMs.p50} ms · p99 ${result.lagMs.p99} ms · max ${result.lagMs.max} ms  (target p99 < 50 ms)`);
const trips = result.roundTripMs;
console.log(`${result.request} round trip meanwhile (${roundTrips.length} requests): p50 ${trips.p50} ms · max ${trips.max} ms; idle engine: p50 ${result.idleRoundTripMs.p50} ms`);
const explore = result.exploreRenderMs;
console.log(`explore.render, one image, round trip meanwhile (${renders.length} slider renders with the checkpoint on screen): p50 ${explore.p50} ms · p95 ${explore.p95} ms · max ${explore.max} ms  (target p95 < 100 ms)`);
const refresh = result.exploreRefreshMs;
console.log(`  and the first image of each new checkpoint (${refreshes.length}, loads it): p50 ${refresh.p50} ms · max ${refresh.max} ms`);
await mkdir('bench/results', { recursive: true });
await writeFile(join('bench/results', `main-lag-${result.date.replace(/[:.]/g, '').slice(0, 17)}.json`), JSON.stringify(result, null, 2));
process.exit(0);
